package dev.avatarmigrate.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.avatarmigrate.testing.AvatarWorld;
import dev.avatarmigrate.testing.AvatarWorld.Result;
import dev.avatarmigrate.testing.Poll;
import dev.avatarmigrate.testing.TcpRelay;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * MariaDB failing under the tool: its rewrite connection killed mid-run, and a row held by the live service.
 * Each run goes on in the background while the test, from its own sessions, acts on what it observes.
 */
class DatabaseFaultsIT {

  @ParameterizedTest
  @ValueSource(strings = {"object", "sync"})
  void rewriteConnectionKilledMidTransactionAndAgainWhileReconnectingStillRewritesEveryRowExactlyOnce(String method)
      throws Exception {
    AvatarWorld w = AvatarWorld.create();
    int count = 200;
    Map<String, byte[]> expected = Avatars.seed(w, count);
    String gate = auditRewritesBehindAGate(w);
    ExecutorService runner = Executors.newSingleThreadExecutor();
    try (Connection admin = w.db.connection(null)) {
      RewriteConnectionKiller killer = new RewriteConnectionKiller(admin, w.database, gate);
      Future<Result> run = runner.submit(() -> w.run("--method", method));

      Poll.until("the run to end", Duration.ofSeconds(90), () -> {
        killer.step();
        return run.isDone();
      });

      Result r = run.get().expectExit(0);
      System.out.println("[" + method + "] " + killer);
      assertTrue(killer.midTransaction >= 1, "a rewrite transaction was killed: " + killer);
      assertTrue(killer.whileReconnecting >= 1, "a fresh connection was killed too: " + killer);
      assertEquals(count, r.count("rows rewritten"));
      assertEquals(0, r.count("failed"));
    } finally {
      runner.shutdownNow();
    }
    Avatars.assertMoved(w, expected);
    Map<Long, List<String>> rewrites = auditedRewrites(w);
    assertEquals(count, rewrites.size(), "every row rewritten");
    rewrites.forEach((row, changes) -> {
      assertEquals(1, changes.size(), "row " + row + " rewritten once: " + changes);
      assertTrue(changes.get(0).matches("image/(avatar-\\d+\\.png) -> avatar/\\1"), changes.get(0));
    });
  }

  @ParameterizedTest
  @ValueSource(strings = {"object", "sync"})
  void rowLockedByTheLiveServiceMakesTheToolGiveUpRetryAndSucceedOnceReleasedWithoutBlockingTheService(String method)
      throws Exception {
    AvatarWorld w = AvatarWorld.create();
    Map<String, byte[]> expected = Avatars.seed(w, 40);
    // Another user's modern avatar, and one the live service uploads while the tool runs.
    w.put(w.production, "avatar/avatar-modern.png", AvatarWorld.avatarBytes("modern", 100));
    w.put(w.production, "avatar/avatar-uploaded.png", AvatarWorld.avatarBytes("uploaded", 100));
    w.rows("avatar/avatar-modern.png");
    String locked = "image/avatar-7.png";
    ExecutorService runner = Executors.newSingleThreadExecutor();
    try (Connection live = w.db.connection(w.database); Connection watcher = w.db.connection(null)) {
      try (Statement s = live.createStatement()) {
        // The live service must never wait for the tool: any lock the tool holds in its way fails at once.
        s.execute("SET SESSION innodb_lock_wait_timeout = 0");
      }
      live.setAutoCommit(false);
      long lockedRow = selectForUpdate(live, locked);
      LockWaits waits = new LockWaits(watcher, w.database, connectionId(live));
      Future<Result> run = runner.submit(() -> w.run("--method", method));

      // Two waits: the tool gave the first up on its own (2 s, not the server's 50 s default) and retried.
      Poll.until("the tool to wait for the locked row, give up, and wait again", Duration.ofSeconds(30),
          () -> waits.observe() >= 2 || run.isDone());
      assertFalse(run.isDone(), "the run ended while the row was locked: " + (run.isDone() ? run.get().err() : ""));
      assertEquals("LOCK WAIT", waits.innodbState(), "the tool waits for the row lock");
      System.out.println("[" + method + "] " + waits);
      assertTrue(waits.firstWaitMs < 10_000, "the tool gave up its lock wait quickly: " + waits);

      // While the tool waits, the live service carries on: its own row, another user's row, a new upload.
      try (PreparedStatement s = live.prepareStatement("UPDATE avatars SET user_id = 7007 WHERE id = ?")) {
        s.setLong(1, lockedRow);
        assertEquals(1, s.executeUpdate());
      }
      try (Statement s = live.createStatement()) {
        assertEquals(1, s.executeUpdate("UPDATE avatars SET user_id = 8008 WHERE path = 'avatar/avatar-modern.png'"));
        assertEquals(1, s.executeUpdate(
            "INSERT INTO avatars (user_id, path) VALUES (9009, 'avatar/avatar-uploaded.png')"));
      }
      live.commit();

      Result r = run.get(60, TimeUnit.SECONDS).expectExit(0);
      assertEquals(40, r.count("rows rewritten"));
      assertEquals(0, r.count("failed"));
    } finally {
      runner.shutdownNow();
    }
    Avatars.assertMoved(w, expected);
    assertEquals(Map.of("avatar/avatar-7.png", 7007L, "avatar/avatar-modern.png", 8008L,
        "avatar/avatar-uploaded.png", 9009L), userIds(w, "avatar/avatar-7.png", "avatar/avatar-modern.png",
        "avatar/avatar-uploaded.png"), "the live service's writes are kept");
  }

