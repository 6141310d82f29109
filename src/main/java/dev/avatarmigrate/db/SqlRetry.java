package dev.avatarmigrate.db;

import java.sql.BatchUpdateException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import java.util.concurrent.ThreadLocalRandom;

/** Which database errors are worth another attempt, and how long to wait before it. */
final class SqlRetry {
  // 8 attempts with backoff from 200 ms to 5 s: about 20 s of patience for a failover or a busy row.
  static final int MAX_ATTEMPTS = 8;

  private static final int LOCK_WAIT_TIMEOUT = 1205;
  private static final int DEADLOCK = 1213;
  private static final int SERVER_GONE = 2006;
  private static final int SERVER_LOST = 2013;
  private static final int CONNECTION_KILLED = 1927;
  private static final int QUERY_INTERRUPTED = 1317;
  private static final int SERVER_SHUTDOWN = 1053;
  private static final int DB_ACCESS_DENIED = 1044;
  private static final int TABLE_ACCESS_DENIED = 1142;
  private static final int COLUMN_ACCESS_DENIED = 1143;

  private SqlRetry() {}

  /**
   * The connection is gone and must be replaced before the next attempt. The driver's exception class alone does
   * not say so: MariaDB Connector/J makes a SQLTransientConnectionException of every SQL state it does not know,
   * such as a trigger's {@code SIGNAL SQLSTATE '45000'}, which the server sent down a connection that is fine.
   */
  static boolean connectionLost(SQLException failure) {
    SQLException e = statementError(failure);
    String state = e.getSQLState();
    boolean connectionClass = e instanceof SQLNonTransientConnectionException
        || e instanceof SQLTransientConnectionException
        || e instanceof SQLRecoverableException;
    return (connectionClass && !serverAnswered(e))
        || (state != null && state.startsWith("08"))
        || e.getErrorCode() == SERVER_GONE || e.getErrorCode() == SERVER_LOST
        || e.getErrorCode() == CONNECTION_KILLED || e.getErrorCode() == SERVER_SHUTDOWN;
  }

  /** A server's own error code (below 2000, or 3000 and up); 2000-2999 are the client's, 0 is none. */
  private static boolean serverAnswered(SQLException e) {
    int code = e.getErrorCode();
    return code > 0 && (code < 2000 || code >= 3000);
  }

  /** Another attempt may succeed: a lost connection, a lock wait given up, a deadlock victim. */
  static boolean retryable(SQLException failure) {
    SQLException e = statementError(failure);
    return connectionLost(e) || e.getErrorCode() == LOCK_WAIT_TIMEOUT || e.getErrorCode() == DEADLOCK
        || e.getErrorCode() == QUERY_INTERRUPTED;
  }

  /** A row lock the tool gave up waiting for (after innodb_lock_wait_timeout). */
  static boolean lockWait(SQLException failure) {
    return statementError(failure).getErrorCode() == LOCK_WAIT_TIMEOUT;
  }

  // A transaction of many rows gives up a lock after this many waits, so that the engine rewrites its rows one
  // by one and only the locked row's object waits further (and fails, if the lock stays).
  static final int BATCH_LOCK_WAITS = 2;

  /** A privilege is missing: every statement like this one will be refused too. */
  static boolean refused(SQLException failure) {
    int code = statementError(failure).getErrorCode();
    return code == DB_ACCESS_DENIED || code == TABLE_ACCESS_DENIED || code == COLUMN_ACCESS_DENIED;
  }

  /**
   * The error of the statement that failed. A batch's failure wraps it, and MariaDB Connector/J often leaves
   * the wrapper without error code or SQL state, so a lost connection or a lock wait would look permanent.
   */
  static SQLException statementError(SQLException e) {
    SQLException s = e;
    while (s instanceof BatchUpdateException && s.getCause() instanceof SQLException cause) {
      s = cause;
    }
    return s;
  }

  /** Exponential backoff with full jitter. */
  static void pause(int attempt) {
    long cap = Math.min(5_000, 200L << Math.min(attempt, 5));
    try {
      Thread.sleep(ThreadLocalRandom.current().nextLong(cap / 2, cap + 1));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
