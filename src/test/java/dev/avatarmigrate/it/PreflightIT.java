package dev.avatarmigrate.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.avatarmigrate.testing.AvatarWorld;
import dev.avatarmigrate.testing.AvatarWorld.Result;
import dev.avatarmigrate.testing.S3ProxyServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Anything unusable stops the run before the first write, with one line naming it and exit code 3. */
class PreflightIT {

  private static void assertOneLine(Result r) {
    assertEquals(1, r.err().strip().lines().count(), "one line:\n" + r.err());
  }

  @Test
  void missingSourceBucketIsNamed() {
    AvatarWorld w = AvatarWorld.create();
    Result r = w.runWith(w.env(), "no-such-legacy-bucket", w.production, w.database).expectExit(3);
    assertTrue(r.err().contains("bucket no-such-legacy-bucket does not exist"), r.err());
    assertOneLine(r);
  }

  @Test
  void s3ThatCannotBeReachedIsNamed() {
    AvatarWorld w = AvatarWorld.create();
    // Refused, and a host name that does not resolve: the CRT's HTTP client reports the second as a bare runtime
    // exception of its own, which used to end the run as "unexpected error" with a stack trace (exit 70).
    for (String endpoint : List.of("http://127.0.0.1:9", "http://avatarmigrate-test.invalid:9000")) {
      Map<String, String> env = w.env();
      env.put("AWS_ENDPOINT_URL", endpoint);
      Result r = w.runWith(env, w.legacy, w.production, w.database).expectExit(3);
      assertTrue(r.err().contains("S3 cannot be reached for bucket " + w.legacy), r.err());
      assertOneLine(r);
    }
  }

  @Test
  void missingTableAndColumnAreNamed() {
    AvatarWorld w = AvatarWorld.create();
    w.seedAvatars(2);
    Result table = w.run("--table", "profiles").expectExit(3);
    assertTrue(table.err().contains("table " + w.database + ".profiles does not exist"), table.err());
    Result column = w.run("--column", "avatar_key").expectExit(3);
    assertTrue(column.err().contains("column avatar_key does not exist"), column.err());
    assertEquals(2, w.objects(w.legacy).size(), "nothing was moved");
  }

  @Test
  void aViewIsRefusedSinceRowsItLeavesOutWouldBeLeftNamingDeletedSources() throws Exception {
    AvatarWorld w = AvatarWorld.create();
    w.seedAvatars(4);
    try (java.sql.Connection c = w.db.connection(w.database); var s = c.createStatement()) {
      s.execute("CREATE VIEW some_avatars AS SELECT id, path FROM avatars WHERE id < 3");
    }
    Result r = w.run("--table", "some_avatars").expectExit(3);
    assertTrue(r.err().contains(w.database + ".some_avatars is a view: give the table it reads with --table"),
        r.err());
    assertOneLine(r);
    assertEquals(4, w.objects(w.legacy).size(), "nothing was moved");
  }

  @Test
  void copyOptionsTheStoreDoesNotImplementStopTheRunWithExitThreeAndWriteNothing(@TempDir Path dir) {
    // S3Proxy's filesystem store (the one `make bench` runs; the transient one takes them) answers a CopyObject
    // with x-amz-server-side-encryption, or a canned ACL it does not know, with 501 NotImplemented: so it would
    // answer every copy of the run. That used to fail each object in turn (exit 1, "a re-run retries failures",
    // which it never would).
    try (S3ProxyServer fs = S3ProxyServer.startFilesystem(dir.resolve("blobs"))) {
      copyOptionsRefused(AvatarWorld.create(fs, true));
    }
  }

  private static void copyOptionsRefused(AvatarWorld w) {
    w.seedAvatars(3);
    List<String> before = w.paths();
    for (String method : List.of("object", "sync")) {
      for (String[] option : List.of(new String[] {"--sse", "AES256"},
          new String[] {"--acl", "bucket-owner-full-control"})) {
        Result r = w.run("--method", method, option[0], option[1]).expectExit(3);
        String last = r.err().strip().lines().reduce((a, b) -> b).orElse("");
        assertTrue(last.contains("NotImplemented (HTTP 501)") && last.contains(option[0] + " " + option[1]),
            method + ": " + r.err());
        assertEquals(3, w.objects(w.legacy).size(), "sources kept");
        assertTrue(w.objects(w.production).isEmpty(), "nothing copied");
        assertEquals(before, w.paths(), "rows untouched");
      }
    }
  }

  @Test
  void missingDatabaseIsNamed() {
    AvatarWorld w = AvatarWorld.create();
    Result r = w.runWith(w.env(), w.legacy, w.production, "no_such_db").expectExit(3);
    assertTrue(r.err().contains("database no_such_db does not exist"), r.err());
  }