  @ParameterizedTest
  @ValueSource(strings = {"object", "sync"})
  void aRowTheLiveServiceKeepsLockedFailsOnlyItsOwnObject(String method) throws Exception {
    AvatarWorld w = AvatarWorld.create();
    Avatars.seed(w, 40);
    String locked = "image/avatar-7.png";
    Result r;
    try (Connection live = w.db.connection(w.database)) {
      // Read committed: the service locks that row alone. Under repeatable read its lock can also take the index
      // entries beside the row's, and the objects whose rows sit there wait (and fail) with it.
      live.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
      live.setAutoCommit(false);
      selectForUpdate(live, locked); // held until the run has ended

      r = w.run("--method", method).expectExit(1);

      live.rollback();
    }
    assertEquals(1, r.count("failed"), r.err());
    assertEquals(39, r.count("rows rewritten"));
    assertEquals(39, r.count("deleted"));
    assertTrue(r.err().contains("failed at rows: " + locked), r.err());
    assertTrue(w.exists(w.legacy, locked), "its source is kept");
    List<String> paths = w.paths();
    assertTrue(paths.contains(locked), "its row is untouched");
    assertEquals(1, paths.stream().filter(p -> p.startsWith("image/")).count(), paths.toString());
    w.assertEveryRowPointsAtAnObject();

    // The lock gone, a re-run moves it.
    w.run("--method", method).expectExit(0);
    assertFalse(w.exists(w.legacy, locked));
  }

  @ParameterizedTest
  @ValueSource(strings = {"object", "sync"})
  void aRowATriggerRefusesFailsOnlyItsOwnObjectAndIsNotTakenForALostDatabase(String method) throws Exception {
    // The driver throws a trigger's SIGNAL as a "transient connection" error: it was taken for a lost database,
    // retried for about 20 s, and stopped the whole run with exit 3, on every re-run.
    AvatarWorld w = AvatarWorld.create();
    Avatars.seed(w, 20);
    String refused = "image/avatar-7.png";
    try (Connection c = w.db.connection(w.database); var s = c.createStatement()) {
      s.execute("CREATE TRIGGER avatars_no_seven BEFORE UPDATE ON avatars FOR EACH ROW BEGIN"
          + " IF NEW.path = 'avatar/avatar-7.png' THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'not this one';"
          + " END IF; END");
    }

    Result r = w.run("--method", method).expectExit(1);

    assertEquals(1, r.count("failed"), r.err());
    assertEquals(19, r.count("deleted"));
    assertTrue(r.err().contains("not this one"), r.err());
    assertTrue(w.exists(w.legacy, refused), "its source is kept");
    assertTrue(w.paths().contains(refused), "its row is untouched");
    w.assertEveryRowPointsAtAnObject();
  }

