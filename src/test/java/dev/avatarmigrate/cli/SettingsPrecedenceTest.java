package dev.avatarmigrate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.avatarmigrate.config.ConfigException;
import dev.avatarmigrate.config.ConfigSource;
import dev.avatarmigrate.config.DatabaseTarget;
import dev.avatarmigrate.config.Method;
import dev.avatarmigrate.config.OnConflict;
import dev.avatarmigrate.config.Settings;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Flags > environment > .env > defaults, resolved by picocli with the same default provider as {@link Cli}. */
class SettingsPrecedenceTest {
  @TempDir Path dir;

  private Map<String, String> env = new HashMap<>();

  private void dotenv(String text) throws IOException {
    Files.writeString(dir.resolve(".env"), text);
  }

  private CommandLine commandLine(AvatarMigrateCommand command, ConfigSource config) {
    return new CommandLine(command).setDefaultValueProvider(new EnvDefaults(config));
  }

  private Settings settings(String... options) {
    return settingsFor(options, "legacy-s3", "production-s3", "update_db");
  }

  private Settings settingsFor(String[] options, String... arguments) {
    ConfigSource config = ConfigSource.load(env, null, dir);
    AvatarMigrateCommand command = new AvatarMigrateCommand(config, (s, v) -> {
      throw new AssertionError("nothing runs here");
    });
    List<String> args = new ArrayList<>(List.of(options));
    args.addAll(List.of(arguments));
    commandLine(command, config).parseArgs(args.toArray(String[]::new));
    return command.settings();
  }

  @Test
  void keysInTheEnvironmentWinOverAnExportedAwsProfileButNotOverProfileOnTheCommandLine() throws IOException {
    env.put("AWS_PROFILE", "other-account");
    assertEquals("other-account", settings().s3().profile(), "a profile alone is used");

    env.put("AWS_ACCESS_KEY_ID", "AKIAEXAMPLE");
    env.put("AWS_SECRET_ACCESS_KEY", "secret");
    assertNull(settings().s3().profile(), "keys exported for this run win, as in the AWS CLI");
    assertTrue(settings().s3().toString().contains("credentials=static keys ***"));

    Settings flagged = settings("--profile", "chosen");
    assertEquals("chosen", flagged.s3().profile());
    assertTrue(flagged.s3().toString().contains("credentials=profile chosen"), flagged.s3().toString());
  }

  @Test
  void defaultsApplyWhenNothingIsSet() {
    Settings s = settings();
    assertEquals("s3://legacy-s3/image/", s.source().toString());
    assertEquals("s3://production-s3/avatar/", s.target().toString());
    assertEquals("avatars", s.table().name());
    assertEquals("path", s.column().name());
    assertEquals("avatar-", s.match());
    assertEquals(32, s.concurrency());
    assertEquals(0, s.maxRate());
    assertEquals(List.of(), s.replicas());
    assertEquals(Method.OBJECT, s.method());
    assertEquals(OnConflict.SKIP, s.onConflict());
    assertNull(s.s3().region());
    assertNull(s.s3().endpoint());
    assertFalse(s.s3().pathStyle());
    assertEquals(5L << 30, s.copy().multipartThreshold());
    assertEquals(512L << 20, s.copy().partSize());
    assertEquals("jdbc:mariadb://127.0.0.1:3306/update_db", s.database().jdbcUrl());
    assertEquals("root", s.database().user());
    assertNull(s.database().password());
    assertFalse(s.dryRun());
    assertFalse(s.keepSource());
  }

  @Test
  void dotenvOverridesTheDefaults() throws IOException {
    dotenv("""
        AVATARMIGRATE_TABLE=dotenv_table
        AVATARMIGRATE_CONCURRENCY=7
        AWS_REGION=eu-west-1
        AVATARMIGRATE_METHOD=sync
        AVATARMIGRATE_ON_CONFLICT=overwrite
        AVATARMIGRATE_MULTIPART_THRESHOLD=64MiB
        AVATARMIGRATE_MAX_RATE=200
        AVATARMIGRATE_REPLICA=db-r1,db-r2:3307
        DB_HOST=db.dotenv
        DB_PORT=3307
        DB_USER=app
        """);
    Settings s = settings();
    assertEquals("dotenv_table", s.table().name());
    assertEquals(7, s.concurrency());
    assertEquals("eu-west-1", s.s3().region());
    assertEquals(Method.SYNC, s.method());
    assertEquals(OnConflict.OVERWRITE, s.onConflict());
    assertEquals(64L << 20, s.copy().multipartThreshold());
    assertEquals(200, s.maxRate());
    assertEquals(List.of("jdbc:mariadb://db-r1:3307/update_db", "jdbc:mariadb://db-r2:3307/update_db"),
        s.replicas().stream().map(DatabaseTarget::jdbcUrl).toList());
    assertEquals("jdbc:mariadb://db.dotenv:3307/update_db", s.database().jdbcUrl());
    assertEquals("app", s.database().user());
  }

