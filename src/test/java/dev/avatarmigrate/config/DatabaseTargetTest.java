package dev.avatarmigrate.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DatabaseTargetTest {
  private static final String SECRET = "s3cr3t-Pa55";

  @Test
  void aNameIsADatabaseOnTheConfiguredServer() {
    DatabaseTarget t = DatabaseTarget.parse("update_db", "db.internal", 3307, "app", SECRET);
    assertEquals("jdbc:mariadb://db.internal:3307/update_db", t.jdbcUrl());
    assertEquals("update_db", t.database());
    assertEquals("app", t.user());
    assertEquals(SECRET, t.password());
  }

  @Test
  void aJdbcUrlIsTakenAsItIsAndNamesItsDatabase() {
    DatabaseTarget t = DatabaseTarget.parse("jdbc:mariadb://db:3306/app?useSsl=true", "ignored", 1, "root", null);
    assertEquals("jdbc:mariadb://db:3306/app?useSsl=true", t.jdbcUrl());
    assertEquals("app", t.database());
    assertEquals("root", t.user());
  }

  @Test
  void theUserOfAJdbcUrlIsTheOneNamedInMessagesNotDbUser() {
    assertEquals("reader", DatabaseTarget.parse("jdbc:mariadb://db:3306/app?useSsl=true&user=reader", null, 1, "root",
        null).user());
    assertEquals("reader", DatabaseTarget.parse("jdbc:mariadb://db:3306/app?USER=reader", null, 1, "root", null).user());
  }

  @Test
  void thePasswordNeverAppearsInToStringOrDisplayUrl() {
    DatabaseTarget t = DatabaseTarget.parse("update_db", "db", 3306, "app", SECRET);
    assertFalse(t.toString().contains(SECRET), t.toString());
    assertTrue(t.toString().contains("password=***"), t.toString());
    assertFalse(t.displayUrl().contains(SECRET));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "jdbc:mariadb://db:3306/app?password=" + SECRET,
      "jdbc:mariadb://db:3306/app?user=app&password=" + SECRET + "&useSsl=true",
      "jdbc:mariadb://db:3306/app?user=app&PASSWORD=" + SECRET})
  void aPasswordInsideTheUrlIsMaskedToo(String url) {
    DatabaseTarget t = DatabaseTarget.parse(url, null, 3306, "root", null);
    assertFalse(t.displayUrl().contains(SECRET), t.displayUrl());
    assertFalse(t.toString().contains(SECRET), t.toString());
    assertTrue(t.displayUrl().contains("***"));
    assertEquals(url, t.jdbcUrl(), "the driver still gets the real URL");
  }

  @Test
  void aMalformedUrlIsRefusedWithoutEchoingItsPassword() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> DatabaseTarget.parse("jdbc:mariadb://db:3306/?password=" + SECRET, null, 3306, "root", null));
    assertFalse(e.getMessage().contains(SECRET), e.getMessage());
    assertTrue(e.getMessage().contains("jdbc:mariadb://host:3306/database"), e.getMessage());
  }

  @Test
  void aLoginWrittenIntoTheUrlIsRefusedWithoutEchoingIt() {
    // MariaDB Connector/J has no user:password@host form; it must not reach the logs as a "host".
    ConfigException e = assertThrows(ConfigException.class,
        () -> DatabaseTarget.parse("jdbc:mariadb://app:" + SECRET + "@db:3306/app", null, 3306, "root", null));
    assertFalse(e.getMessage().contains(SECRET), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"jdbc:mysql://db:3306/app", "jdbc:mariadb://db:3306/", "jdbc:mariadb:///app",
      "jdbc:mariadb://db:3306/app/x", "jdbc:mariadb://db:3306/a`b", "jdbc:mariadb://db:3306/app.avatars",
      "jdbc:mariadb://db:3306/app&user=x", "jdbc:mariadb://db:3306/app ", "jdbc:mariadb://db:3306/a\nb?user=x"})
  void refusesUrlsThatAreNotMariaDbUrlsWithADatabase(String url) {
    ConfigException e = assertThrows(ConfigException.class, () -> DatabaseTarget.parse(url, null, 3306, "root", null));
    assertEquals(1, e.getMessage().lines().count(), e.getMessage());
    assertTrue(e.getMessage().contains("jdbc:mariadb://host:3306/"), e.getMessage());
  }

  /**
   * MariaDB accepts any of these as a (back-quoted) database name, and Connector/J takes the path of the URL as
   * it is: checked against a MariaDB 10.11 server, jdbc:mariadb://127.0.0.1:3306/probe-dash connects to
   * `probe-dash` and SELECT DATABASE() answers probe-dash.
   */
  @ParameterizedTest
  @ValueSource(strings = {"probe-dash", "update-db", "2020", "1e5", "a$b", "übung-ß", "日本語", "a b", "app;x", "a#b",
      "a'b", "a@b", "a:b", "a,b"})
  void aDatabaseNameMariaDbAcceptsQuotedIsUsableAsANameAndInAUrl(String name) {
    DatabaseTarget bare = DatabaseTarget.parse(name, "127.0.0.1", 3306, "root", null);
    assertEquals("jdbc:mariadb://127.0.0.1:3306/" + name, bare.jdbcUrl());
    assertEquals(name, bare.database());
    assertEquals(1, bare.servers());
    assertEquals(3306, bare.port());
    DatabaseTarget url = DatabaseTarget.parse("jdbc:mariadb://127.0.0.1:3306/" + name + "?user=app", null, 1, "root",
        null);
    assertEquals(name, url.database());
    assertEquals("app", url.user());
    assertEquals("jdbc:mariadb://10.0.0.2:3307/" + name + "?user=app", url.onServer("10.0.0.2:3307").jdbcUrl());
  }

  @ParameterizedTest
  @ValueSource(strings = {"db/x", "app.avatars", "`app`", "a`b", "app ", "a?b", "a&b", "a=b", "a\tb", "a\\b"})
  void refusesNamesThatAreNotDatabaseNames(String name) {
    ConfigException e = assertThrows(ConfigException.class, () -> DatabaseTarget.parse(name, "db", 3306, "root", null));
    assertTrue(e.getMessage().contains("jdbc:mariadb://"), e.getMessage());
    assertTrue(e.getMessage().startsWith("DATABASE '"), e.getMessage());
    assertEquals(1, e.getMessage().lines().count(), e.getMessage());
  }

  @Test
  void urlOptionsWrittenWithoutTheirQuestionMarkAreRefusedWithoutEchoingThePassword() {
    // The driver would take "app&password=..." as the database's name, and its "Unknown database" would show it.
    ConfigException e = assertThrows(ConfigException.class, () -> DatabaseTarget.parse(
        "jdbc:mariadb://db:3306/app&user=app&password=" + SECRET, null, 3306, "root", null));
    assertFalse(e.getMessage().contains(SECRET), e.getMessage());
    assertTrue(e.getMessage().contains("'?', '&' or '='"), e.getMessage());
  }

  @Test
  void aNameNeedsAUsableHost() {
    assertTrue(assertThrows(ConfigException.class, () -> DatabaseTarget.parse("app", "", 3306, "root", null))
        .getMessage().startsWith("DB_HOST is empty"));
    assertThrows(ConfigException.class, () -> DatabaseTarget.parse("app", "db/x?y", 3306, "root", null));
    assertThrows(ConfigException.class, () -> DatabaseTarget.parse("app", "user@db", 3306, "root", null));
  }

  @Test
  void anEmptyArgumentSaysWhatToGive() {
    assertTrue(assertThrows(ConfigException.class, () -> DatabaseTarget.parse(" ", "db", 3306, "root", null))
        .getMessage().startsWith("DATABASE is empty"));
  }
}