  /**
   * The run lock's connection killed while a rewrite is under way (as a server's wait_timeout, a proxy's idle
   * limit or a DBA's KILL would end it): with no other run about, the run takes its lock again and finishes;
   * when another run took the lock meanwhile, the run stops with exit 3 instead of working beside it.
   */
  @ParameterizedTest
  @CsvSource({"object, false", "sync, false", "object, true", "sync, true"})
  void runLockLostWithItsConnectionIsTakenAgainOrTheRunStopsWhenAnotherRunTookIt(String method,
      boolean anotherRunTakesIt) throws Exception {
    AvatarWorld w = AvatarWorld.create();
    Map<String, byte[]> expected = Avatars.seed(w, 1100); // two sync chunks, several object-mode row batches
    String gate = auditRewritesBehindAGate(w);
    String runLock = ("avatarmigrate:" + w.database + "." + AvatarWorld.TABLE).toLowerCase(java.util.Locale.ROOT);
    ExecutorService runner = Executors.newSingleThreadExecutor();
    try (Connection admin = w.db.connection(null); Connection otherRun = w.db.connection(null)) {
      // The gate holds the run's first rewrite inside its transaction, the run lock already checked.
      assertEquals(1L, number(admin, "SELECT GET_LOCK(?, 0)", gate));
      Future<Result> run = runner.submit(() -> w.run("--method", method));
      Poll.until("a rewrite waiting at the gate", Duration.ofSeconds(60), () -> waitingAt(admin, w.database, gate));
      long holder = number(admin, "SELECT IS_USED_LOCK(?)", runLock);
      try (Statement s = admin.createStatement()) {
        s.execute("KILL " + holder);
      }
      if (anotherRunTakesIt) {
        Poll.until("the killed connection to release the run lock", Duration.ofSeconds(30),
            () -> number(otherRun, "SELECT GET_LOCK(?, 0)", runLock) == 1L);
      }
      number(admin, "SELECT RELEASE_LOCK(?)", gate);

      Result r = run.get(90, TimeUnit.SECONDS);
      w.assertEveryRowPointsAtAnObject();
      if (anotherRunTakesIt) {
        r.expectExit(3);
        assertTrue(r.err().contains("this run lost its run lock on " + w.database + "." + AvatarWorld.TABLE
            + " when the server closed its connection, and another run (MariaDB connection"), r.err());
        number(otherRun, "SELECT RELEASE_LOCK(?)", runLock);
        w.run("--method", method).expectExit(0);
      } else {
        r.expectExit(0);
        assertEquals(1100, r.count("rows rewritten"));
      }
    } finally {
      runner.shutdownNow();
    }
    Avatars.assertMoved(w, expected);
  }

