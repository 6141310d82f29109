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
      "jdbc:mariadb://db:3306/app db"})
  void refusesUrlsThatAreNotMariaDbUrlsWithADatabase(String url) {
    assertThrows(ConfigException.class, () -> DatabaseTarget.parse(url, null, 3306, "root", null));
  }

  @ParameterizedTest
  @ValueSource(strings = {"update-db", "app;drop", "a b", "db/x"})
  void refusesNamesThatAreNotDatabaseNames(String name) {
    ConfigException e = assertThrows(ConfigException.class, () -> DatabaseTarget.parse(name, "db", 3306, "root", null));
    assertTrue(e.getMessage().contains("jdbc:mariadb://"), e.getMessage());
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