  @Test
  void aDotenvWrittenForDockerComposeGivesTheSameSettings() throws IOException {
    dotenv("\uFEFF# written on Windows, with a byte order mark\n"
        + "export DB_HOST=db.dotenv\n"
        + "DB_PASSWORD='pl#in \"x\"'\n"
        + "DB_USER=\"app\" # the login\n"
        + "AVATARMIGRATE_MATCH=av#1 # a comment\n"
        + "export AVATARMIGRATE_TABLE='avatars_v2'\n");
    Settings s = settings();
    assertEquals("jdbc:mariadb://db.dotenv:3306/update_db", s.database().jdbcUrl());
    assertEquals("pl#in \"x\"", s.database().password());
    assertEquals("app", s.database().user());
    assertEquals("av#1", s.match());
    assertEquals("avatars_v2", s.table().name());
  }

  @Test
  void theEnvironmentOverridesDotenv() throws IOException {
    dotenv("AVATARMIGRATE_TABLE=dotenv_table\nAVATARMIGRATE_CONCURRENCY=7\nAWS_REGION=eu-west-1\nDB_HOST=db.dotenv\n");
    env.put("AVATARMIGRATE_TABLE", "env_table");
    env.put("AVATARMIGRATE_CONCURRENCY", "9");
    env.put("AWS_REGION", "us-west-2");
    env.put("DB_HOST", "db.env");
    Settings s = settings();
    assertEquals("env_table", s.table().name());
    assertEquals(9, s.concurrency());
    assertEquals("us-west-2", s.s3().region());
    assertEquals("jdbc:mariadb://db.env:3306/update_db", s.database().jdbcUrl());
  }

  @Test
  void aFlagOverridesTheEnvironmentAndDotenv() throws IOException {
    dotenv("AVATARMIGRATE_TABLE=dotenv_table\nAVATARMIGRATE_CONCURRENCY=7\nAWS_REGION=eu-west-1\n");
    env.put("AVATARMIGRATE_TABLE", "env_table");
    env.put("AVATARMIGRATE_CONCURRENCY", "9");
    env.put("AWS_REGION", "us-west-2");
    Settings s = settings("--table", "flag_table", "--concurrency", "11", "--region", "ap-south-1");
    assertEquals("flag_table", s.table().name());
    assertEquals(11, s.concurrency());
    assertEquals("ap-south-1", s.s3().region());
  }

  @Test
  void awsDefaultRegionIsTheFallbackForAwsRegion() {
    env.put("AWS_DEFAULT_REGION", "eu-central-1");
    assertEquals("eu-central-1", settings().s3().region());
    env.put("AWS_REGION", "eu-north-1");
    assertEquals("eu-north-1", settings().s3().region());
  }

  @Test
  void destructiveSwitchesAreNeverTakenFromTheEnvironmentOrDotenv() throws IOException {
    dotenv("AVATARMIGRATE_KEEP_SOURCE=true\n");
    env.put("AVATARMIGRATE_DRY_RUN", "true");
    Settings s = settings();
    assertFalse(s.dryRun());
    assertFalse(s.keepSource());
    assertTrue(settings("--dry-run", "--keep-source").dryRun());
  }

  @Test
  void anEndpointFromTheEnvironmentTurnsOnPathStyleUnlessToldOtherwise() {
    env.put("AWS_ENDPOINT_URL", "http://127.0.0.1:9000");
    Settings s = settings();
    assertEquals(URI.create("http://127.0.0.1:9000"), s.s3().endpoint());
    assertTrue(s.s3().pathStyle());
    assertFalse(settings("--no-path-style").s3().pathStyle());
    env.put("AVATARMIGRATE_PATH_STYLE", "off");
    assertFalse(settings().s3().pathStyle());
    assertTrue(settings("--path-style").s3().pathStyle());
    // A switch never swallows the positional argument after it.
    assertTrue(settings("--path-style", "--concurrency", "4").s3().pathStyle());
  }