  /**
   * The run lock's connection dropped on the client side only, as a NAT or firewall forgets an idle connection:
   * the server keeps the old session, and the lock with it. The run ends its own orphaned session, takes the lock
   * back and finishes, instead of stopping as if another run held it.
   */
  @ParameterizedTest
  @ValueSource(strings = {"object", "sync"})
  void runLockHeldByTheRunsOwnOrphanedSessionIsTakenBackAndTheRunFinishes(String method) throws Exception {
    AvatarWorld w = AvatarWorld.create();
    Map<String, byte[]> expected = Avatars.seed(w, 1100);
    String gate = auditRewritesBehindAGate(w);
    String runLock = ("avatarmigrate:" + w.database + "." + AvatarWorld.TABLE).toLowerCase(java.util.Locale.ROOT);
    ExecutorService runner = Executors.newSingleThreadExecutor();
    try (Connection admin = w.db.connection(null); TcpRelay relay = TcpRelay.start(w.db.host(), w.db.port())) {
      Map<String, String> env = w.env();
      env.put("DB_HOST", "127.0.0.1");
      env.put("DB_PORT", String.valueOf(relay.port()));
      assertEquals(1L, number(admin, "SELECT GET_LOCK(?, 0)", gate));
      Future<Result> run = runner.submit(() -> w.runWith(env, w.args("--method", method)));
      Poll.until("a rewrite waiting at the gate", Duration.ofSeconds(60), () -> waitingAt(admin, w.database, gate));
      long holder = number(admin, "SELECT IS_USED_LOCK(?)", runLock);

      relay.dropClientSides();
      number(admin, "SELECT RELEASE_LOCK(?)", gate);

      Result r = run.get(90, TimeUnit.SECONDS).expectExit(0);
      assertEquals(1100, r.count("rows rewritten"));
      assertEquals(0L, number(admin, "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE ID = ?",
          String.valueOf(holder)), "the orphaned session that held the lock was ended");
    } finally {
      runner.shutdownNow();
    }
    Avatars.assertMoved(w, expected);
  }

