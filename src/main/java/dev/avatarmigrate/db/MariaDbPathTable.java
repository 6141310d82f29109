package dev.avatarmigrate.db;

import dev.avatarmigrate.config.DatabaseTarget;
import dev.avatarmigrate.config.Identifier;
import dev.avatarmigrate.engine.PathRewrite;
import dev.avatarmigrate.engine.PathTable;
import dev.avatarmigrate.engine.PreflightException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@link PathTable} on MariaDB over JDBC. Table and column are validated identifiers, back-quoted; every
 * value is bound. Each rewrite is one transaction, retried on a fresh connection when the connection is
 * lost or a lock wait is given up; compare-and-set makes the retry harmless.
 */
public final class MariaDbPathTable implements PathTable {
  // 500 values a statement: far below max_allowed_packet, large enough to amortise the round trip.
  private static final int IN_LIST = 500;

  private final Connections connections;
  private final PathSql sql;
  private Connection connection;
  // Taken by lockRun (a dry run takes none) and checked before each rewrite transaction.
  private RunLock runLock;
  private boolean databaseLost;

  private MariaDbPathTable(Connections connections, PathSql sql) {
    this.connections = connections;
    this.sql = sql;
  }

  /** Connects; a refused login or a missing database is a {@link PreflightException}. */
  public static MariaDbPathTable open(DatabaseTarget target, Identifier table, Identifier column) {
    MariaDbPathTable t = new MariaDbPathTable(new Connections(target), new PathSql(table, column));
    t.connection = t.connections.open();
    return t;
  }

  @Override
  public TableCheck check() {
    TableCheck check = new TableInspector(connection, connections.target(), sql).inspect();
    if (!check.indexed()) {
      try {
        connections.waitLonger(connection);
      } catch (SQLException e) {
        throw new PreflightException("cannot set up the connection to " + connections.target().displayUrl() + ": "
            + Connections.firstLine(e.getMessage()), e);
      }
    }
    return check;
  }

  @Override
  public String temporaryTablesRefused() {
    return withRetry(c -> new TableInspector(c, connections.target(), sql).checkTemporaryTables());
  }

  /** As {@link #check}, for a table that is only read (a replica's): its UPDATE privilege is not probed. */
  TableCheck checkForReading() {
    TableCheck check = new TableInspector(connection, connections.target(), sql).inspect(false);
    if (!check.indexed()) {
      try {
        connections.waitLonger(connection); // each SELECT ... IN scans the table: no answer limit
      } catch (SQLException e) {
        throw new PreflightException("cannot set up the connection to " + connections.target().displayUrl() + ": "
            + Connections.firstLine(e.getMessage()), e);
      }
    }
    return check;
  }

  /** True when this server keeps a binary log, so its commits carry GTIDs a replica can be asked about. */
  boolean logsBinary() {
    return variable("@@log_bin", rs -> rs.getBoolean(1));
  }

  private interface Column<T> {
    T read(ResultSet rs) throws SQLException;
  }