  @Test
  void credentialsFromDotenvReachTheSettingsButNeverTheirDescription() throws IOException {
    dotenv("""
        DB_PASSWORD=db-secret-value
        AWS_ACCESS_KEY_ID=AKIAEXAMPLE
        AWS_SECRET_ACCESS_KEY=aws-secret-value
        """);
    Settings s = settings();
    assertEquals("db-secret-value", s.database().password());
    assertTrue(s.s3().hasStaticKeys());
    String described = s.describe();
    assertFalse(described.contains("db-secret-value"), described);
    assertFalse(described.contains("aws-secret-value"), described);
    assertTrue(described.contains("update_db"), described);
  }

  @Test
  void aBadValueFromTheEnvironmentIsAConfigError() {
    env.put("AVATARMIGRATE_CONCURRENCY", "lots");
    assertThrows(ConfigException.class, this::settings);
    env.put("AVATARMIGRATE_CONCURRENCY", "4");
    env.put("DB_PORT", "0");
    assertThrows(ConfigException.class, this::settings);
  }

  @Test
  void overlappingSourceAndTargetAreRefused() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> settingsFor(new String[0], "s3://shared-bucket/image/", "s3://shared-bucket/image/new/", "update_db"));
    assertTrue(e.getMessage().contains("overlap"), e.getMessage());
    assertThrows(ConfigException.class,
        () -> settingsFor(new String[0], "s3://shared-bucket/image/", "s3://shared-bucket", "update_db"));
    Settings sameBucket = settingsFor(new String[0], "s3://shared-bucket/image/", "s3://shared-bucket/avatar/", "app");
    assertEquals("shared-bucket", sameBucket.target().bucket());
  }

  @Test
  void aMatchWithASlashIsRefused() {
    assertThrows(ConfigException.class, () -> settings("--match", "sub/avatar-"));
    assertEquals("", settings("--match", "").match());
  }

  @Test
  void theRunReceivesTheResolvedSettingsAndTheVerbosity() {
    ConfigSource config = ConfigSource.load(Map.of("AVATARMIGRATE_TABLE", "env_table"), null, dir);
    AtomicReference<Settings> seen = new AtomicReference<>();
    AtomicInteger verbosity = new AtomicInteger(99);
    AvatarMigrateCommand.Run run = (s, v) -> {
      seen.set(s);
      verbosity.set(v);
      return 0;
    };
    assertEquals(0, commandLine(new AvatarMigrateCommand(config, run), config)
        .execute("-vv", "legacy-s3", "production-s3", "update_db"));
    assertEquals("env_table", seen.get().table().name());
    assertEquals(2, verbosity.get());
    assertEquals(0, commandLine(new AvatarMigrateCommand(config, run), config)
        .execute("-q", "legacy-s3", "production-s3", "update_db"));
    assertEquals(-1, verbosity.get());
    assertEquals(0, commandLine(new AvatarMigrateCommand(config, run), config)
        .execute("legacy-s3", "production-s3", "update_db"));
    assertEquals(0, verbosity.get());
  }

  @Test
  void httpsProxyIsReadOnlyWhereARequestWillUseIt() {
    env.put("HTTPS_PROXY", "socks5h://proxy.corp:1080");
    env.put("AWS_ACCESS_KEY_ID", "AKIAEXAMPLE");
    env.put("AWS_SECRET_ACCESS_KEY", "secret");
    // An http endpoint with keys given outright: nothing goes over https, the value is not looked at.
    Settings plain = settings("--endpoint-url", "http://minio.internal:9000");
    assertNull(plain.s3().httpsProxy());
    assertNull(plain.s3().sdkProxy());
    // A profile's credentials are fetched over https: there a value that is no proxy address is refused.
    assertThrows(ConfigException.class, () -> settings("--endpoint-url", "http://minio.internal:9000",
        "--profile", "migrate"));
    assertThrows(ConfigException.class, () -> settings());

    env.put("HTTPS_PROXY", "http://proxy.corp:3128");
    assertEquals("proxy.corp", settings("--profile", "migrate", "--endpoint-url", "http://minio.internal:9000")
        .s3().sdkProxy().proxy().host());
    assertNull(settings().s3().sdkProxy(), "keys given outright: the SDK fetches no credentials");
  }
}