  private static boolean waitingAt(Connection admin, String database, String gate) throws SQLException {
    try (PreparedStatement s = admin.prepareStatement("SELECT COUNT(*) FROM information_schema.PROCESSLIST"
        + " WHERE DB = ? AND COMMAND = 'Query' AND INFO LIKE CONCAT('%', ?, '%') AND ID <> CONNECTION_ID()")) {
      s.setString(1, database);
      s.setString(2, gate);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getLong(1) > 0;
      }
    }
  }

  private static Long number(Connection c, String sql, String parameter) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(sql)) {
      s.setString(1, parameter);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        long v = rs.getLong(1);
        return rs.wasNull() ? null : v;
      }
    }
  }

  // ---- the other sessions --------------------------------------------------------------------------

  /**
   * Kills the tool's rewrite connection from another session, in rounds. Each round closes the gate, so the
   * tool's next rewrite UPDATE stops inside its transaction with rows already changed; kills that connection;
   * kills its replacement as soon as it appears (often while it is still being set up); then opens the gate
   * and waits for a commit before the next round, so no rewrite loses more than a few of its eight attempts.
   * Sessions are found in PROCESSLIST; the one holding the run's named lock is never touched.
   */
  private static final class RewriteConnectionKiller {
    // Two rounds: object mode commits many batches, so both land; sync mode commits one chunk here.
    private static final int ROUNDS = 2;

    private enum Phase { CLOSE_GATE, AWAIT_STOPPED_REWRITE, AWAIT_RECONNECT, AWAIT_COMMIT, DONE }

    private final Connection admin;
    private final String database;
    private final String gate;
    private final String runLock;
    private Phase phase = Phase.CLOSE_GATE;
    private Long runLockHolder;
    private long killed;
    private long rewrittenAtRelease;
    private int rounds;
    private int midTransaction;
    private int whileReconnecting;

    RewriteConnectionKiller(Connection admin, String database, String gate) {
      this.admin = admin;
      this.database = database;
      this.gate = gate;
      this.runLock = ("avatarmigrate:" + database + "." + AvatarWorld.TABLE).toLowerCase(java.util.Locale.ROOT);
    }

    void step() throws SQLException {
      Long holder = number("SELECT IS_USED_LOCK(?)", runLock);
      if (holder == null) {
        return; // preflight is not over, or the run is
      }
      if (runLockHolder == null) {
        runLockHolder = holder;
      }
      assertEquals(runLockHolder, holder, "the run lock stays with the connection that took it");
      switch (phase) {
        case CLOSE_GATE -> {
          assertEquals(1L, number("SELECT GET_LOCK(?, 0)", gate));
          phase = Phase.AWAIT_STOPPED_REWRITE;
        }
        case AWAIT_STOPPED_REWRITE -> {
          for (Map.Entry<Long, String> session : toolSessions().entrySet()) {
            if (session.getValue() != null && session.getValue().contains(gate)) {
              killed = kill(session.getKey());
              midTransaction++;
              phase = Phase.AWAIT_RECONNECT;
              return;
            }
          }
        }
        case AWAIT_RECONNECT -> {
          for (long id : toolSessions().keySet()) {
            if (id != killed) {
              kill(id);
              whileReconnecting++;
              rewrittenAtRelease = number("SELECT COUNT(*) FROM `" + database + "`.path_rewrites", null);
              number("SELECT RELEASE_LOCK(?)", gate);
              phase = ++rounds < ROUNDS ? Phase.AWAIT_COMMIT : Phase.DONE;
              return;
            }
          }
        }
        case AWAIT_COMMIT -> {
          if (number("SELECT COUNT(*) FROM `" + database + "`.path_rewrites", null) > rewrittenAtRelease) {
            phase = Phase.CLOSE_GATE;
          }
        }
        case DONE -> {
          // the run finishes undisturbed
        }
      }
    }

    /** The tool's sessions but the run-lock holder: id → the statement it runs, null when idle. */
    private Map<Long, String> toolSessions() throws SQLException {
      Map<Long, String> sessions = new HashMap<>();
      try (PreparedStatement s = admin.prepareStatement("SELECT ID, COMMAND, INFO FROM information_schema.PROCESSLIST"
          + " WHERE DB = ? AND ID <> CONNECTION_ID()")) {
        s.setString(1, database);
        try (ResultSet rs = s.executeQuery()) {
          while (rs.next()) {
            if (rs.getLong(1) != runLockHolder) {
              sessions.put(rs.getLong(1), "Query".equals(rs.getString(2)) ? rs.getString(3) : null);
            }
          }
        }
      }
      return sessions;
    }

    private long kill(long id) throws SQLException {
      try (Statement s = admin.createStatement()) {
        s.execute("KILL " + id);
      } catch (SQLException e) {
        if (e.getErrorCode() != 1094) { // Unknown thread id: it ended on its own meanwhile
          throw e;
        }
      }
      return id;
    }

    private Long number(String sql, String parameter) throws SQLException {
      try (PreparedStatement s = admin.prepareStatement(sql)) {
        if (parameter != null) {
          s.setString(1, parameter);
        }
        try (ResultSet rs = s.executeQuery()) {
          rs.next();
          long v = rs.getLong(1);
          return rs.wasNull() ? null : v;
        }
      }
    }

    @Override
    public String toString() {
      return "connections killed: " + (midTransaction + whileReconnecting) + " (" + midTransaction
          + " mid-transaction, " + whileReconnecting + " while reconnecting)";
    }
  }

  /**
   * Watches the tool's statements in PROCESSLIST (live, unlike INNODB_TRX, whose snapshot is not refreshed
   * while it is read more often than every 100 ms). A rewrite statement of 40 rows takes milliseconds; one
   * running for over 300 ms is waiting on the live service's lock. Attempts are told apart by when their
   * statement started, since each waits about 2 s and the next starts after a backoff.
   */
  private static final class LockWaits {
    private static final long WAITING_MS = 300;

    private final Connection watcher;
    private final String database;
    private final long liveId;
    private final List<Long> attemptStarts = new ArrayList<>();
    private long firstWaitMs;
    private long waitingId;

    LockWaits(Connection watcher, String database, long liveId) {
      this.watcher = watcher;
      this.database = database;
      this.liveId = liveId;
    }

    /** Looks once; returns how many separate waiting statements have been seen. */
    int observe() throws SQLException {
      try (PreparedStatement s = watcher.prepareStatement("SELECT ID, TIME_MS FROM information_schema.PROCESSLIST"
          + " WHERE DB = ? AND ID <> ? AND COMMAND = 'Query' AND TIME_MS >= ?")) {
        s.setString(1, database);
        s.setLong(2, liveId);
        s.setLong(3, WAITING_MS);
        try (ResultSet rs = s.executeQuery()) {
          while (rs.next()) {
            long ms = rs.getLong(2);
            long started = System.currentTimeMillis() - ms;
            if (attemptStarts.stream().noneMatch(t -> Math.abs(t - started) < 1000)) {
              attemptStarts.add(started);
            }
            if (Math.abs(attemptStarts.get(0) - started) < 1000) {
              firstWaitMs = Math.max(firstWaitMs, ms);
            }
            waitingId = rs.getLong(1);
          }
        }
      }
      return attemptStarts.size();
    }

    /** What InnoDB says of the connection seen waiting last: LOCK WAIT while it waits for a row lock. */
    String innodbState() throws SQLException {
      try (PreparedStatement s = watcher.prepareStatement(
          "SELECT trx_state FROM information_schema.INNODB_TRX WHERE trx_mysql_thread_id = ?")) {
        s.setLong(1, waitingId);
        try (ResultSet rs = s.executeQuery()) {
          return rs.next() ? rs.getString(1) : "no transaction";
        }
      }
    }

    @Override
    public String toString() {
      return "waiting rewrite attempts seen: " + attemptStarts.size() + ", the first gave up after about "
          + firstWaitMs + " ms";
    }
  }

  // ---- helpers -------------------------------------------------------------------------------------

  /**
   * Records every change of a path in {@code path_rewrites}, in the same transaction as the change, so a
   * rolled-back rewrite leaves no record; then passes a gate, a named lock the test may hold to stop the
   * rewrite there, inside its transaction. Returns the gate's name.
   */
  private static String auditRewritesBehindAGate(AvatarWorld w) throws SQLException {
    String gate = "gate:" + w.database;
    try (Connection c = w.db.connection(w.database); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE path_rewrites (id BIGINT AUTO_INCREMENT PRIMARY KEY, row_id BIGINT NOT NULL,"
          + " old_path VARCHAR(1024) NOT NULL, new_path VARCHAR(1024) NOT NULL) ENGINE=InnoDB");
      s.execute("CREATE TRIGGER avatars_path_rewritten AFTER UPDATE ON avatars FOR EACH ROW BEGIN"
          + " IF NOT (OLD.path <=> NEW.path) THEN"
          + " INSERT INTO path_rewrites (row_id, old_path, new_path) VALUES (OLD.id, OLD.path, NEW.path);"
          + " DO IF(GET_LOCK('" + gate + "', 30), RELEASE_LOCK('" + gate + "'), 0);"
          + " END IF; END");
    }
    return gate;
  }

  /** Row id → its recorded path changes ("old -> new"). */
  private static Map<Long, List<String>> auditedRewrites(AvatarWorld w) throws SQLException {
    Map<Long, List<String>> rewrites = new HashMap<>();
    try (Connection c = w.db.connection(w.database); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT row_id, old_path, new_path FROM path_rewrites ORDER BY id")) {
      while (rs.next()) {
        rewrites.computeIfAbsent(rs.getLong(1), k -> new ArrayList<>()).add(rs.getString(2) + " -> " + rs.getString(3));
      }
    }
    return rewrites;
  }

  private static long selectForUpdate(Connection c, String path) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT id FROM avatars WHERE path = ? FOR UPDATE")) {
      s.setString(1, path);
      try (ResultSet rs = s.executeQuery()) {
        assertTrue(rs.next(), "no row " + path);
        return rs.getLong(1);
      }
    }
  }

  private static long connectionId(Connection c) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT CONNECTION_ID()")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static Map<String, Long> userIds(AvatarWorld w, String... paths) throws SQLException {
    Map<String, Long> ids = new HashMap<>();
    try (Connection c = w.db.connection(w.database);
        PreparedStatement s = c.prepareStatement("SELECT user_id FROM avatars WHERE path = ?")) {
      for (String p : paths) {
        s.setString(1, p);
        try (ResultSet rs = s.executeQuery()) {
          if (rs.next()) {
            ids.put(p, rs.getLong(1));
          }
        }
      }
    }
    return ids;
  }
}