  @Test
  void wrongDatabasePasswordIsRefusedWithoutEverPrintingIt() throws Exception {
    AvatarWorld w = AvatarWorld.create();
    String user = user(w, "am_", "right-Passw0rd", "SELECT, UPDATE ON `" + w.database + "`.*");
    Map<String, String> env = w.env();
    env.put("DB_USER", user);
    env.put("DB_PASSWORD", "s3cr3t-Wr0ng-Pa55");
    Result r = w.runWith(env, "-vv", w.legacy, w.production, w.database).expectExit(3);
    assertTrue(r.err().contains("refused the login of user '" + user + "'"), r.err());
    assertFalse((r.out() + r.err()).contains("s3cr3t-Wr0ng-Pa55"), "the password leaked:\n" + r.err());
  }

  @Test
  void wrongAwsSecretIsRefusedWithoutEverPrintingIt() {
    AvatarWorld w = AvatarWorld.create();
    Map<String, String> env = w.env();
    env.put("AWS_SECRET_ACCESS_KEY", "wr0ng-S3cret-K3y");
    Result r = w.runWith(env, "-vv", w.legacy, w.production, w.database).expectExit(3);
    assertFalse((r.out() + r.err()).contains("wr0ng-S3cret-K3y"), "the secret leaked:\n" + r.err());
    // Said as what it is, not as a missing permission (a refused HeadBucket carries no error code).
    assertTrue(r.err().contains("SignatureDoesNotMatch") && r.err().contains("the AWS credentials were refused"),
        r.err());
  }

  @Test
  void userWithoutUpdatePrivilegeGetsTheGrantToRun() throws Exception {
    AvatarWorld w = AvatarWorld.create();
    String user = user(w, "ro_", "pw", "SELECT ON `" + w.database + "`.*");
    Map<String, String> env = w.env();
    env.put("DB_USER", user);
    env.put("DB_PASSWORD", "pw");
    Result r = w.runWith(env, w.legacy, w.production, w.database).expectExit(3);
    assertTrue(r.err().contains("GRANT SELECT, UPDATE ON `" + w.database + "`.`avatars`"), r.err());

    // A dry run plans with SELECT alone: it warns what would stop the real run, and goes on.
    w.seedAvatars(3);
    Result plan = w.runWith(env, "--dry-run", w.legacy, w.production, w.database).expectExit(0);
    assertTrue(plan.err().contains("GRANT SELECT, UPDATE ON `" + w.database + "`.`avatars`")
        && plan.err().contains("a real run would stop here"), plan.err());
    assertEquals(3, plan.count("would copy"));
  }

  @Test
  void syncModeWithoutTheTemporaryTablesGrantStopsInThePreflightAndObjectModeNeedsNone() throws Exception {
    AvatarWorld w = AvatarWorld.create();
    w.seedAvatars(3);
    String user = user(w, "nt_", "pw", "SELECT, UPDATE ON `" + w.database + "`.`avatars`");
    Map<String, String> env = w.env();
    env.put("DB_USER", user);
    env.put("DB_PASSWORD", "pw");

    Result sync = w.runWith(env, "--method", "sync", w.legacy, w.production, w.database).expectExit(3);
    assertTrue(sync.err().contains("GRANT CREATE TEMPORARY TABLES ON `" + w.database + "`.*"), sync.err());
    assertEquals(0, w.objects(w.production).size(), "nothing copied before the refusal");
    // A dry run makes no temporary table (with statement-based binary logging, even that would be logged): it plans.
    w.runWith(env, "--method", "sync", "--dry-run", w.legacy, w.production, w.database).expectExit(0);

    w.runWith(env, "--method", "object", w.legacy, w.production, w.database).expectExit(0);
    assertEquals(3, w.objects(w.production).size());
  }

  @Test
  void missingIndexIsAWarningWithTheStatementToRun() {
    AvatarWorld w = AvatarWorld.create(w0(), false);
    w.seedAvatars(2);
    Result r = w.run().expectExit(0);
    assertTrue(r.err().contains("no index covers avatars.path"), r.err());
    assertTrue(r.err().contains("CREATE INDEX `avatars_path_idx` ON `avatars` (`path`);"), r.err());
  }