  /** One server variable, read on this table's connection. */
  private <T> T variable(String name, Column<T> column) {
    return withRetry(c -> {
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT " + name)) {
        rs.next();
        return column.read(rs);
      }
    });
  }

  /**
   * Where this server's binary log stands now in the replication domain this table's session writes in (one
   * domain-server-sequence of its gtid_binlog_pos), so at or after every row commit made so far; null without a
   * binary log or before any transaction in that domain. Only that domain is waited for on a replica: one that
   * ignores the primary's other domains would otherwise never count as caught up. The rows the service wrote
   * just before share the domain (where it writes in the default one) and come earlier in it.
   */
  String replicationPosition() {
    return variable("@@log_bin, @@gtid_binlog_pos, @@gtid_domain_id", rs -> {
      if (!rs.getBoolean(1) || rs.getString(2) == null) {
        return null;
      }
      String domain = rs.getString(3) + "-";
      for (String gtid : rs.getString(2).split(",")) {
        if (gtid.trim().startsWith(domain)) {
          return gtid.trim();
        }
      }
      return null;
    });
  }

  /** This server's server_id: two connections to one server share it. */
  long serverId() {
    return variable("@@server_id", rs -> rs.getLong(1));
  }

  /** True when this replica has applied the transactions up to {@code position}; asks without waiting. */
  boolean reached(String position) {
    return withRetry(c -> {
      try (PreparedStatement s = c.prepareStatement("SELECT MASTER_GTID_WAIT(?, 0)")) {
        s.setString(1, position);
        try (ResultSet rs = s.executeQuery()) {
          rs.next();
          int answer = rs.getInt(1);
          return !rs.wasNull() && answer == 0;
        }
      }
    });
  }

  @Override
  public synchronized void lockRun() {
    runLock = RunLock.take(connections, sql);
  }

  @Override
  public Map<String, Integer> rewrite(List<PathRewrite> rewrites) {
    return inTransaction(rewrites.size() > 1, c -> compareAndSet(c, rewrites));
  }

  private Map<String, Integer> compareAndSet(Connection c, List<PathRewrite> rewrites) throws SQLException {
    Map<String, Integer> rows = new HashMap<>();
    try (PreparedStatement s = c.prepareStatement(sql.compareAndSet())) {
      for (PathRewrite r : rewrites) {
        s.setString(1, r.newPath());
        s.setString(2, r.oldPath());
        s.setString(3, r.oldPath());
        s.addBatch();
      }
      int[] counts = s.executeBatch();
      for (int i = 0; i < counts.length; i++) {
        rows.merge(rewrites.get(i).oldPath(), Math.max(0, counts[i]), Integer::sum);
      }
    } catch (SQLException e) {
      if (rewrites.size() == 1 && notInColumnCharset(e)) {
        // One path the column cannot hold (an emoji in a latin1 column): no row names it. A batch with one such
        // path fails whole, and the engine rewrites its paths one by one, so each comes here alone.
        return Map.of(rewrites.get(0).oldPath(), 0);
      }
      throw e;
    }
    return rows;
  }

  // "Illegal mix of collations": the bound path has characters the column's character set has not. MariaDB says it
  // with one code for an = (two operands), another for an IN of two values, another for more.
  private static final int MIX_OF_TWO_COLLATIONS = 1267;
  private static final int MIX_OF_THREE_COLLATIONS = 1270;
  private static final int MIX_OF_COLLATIONS = 1271;

  private static boolean notInColumnCharset(SQLException e) {
    int code = SqlRetry.statementError(e).getErrorCode();
    return code == MIX_OF_TWO_COLLATIONS || code == MIX_OF_THREE_COLLATIONS || code == MIX_OF_COLLATIONS;
  }

  /**
   * The pairs go through the temporary table, except those with a path ending in a space: in a CHAR column, and so
   * in the pairs table made like it, the space is dropped, and {@code image/avatar-1.png } joined the row of
   * {@code image/avatar-1.png}, pointing it at another object. Those are compared one by one, byte for byte, in
   * the same transaction.
   */
  @Override
  public Map<String, Integer> rewriteJoined(List<PathRewrite> rewrites) {
    List<PathRewrite> exact = rewrites.stream()
        .filter(r -> r.oldPath().endsWith(" ") || r.newPath().endsWith(" ")).toList();
    List<PathRewrite> joined = exact.isEmpty() ? rewrites
        : rewrites.stream().filter(r -> !r.oldPath().endsWith(" ") && !r.newPath().endsWith(" ")).toList();
    return inTransaction(rewrites.size() > 1, c -> {
      Map<String, Integer> rows = joined.isEmpty() ? new HashMap<>() : join(c, joined);
      if (!exact.isEmpty()) {
        compareAndSet(c, exact).forEach((path, n) -> rows.merge(path, n, Integer::sum));
      }
      return rows;
    });
  }

  private Map<String, Integer> join(Connection c, List<PathRewrite> rewrites) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(sql.createPairsTable());
      s.execute(sql.clearPairs());
    }
    try (PreparedStatement s = c.prepareStatement(sql.insertPair())) {
      for (PathRewrite r : rewrites) {
        s.setString(1, r.oldPath());
        s.setString(2, r.newPath());
        s.addBatch();
      }
      s.executeBatch();
    }
    Map<String, Integer> rows = new HashMap<>();
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql.lockJoinedRows())) {
      while (rs.next()) {
        rows.merge(rs.getString(1), 1, Integer::sum);
      }
    }
    try (Statement s = c.createStatement()) {
      s.executeUpdate(sql.updateJoined());
    }
    return rows;
  }

  @Override
  public Map<String, Integer> countRows(Collection<String> paths) {
    List<String> all = new ArrayList<>(paths);
    return withRetry(c -> {
      Map<String, Integer> rows = new HashMap<>();
      for (int from = 0; from < all.size(); from += IN_LIST) {
        List<String> slice = all.subList(from, Math.min(all.size(), from + IN_LIST));
        try {
          count(c, slice, rows);
        } catch (SQLException e) {
          if (!notInColumnCharset(e)) {
            throw e;
          }
          // A path the column cannot hold is in the slice: asked one by one, it counts no row.
          for (String path : slice) {
            try {
              count(c, List.of(path), rows);
            } catch (SQLException one) {
              if (!notInColumnCharset(one)) {
                throw one;
              }
            }
          }
        }
      }
      return rows;
    });
  }

  private void count(Connection c, List<String> slice, Map<String, Integer> rows) throws SQLException {
    Set<String> wanted = new HashSet<>(slice);
    try (PreparedStatement s = c.prepareStatement(sql.selectIn(slice.size()))) {
      for (int i = 0; i < slice.size(); i++) {
        s.setString(i + 1, slice.get(i));
      }
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          String path = rs.getString(1);
          // The column's collation may match case-insensitively; count exact matches only.
          if (wanted.contains(path)) {
            rows.merge(path, 1, Integer::sum);
          }
        }
      }
    }
  }

  @Override
  public PathPage pathsWithPrefix(String prefix, String after, int limit) {
    return withRetry(c -> {
      Set<String> paths = new LinkedHashSet<>();
      String last = null;
      try (PreparedStatement s = c.prepareStatement(sql.pathsAfter(after != null))) {
        int i = 1;
        s.setString(i++, PathSql.likePrefix(prefix));
        if (after != null) {
          s.setString(i++, after);
        }
        s.setInt(i, limit);
        try (ResultSet rs = s.executeQuery()) {
          while (rs.next()) {
            String path = rs.getString(1);
            last = path;
            if (path.startsWith(prefix)) {
              paths.add(path);
            }
          }
        }
      }
      if (last != null) {
        // Rows equal to the last one under the column's collation (muller and müller under a _general_ci one,
        // or a trailing space) may lie on both sides of the page's end, and the next page starts after them
        // all: read every such path now.
        try (PreparedStatement s = c.prepareStatement(sql.pathsEqual())) {
          s.setString(1, last);
          try (ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
              String path = rs.getString(1);
              if (path.startsWith(prefix)) {
                paths.add(path);
              }
            }
          }
        }
      }
      return new PathPage(new ArrayList<>(paths), last);
    });
  }

  private interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  /** @param manyRows give up a row lock sooner (see {@link SqlRetry#BATCH_LOCK_WAITS}) */
  private <T> T inTransaction(boolean manyRows, Work<T> work) {
    return withRetry(manyRows, c -> {
      if (runLock != null) {
        runLock.check();
      }
      c.setAutoCommit(false);
      try {
        T result = work.run(c);
        c.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        rollbackQuietly(c);
        throw e;
      } finally {
        if (!c.isClosed()) {
          c.setAutoCommit(true);
        }
      }
    });
  }

  private <T> T withRetry(Work<T> work) {
    return withRetry(false, work);
  }

  private synchronized <T> T withRetry(boolean manyRows, Work<T> work) {
    SQLException last = null;
    // Once the database was given up for lost, the batches still queued behind it try once each, so a run that
    // is stopping does not wait about 20 s more per batch before it can exit.
    int attempts = databaseLost ? 1 : SqlRetry.MAX_ATTEMPTS;
    for (int attempt = 1; attempt <= attempts; attempt++) {
      try {
        if (connection == null || connection.isClosed()) {
          connection = reconnect();
        }
        return work.run(connection);
      } catch (SQLException e) {
        last = e;
        if (SqlRetry.connectionLost(e)) {
          closeQuietly(connection);
          connection = null;
        }
        if (!SqlRetry.retryable(e) || attempt == attempts
            || (manyRows && SqlRetry.lockWait(e) && attempt >= SqlRetry.BATCH_LOCK_WAITS)) {
          break;
        }
        SqlRetry.pause(attempt);
      }
    }
    String reason = Connections.firstLine(last == null ? null : SqlRetry.statementError(last).getMessage());
    if (last != null && SqlRetry.connectionLost(last)) {
      // Retried for about 20 s on fresh connections: the database is gone, and nothing can continue.
      databaseLost = true;
      throw new PreflightException("lost the database at " + connections.target().displayUrl() + " (" + reason
          + "); everything done so far is safe: run again once it is back", last);
    }
    if (last != null && SqlRetry.refused(last)) {
      // A grant taken away mid-run refuses every batch after this one alike: stop, rather than copy on.
      throw new PreflightException("the database refused the statement: " + reason + "; check the user's grants"
          + " (README: database privileges), then run again", last);
    }
    throw new IllegalStateException("the database refused the statement: " + reason, last);
  }

  /**
   * A fresh connection. Failing to get one because the server is gone (restarting, failing over, or the
   * connection killed as it opens) is retried like a lost connection; a refused login is not.
   */
  private Connection reconnect() throws SQLException {
    try {
      return connections.connect();
    } catch (SQLException e) {
      if (SqlRetry.connectionLost(e)) {
        throw e;
      }
      throw connections.classify(e);
    }
  }

  private static void rollbackQuietly(Connection c) {
    try {
      if (!c.isClosed()) {
        c.rollback();
      }
    } catch (SQLException e) {
      // The connection is gone; the server rolled the transaction back with it.
    }
  }

  static void closeQuietly(Connection c) {
    try {
      if (c != null) {
        c.close();
      }
    } catch (SQLException e) {
      // already broken
    }
  }

  @Override
  public synchronized void close() {
    closeQuietly(connection);
    if (runLock != null) {
      runLock.close();
    }
  }
}
