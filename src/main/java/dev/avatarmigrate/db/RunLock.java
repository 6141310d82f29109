package dev.avatarmigrate.db;

import dev.avatarmigrate.engine.PreflightException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The run lock: a MariaDB named lock per database and table, held on a connection of its own for the whole
 * run, so two runs never work on one table at once. It dies with its connection, so a killed run never leaves
 * it behind; and since a live run's connection can die too, {@link #check} is called before each rewrite.
 * Used from the rewrite thread only (under MariaDbPathTable's monitor).
 */
final class RunLock {
  private final Connections connections;
  private final PathSql sql;
  private final String lockName;
  private Connection lockConnection;
  // CONNECTION_ID() of the session that took the lock.
  private long lockHolder;

  private RunLock(Connections connections, PathSql sql) {
    this.connections = connections;
    this.sql = sql;
    this.lockName = sql.lockName(connections.target().database());
  }

  /** Takes the lock; a {@link PreflightException} when another run holds it or the server refuses. */
  static RunLock take(Connections connections, PathSql sql) {
    RunLock lock = new RunLock(connections, sql);
    lock.lockConnection = connections.open();
    try {
      lock.takeLock(false);
    } catch (SQLException e) {
      lock.close();
      throw new PreflightException("cannot take the run lock " + lock.lockName + ": "
          + Connections.firstLine(e.getMessage()), e);
    } catch (PreflightException e) {
      lock.close();
      throw e;
    }
    return lock;
  }


  /** GET_LOCK on the lock connection; refused, without waiting, when another run holds it. */
  private void takeLock(boolean again) throws SQLException {
    long holder = tryLock();
    if (holder != 0 && holder == lockHolder && again && releaseOwnOrphan()) {
      holder = tryLock();
    }
    if (holder == 0) {
      return;
    }
    String table = connections.target().database() + "." + sql.table();
    if (again) {
      throw new PreflightException("this run lost its run lock on " + table + " when the server closed its"
          + " connection, and another run (MariaDB connection " + holder + ") has taken it; this run"
          + " stopped, and everything it did is safe");
    }
    throw new PreflightException("another avatarMigrate run is working on " + table + " (MariaDB connection "
        + holder + "); wait for it to finish, or stop it");
  }

  /** GET_LOCK without waiting: 0 when taken (and remembers this connection as the holder), else the holder. */
  private long tryLock() throws SQLException {
    try (PreparedStatement s = lockConnection.prepareStatement(
        "SELECT GET_LOCK(?, 0), IS_USED_LOCK(?), CONNECTION_ID()")) {
      s.setString(1, lockName);
      s.setString(2, lockName);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        if (rs.getInt(1) == 1) {
          lockHolder = rs.getLong(3);
          return 0;
        }
        return rs.getLong(2);
      }
    }
  }

  /**
   * The connection may have died on this side only (a NAT, a firewall or a proxy dropping it while idle), the
   * server keeping the session, and with it the lock, until its own timeout. When the lock is still held by
   * this run's old session, that session is ended, which frees the lock to be taken again. Waits a few seconds
   * for the server to let go; true when it did.
   */
  private boolean releaseOwnOrphan() throws SQLException {
    try (PreparedStatement s = lockConnection.prepareStatement("SELECT IS_USED_LOCK(?)")) {
      s.setString(1, lockName);
      try (ResultSet rs = s.executeQuery()) {
        if (!rs.next() || rs.getLong(1) != lockHolder) {
          return false;
        }
      }
    }
    try (Statement s = lockConnection.createStatement()) {
      s.execute("KILL CONNECTION " + lockHolder); // a number this run read from the server, not user input
    } catch (SQLException e) {
      // already gone, or not ours to end: the checks below tell
    }
    for (int i = 0; i < 50; i++) {
      try (PreparedStatement s = lockConnection.prepareStatement("SELECT IS_FREE_LOCK(?)")) {
        s.setString(1, lockName);
        try (ResultSet rs = s.executeQuery()) {
          if (rs.next() && rs.getInt(1) == 1) {
            return true;
          }
        }
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return false;
  }

  /**
   * The run lock lives as long as its connection, which the server may close when idle (wait_timeout, a proxy's
   * idle limit) or lose (a failover, a KILL). Checked before each rewrite: a lost lock is taken again on a new
   * connection, and when another run took it meanwhile this run stops (exit 3) instead of working beside it.
   */
  void check() throws SQLException {
    try (PreparedStatement s = lockConnection.prepareStatement("SELECT IS_USED_LOCK(?) = CONNECTION_ID()")) {
      s.setString(1, lockName);
      try (ResultSet rs = s.executeQuery()) {
        if (rs.next() && rs.getBoolean(1)) {
          return;
        }
      }
    } catch (SQLException e) {
      // The lock connection is gone, and the lock with it.
    }
    MariaDbPathTable.closeQuietly(lockConnection);
    lockConnection = connections.connect();
    takeLock(true);
  }

  void close() {
    MariaDbPathTable.closeQuietly(lockConnection);
  }
}
