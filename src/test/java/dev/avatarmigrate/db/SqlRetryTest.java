package dev.avatarmigrate.db;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.BatchUpdateException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.api.Test;

class SqlRetryTest {

  @Test
  void aTriggersSignalIsTheServersAnswerNotALostConnection() {
    // What MariaDB Connector/J throws for a BEFORE UPDATE trigger's SIGNAL SQLSTATE '45000' (ER_SIGNAL_EXCEPTION).
    SQLException signal = new SQLTransientConnectionException("(conn=7) no y allowed", "45000", 1644);
    assertFalse(SqlRetry.connectionLost(signal));
    assertFalse(SqlRetry.retryable(signal));
    assertFalse(SqlRetry.connectionLost(new BatchUpdateException("batch", null, 0, new int[0], signal)));
  }

  @Test
  void aSocketErrorOrAConnectionStateIsALostConnection() {
    assertTrue(SqlRetry.connectionLost(new SQLNonTransientConnectionException("Socket error", "08000", 0)));
    assertTrue(SqlRetry.connectionLost(new SQLTransientConnectionException("read timed out", null, 0)));
    assertTrue(SqlRetry.connectionLost(new SQLException("server has gone away", "HY000", 2006)));
    assertTrue(SqlRetry.connectionLost(new SQLTransientConnectionException("killed", "70100", 1927)));
    assertTrue(SqlRetry.retryable(new SQLException("Lock wait timeout exceeded", "HY000", 1205)));
  }
}