  /**
   * A database, table and column named with dashes (legal in MariaDB when back-quoted) were refused with exit 2.
   * They now run end to end, by name and by URL; and the CREATE INDEX and GRANT statements the messages give are
   * valid SQL for such names: run here as printed.
   */
  @Test
  void namesWithDashesWorkAndTheStatementsToRunThatMessagesGiveAreValidSql() throws Exception {
    AvatarWorld w = AvatarWorld.create();
    String database = "probe-dash-" + Long.toHexString(System.nanoTime());
    try (Connection c = w.db.connection(null); Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE `" + database + "` CHARACTER SET utf8mb4");
      s.execute("CREATE TABLE `" + database + "`.`user-avatars` (id INT AUTO_INCREMENT PRIMARY KEY,"
          + " `avatar-path` VARCHAR(255) NOT NULL)");
    }
    try {
      String user = user(w, "dash_", "pw", "SELECT ON `" + database + "`.*");
      Map<String, String> env = w.env();
      env.put("DB_USER", user);
      env.put("DB_PASSWORD", "pw");
      String[] options = {"--table", "user-avatars", "--column", "avatar-path"};
      w.seedAvatars(3); // the objects (and rows in the world's own table, which this run does not touch)
      try (Connection c = w.db.connection(null); Statement s = c.createStatement()) {
        for (int i = 0; i < 3; i++) {
          s.execute("INSERT INTO `" + database + "`.`user-avatars` (`avatar-path`) VALUES ('image/avatar-" + i + ".png')");
        }
      }

      Result refused = w.runWith(env, options[0], options[1], options[2], options[3], w.legacy, w.production, database)
          .expectExit(3);
      String grant = statement(refused.err(), "GRANT SELECT, UPDATE ON ");
      assertEquals("GRANT SELECT, UPDATE ON `" + database + "`.`user-avatars` TO '" + user + "'@'%';", grant);
      String createIndex = statement(refused.err(), "CREATE INDEX ");
      assertEquals("CREATE INDEX `user-avatars_avatar-path_idx` ON `user-avatars` (`avatar-path`);", createIndex);
      try (Connection c = w.db.connection(null); Statement s = c.createStatement()) {
        s.execute(grant);
        s.execute("USE `" + database + "`");
        s.execute(createIndex);
      }

      String url = "jdbc:mariadb://" + w.db.host() + ":" + w.db.port() + "/" + database;
      Result moved = w.runWith(env, options[0], options[1], options[2], options[3], w.legacy, w.production, url)
          .expectExit(0);
      assertFalse(moved.err().contains("no index covers"), moved.err());
      assertEquals(3, w.objects(w.production).size(), moved.err());
      try (Connection c = w.db.connection(null); Statement s = c.createStatement();
          var rs = s.executeQuery("SELECT COUNT(*) FROM `" + database + "`.`user-avatars` WHERE `avatar-path` LIKE"
              + " 'avatar/avatar-%.png'")) {
        rs.next();
        assertEquals(3, rs.getInt(1), "every row rewritten");
      }
    } finally {
      try (Connection c = w.db.connection(null); Statement s = c.createStatement()) {
        s.execute("DROP DATABASE IF EXISTS `" + database + "`");
      }
    }
  }

  /** The SQL statement in {@code err} that starts with {@code start}, up to its ';'. */
  private static String statement(String err, String start) {
    int from = err.indexOf(start);
    assertTrue(from >= 0, "no " + start + "in: " + err);
    return err.substring(from, err.indexOf(';', from) + 1);
  }

  private static dev.avatarmigrate.testing.S3ProxyServer w0() {
    return dev.avatarmigrate.testing.S3ProxyServer.shared();
  }

  @Test
  void malformedArgumentsExitTwoBeforeAnyNetworkCall() {
    AvatarWorld w = AvatarWorld.create();
    Map<String, String> env = w.env();
    env.put("AWS_ENDPOINT_URL", "http://127.0.0.1:1");
    env.put("DB_PORT", "1");
    assertTrue(w.runWith(env, "s3://", w.production, w.database).expectExit(2).err().contains("SOURCE"));
    assertTrue(w.runWith(env, "--table", "a`;drop", w.legacy, w.production, w.database).expectExit(2)
        .err().contains("not a valid table or column name"));
    assertTrue(w.runWith(env, "--method", "turbo", w.legacy, w.production, w.database).expectExit(2)
        .err().contains("--method 'turbo' is not one of object|sync"));
  }

  /** A new database user with {@code password} and one GRANT ({@code grant}: privileges ON what). */
  private static String user(AvatarWorld w, String prefix, String password, String grant) throws Exception {
    String user = prefix + Long.toHexString(System.nanoTime()).substring(0, 8);
    try (Connection c = w.db.connection(null); Statement s = c.createStatement()) {
      s.execute("CREATE USER '" + user + "'@'%' IDENTIFIED BY '" + password + "'");
      s.execute("GRANT " + grant + " TO '" + user + "'@'%'");
    }
    return user;
  }
}
