package dev.avatarmigrate.db;

import dev.avatarmigrate.config.DatabaseTarget;
import dev.avatarmigrate.engine.PreflightException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/** Opens connections to the avatar database, and turns connection failures into one clear line. */
final class Connections {
  private static final int ACCESS_DENIED = 1045;
  // MariaDB 10.4+ answers an unknown user, or one that must log in otherwise (unix_socket), with this.
  private static final int ACCESS_DENIED_NO_PASSWORD = 1698;
  private static final int ACCESS_DENIED_DB = 1044;
  private static final int UNKNOWN_DATABASE = 1049;

  // A server that stops answering (hung, or a network path gone silent) is a lost connection after two
  // minutes, retried and then reported, rather than a run that waits for ever. With an index on the column no
  // statement of the tool comes near it; without one, a rewrite scans the table and may (see waitLonger).
  static final int SOCKET_TIMEOUT_MILLIS = 120_000;

  private final DatabaseTarget target;
  private volatile int socketTimeoutMillis = SOCKET_TIMEOUT_MILLIS;

  Connections(DatabaseTarget target) {
    this.target = target;
  }

  Connection open() {
    try {
      return connect();
    } catch (SQLException e) {
      throw classify(e);
    }
  }

  /** As {@link #open}, with the driver's error left to the caller, which may retry a lost server. */
  Connection connect() throws SQLException {
    Properties props = new Properties();
    if (target.user() != null) {
      props.setProperty("user", target.user());
    }
    if (target.password() != null) {
      props.setProperty("password", target.password());
    }
    props.setProperty("connectTimeout", "10000");
    props.setProperty("socketTimeout", String.valueOf(socketTimeoutMillis));
    Connection c = DriverManager.getConnection(target.jdbcUrl(), props);
    try (Statement s = c.createStatement()) {
      // The live service wins a row-lock conflict: the tool gives up after 2 s and retries later,
      // instead of holding the service's writers behind it for the default 50 s.
      s.execute("SET SESSION innodb_lock_wait_timeout = 2");
      // A table lock or an ALTER TABLE holds the metadata lock: wait at most a minute for it (then error 1205,
      // retried like a row-lock wait) rather than until the socket's two minutes run out.
      s.execute("SET SESSION lock_wait_timeout = 60");
      // Read committed: the compare-and-set needs no snapshot, and under repeatable read its next-key locks
      // also lock the gaps beside each rewritten path, so a new row the live service inserts there (an
      // upload) waits behind the tool's transaction. Statement-based binary logging refuses row changes in
      // read committed, so such a server keeps its level.
      try (ResultSet rs = s.executeQuery("SELECT @@log_bin = 1 AND @@binlog_format = 'STATEMENT'")) {
        if (rs.next() && !rs.getBoolean(1)) {
          c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
        }
      }
      // A path longer than the column must fail loudly, never be truncated into a path to nothing. And a CHAR
      // column's values are read as stored: PAD_CHAR_TO_FULL_LENGTH would pad them with spaces, so no row matched
      // its own path, and its source was deleted under it.
      s.execute("SET SESSION sql_mode = TRIM(BOTH ',' FROM REPLACE(REPLACE(CONCAT(@@sql_mode, ',STRICT_ALL_TABLES'),"
          + " 'PAD_CHAR_TO_FULL_LENGTH', ''), ',,', ','))");
      return c;
    } catch (SQLException e) {
      try {
        c.close();
      } catch (SQLException closing) {
        e.addSuppressed(closing);
      }
      throw e;
    }
  }

  PreflightException classify(SQLException e) {
    String where = target.displayUrl();
    return switch (e.getErrorCode()) {
      case ACCESS_DENIED, ACCESS_DENIED_NO_PASSWORD -> new PreflightException("MariaDB refused the login of user '" + target.user() + "' at "
          + where + ": check DB_USER and DB_PASSWORD", e);
      case ACCESS_DENIED_DB -> new PreflightException("user '" + target.user() + "' may not use database "
          + target.database() + ": GRANT SELECT, UPDATE on it (see the README)", e);
      case UNKNOWN_DATABASE -> new PreflightException("database " + target.database() + " does not exist at "
          + where + ": check the DATABASE argument", e);
      default -> new PreflightException("cannot connect to MariaDB at " + where + ": " + firstLine(e.getMessage())
          + "; check DB_HOST and DB_PORT and that the server is up", e);
    };
  }

  /**
   * No answer limit for {@code c} and the connections opened after it: without an index on the column each
   * rewrite scans the table, which on a large one takes longer than any limit that would still catch a hang.
   */
  void waitLonger(Connection c) throws SQLException {
    socketTimeoutMillis = 0;
    c.setNetworkTimeout(Runnable::run, 0);
  }

  DatabaseTarget target() {
    return target;
  }

  static String firstLine(String message) {
    if (message == null) {
      return "unknown error";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }
}
