package dev.avatarmigrate.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigSourceTest {
  @TempDir Path dir;

  private Path dotenv(String text) throws IOException {
    return Files.writeString(dir.resolve(".env"), text);
  }

  @Test
  void readsDotenvFromTheWorkingDirectory() throws IOException {
    dotenv("DB_HOST=db.from.file\n# a comment\nAVATARMIGRATE_TABLE=\"quoted_table\"\n");
    ConfigSource config = ConfigSource.load(Map.of(), null, dir);
    assertEquals(Optional.of("db.from.file"), config.get("DB_HOST"));
    assertEquals("quoted_table", config.get("AVATARMIGRATE_TABLE", "avatars"));
  }

  @Test
  void theEnvironmentWinsOverDotenv() throws IOException {
    dotenv("DB_HOST=db.from.file\nDB_PORT=3307\n");
    ConfigSource config = ConfigSource.load(Map.of("DB_HOST", "db.from.env"), null, dir);
    assertEquals("db.from.env", config.get("DB_HOST", "x"));
    assertEquals(3307, config.getInt("DB_PORT", 3306), "keys only in .env still count");
  }

  @Test
  void withoutDotenvOnlyTheEnvironmentAndFallbacksCount() {
    ConfigSource config = ConfigSource.load(Map.of("DB_USER", "app"), null, dir);
    assertEquals("app", config.get("DB_USER", "root"));
    assertEquals("127.0.0.1", config.get("DB_HOST", "127.0.0.1"));
    assertEquals(3306, config.getInt("DB_PORT", 3306));
  }

  @Test
  void blankValuesCountAsUnsetAndValuesAreTrimmed() {
    Map<String, String> env = new HashMap<>();
    env.put("DB_HOST", "  ");
    env.put("DB_USER", " app ");
    env.put("DB_PASSWORD", null);
    ConfigSource config = ConfigSource.load(env, null, dir);
    assertEquals(Optional.empty(), config.get("DB_HOST"));
    assertEquals("app", config.get("DB_USER", "root"));
    assertEquals(Optional.empty(), config.get("DB_PASSWORD"));
  }

  @Test
  void anExplicitEnvFileIsReadInsteadOfTheWorkingDirectorysDotenv() throws IOException {
    dotenv("DB_HOST=from-default-file\n");
    Path other = Files.writeString(dir.resolve("prod.env"), "DB_HOST=from-explicit-file\n");
    assertEquals("from-explicit-file", ConfigSource.load(Map.of(), other, dir).get("DB_HOST", "x"));
  }

  @Test
  void aMissingExplicitEnvFileIsAConfigError() {
    Path missing = dir.resolve("nope.env");
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigSource.load(Map.of(), missing, dir));
    assertTrue(e.getMessage().contains("--env-file " + missing + " cannot be read"), e.getMessage());
  }

  @Test
  void anUnreadableExplicitEnvFileIsAConfigError() throws IOException {
    Path locked = Files.writeString(dir.resolve("locked.env"), "DB_PASSWORD=x\n");
    try {
      Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("---------"));
    } catch (UnsupportedOperationException e) {
      assumeFalse(true, "no POSIX permissions here");
    }
    assumeFalse(Files.isReadable(locked), "running as a user who reads everything (root)");
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigSource.load(Map.of(), locked, dir));
    assertTrue(e.getMessage().contains("cannot be read"), e.getMessage());
  }

  @Test
  void aDirectoryGivenAsEnvFileIsAConfigError() throws IOException {
    Path sub = Files.createDirectory(dir.resolve("envdir"));
    assertThrows(ConfigException.class, () -> ConfigSource.load(Map.of(), sub, dir));
  }

  @Test
  void aMalformedLineIsReportedWithoutEchoingItsSecret() throws IOException {
    dotenv("DB_HOST=db\nDB_PASSWORD hunter2-secret\n");
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigSource.load(Map.of(), null, dir));
    assertFalse(e.getMessage().contains("hunter2-secret"), e.getMessage());
    assertTrue(e.getMessage().contains(".env"), e.getMessage());
    assertTrue(e.getMessage().contains("KEY=value (line 2)"), e.getMessage());
  }

  @Test
  void whatDoubleQuotesHoldIsTakenAsWrittenWithoutEscapesOrExpansion() throws IOException {
    dotenv("DB_PASSWORD=\"p\\\" # a backslash escapes nothing\nDB_USER=\"${HOME}\"\nDB_HOST=\"a\\\\b\"\n");
    ConfigSource config = ConfigSource.load(Map.of("HOME", "/root"), null, dir);
    assertEquals("p\\", config.get("DB_PASSWORD", "x"));
    assertEquals("${HOME}", config.get("DB_USER", "x"));
    assertEquals("a\\\\b", config.get("DB_HOST", "x"));
  }

  @Test
  void anExportPrefixIsDroppedAsInAShellScript() throws IOException {
    dotenv("# settings\nDB_HOST=db\n\nexport DB_PORT=3307\n  export\tDB_USER=\"app\"\nexport=kept\n");
    ConfigSource config = ConfigSource.load(Map.of(), null, dir);
    assertEquals(3307, config.getInt("DB_PORT", 3306));
    assertEquals("app", config.get("DB_USER", "root"));
    assertEquals("kept", config.get("export", "x"), "a key named export is still a key");
  }

  @Test
  void aQuoteLeftOpenIsRefusedByItsLineInsteadOfSwallowingTheLinesAfterIt() throws IOException {
    dotenv("DB_USER=app\nAVATARMIGRATE_MATCH=\"avatar-\nDB_HOST=db.prod\nDB_PASSWORD=\"hunter2-secret\"\n");
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigSource.load(Map.of(), null, dir));
    assertTrue(e.getMessage().contains(".env line 2: the double quote that opens AVATARMIGRATE_MATCH's value is not"
        + " closed on that line"), e.getMessage());
    assertOneLineWithoutSecret(e, "hunter2-secret");

    dotenv("DB_HOST=db.prod\nDB_PASSWORD='hunter2-secret\nDB_USER=app\n");
    e = assertThrows(ConfigException.class, () -> ConfigSource.load(Map.of(), null, dir));
    assertTrue(e.getMessage().contains(".env line 2: the single quote that opens DB_PASSWORD's value"), e.getMessage());
    assertOneLineWithoutSecret(e, "hunter2-secret");
  }

  @Test
  void textAfterAClosingQuoteIsRefusedByItsLine() throws IOException {
    dotenv("DB_HOST=db\nDB_PASSWORD=\"hunter2\"-secret\n");
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigSource.load(Map.of(), null, dir));
    assertTrue(e.getMessage().contains(".env line 2: DB_PASSWORD's value goes on after its closing double quote"),
        e.getMessage());
    assertOneLineWithoutSecret(e, "hunter2");
  }

  private static void assertOneLineWithoutSecret(ConfigException e, String secret) {
    assertFalse(e.getMessage().contains(secret), e.getMessage());
    assertFalse(e.getMessage().contains("\n"), e.getMessage());
  }

  @Test
  void singleQuotesAreRemovedAndTheirValueTakenLiterally() throws IOException {
    dotenv("DB_PASSWORD='plain'\nDB_USER='a \"b\" #c $HOME \\n'  # a comment\nDB_HOST=''\n");
    ConfigSource config = ConfigSource.load(Map.of(), null, dir);
    assertEquals("plain", config.get("DB_PASSWORD", "x"));
    assertEquals("a \"b\" #c $HOME \\n", config.get("DB_USER", "x"));
    assertEquals(Optional.empty(), config.get("DB_HOST"));
  }

  @Test
  void aByteOrderMarkAtTheStartIsDropped() throws IOException {
    dotenv("\uFEFFDB_HOST=db.from.file\nDB_PORT=3307\n");
    assertEquals("db.from.file", ConfigSource.load(Map.of(), null, dir).get("DB_HOST", "x"));
    dotenv("\uFEFF# settings\nDB_HOST=db.from.file\n");
    assertEquals("db.from.file", ConfigSource.load(Map.of(), null, dir).get("DB_HOST", "x"));
  }

  @Test
  void aHashStartsACommentOnlyAtTheStartOfAnUnquotedValueOrAfterWhitespace() throws IOException {
    dotenv("DB_PASSWORD=p#ss\nDB_USER=app # the login\nDB_HOST=#nothing\nDB_PORT=3307\t# tab\n"
        + "AWS_SECRET_ACCESS_KEY=\"a #b\" # quoted\nAWS_ACCESS_KEY_ID=\"key\"#tight\n");
    ConfigSource config = ConfigSource.load(Map.of(), null, dir);
    assertEquals("p#ss", config.get("DB_PASSWORD", "x"));
    assertEquals("app", config.get("DB_USER", "x"));
    assertEquals(Optional.empty(), config.get("DB_HOST"));
    assertEquals(3307, config.getInt("DB_PORT", 3306));
    assertEquals("a #b", config.get("AWS_SECRET_ACCESS_KEY", "x"));
    assertEquals("key", config.get("AWS_ACCESS_KEY_ID", "x"));
  }

  @Test
  void theLastLineOfAKeyWinsWhicheverWayItIsWritten() throws IOException {
    dotenv("DB_USER=first\nDB_USER='second'\nDB_HOST='first'\nDB_HOST=second\nexport DB_PORT=1\nDB_PORT=2\n");
    ConfigSource config = ConfigSource.load(Map.of(), null, dir);
    assertEquals("second", config.get("DB_USER", "x"));
    assertEquals("second", config.get("DB_HOST", "x"));
    assertEquals(2, config.getInt("DB_PORT", 3306));
  }

  @Test
  void aNonNumericIntegerIsAConfigErrorNamingTheKey() {
    ConfigSource config = ConfigSource.of(Map.of("DB_PORT", "mysql"));
    ConfigException e = assertThrows(ConfigException.class, () -> config.getInt("DB_PORT", 3306));
    assertTrue(e.getMessage().startsWith("DB_PORT='mysql'"), e.getMessage());
  }
}
