package dev.avatarmigrate.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.avatarmigrate.cli.Cli;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.services.s3.model.EncodingType;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * One isolated world for a scenario: a legacy and a production bucket on an S3 server (the shared S3Proxy
 * unless a test names another, such as moto), a database
 * with an {@code avatars(path)} table on the shared MariaDB, and ways to run the tool against them
 * (in-process, or as the built jar) and to read the end state back.
 */
public final class AvatarWorld {
  /**
   * The installed wrapper's JVM options, as a java {@code @argument file}: the same file {@code make install}
   * copies next to the jar, so tests, bench and demo run the jar as users do.
   */
  public static final String LAUNCHER_JVM_OPTIONS =
      "@" + Path.of("src/main/launcher/jvm.options").toAbsolutePath();

  public static final String TABLE = "avatars";
  public static final String COLUMN = "path";

  public final S3Endpoint s3;
  public final TestDatabase db;
  public final String legacy;
  public final String production;
  public final String database;

  private AvatarWorld(S3Endpoint s3, boolean indexed) {
    this(s3, TestDatabase.shared(), indexed);
  }

  private AvatarWorld(S3Endpoint s3, TestDatabase db, boolean indexed) {
    this.s3 = s3;
    this.db = db;
    this.legacy = s3.uniqueBucket("legacy");
    this.production = s3.uniqueBucket("production");
    try {
      this.database = db.createDatabase("avatars");
      db.createAvatarTable(database, TABLE, COLUMN, indexed);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create the test database", e);
    }
  }

  public static AvatarWorld create() {
    return new AvatarWorld(S3ProxyServer.shared(), true);
  }

  public static AvatarWorld create(S3Endpoint s3, boolean indexed) {
    return new AvatarWorld(s3, indexed);
  }

  /** A world whose table lives on {@code db} rather than the shared server (a replication primary, say). */
  public static AvatarWorld on(TestDatabase db) {
    return new AvatarWorld(S3ProxyServer.shared(), db, true);
  }

  // ---- seeding ------------------------------------------------------------------------------------

  public void put(String bucket, String key, byte[] bytes, String contentType, Map<String, String> metadata) {
    s3.client().putObject(b -> b.bucket(bucket).key(key).contentType(contentType).metadata(metadata),
        RequestBody.fromBytes(bytes));
  }

  public void put(String bucket, String key, byte[] bytes) {
    put(bucket, key, bytes, "image/png", Map.of());
  }

  /** A deterministic PNG-sized payload, different for every name. */
  public static byte[] avatarBytes(String name, int size) {
    byte[] bytes = new byte[size];
    long seed = name.hashCode() * 6364136223846793005L + 1442695040888963407L;
    for (int i = 0; i < size; i++) {
      seed = seed * 6364136223846793005L + 1442695040888963407L;
      bytes[i] = (byte) (seed >>> 56);
    }
    return bytes;
  }

  public void rows(List<String> paths) {
    try {
      db.insertPaths(database, TABLE, COLUMN, paths);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  public void rows(String... paths) {
    rows(List.of(paths));
  }

  /**
   * Seeds {@code count} legacy avatars {@code image/avatar-<i>.png} of a few KiB, each with one row, and
   * returns their names.
   */
  public List<String> seedAvatars(int count) {
    List<String> names = new ArrayList<>(count);
    List<String> paths = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      String name = "avatar-" + i + ".png";
      put(legacy, "image/" + name, avatarBytes(name, 512 + (i % 7) * 300));
      names.add(name);
      paths.add("image/" + name);
    }
    rows(paths);
    return names;
  }

  // ---- reading the end state ----------------------------------------------------------------------

  public List<String> paths() {
    try {
      return db.selectColumn(database, TABLE, COLUMN);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Key → size of every object in {@code bucket}, sorted. */
  public Map<String, Long> objects(String bucket) {
    Map<String, Long> all = new TreeMap<>();
    for (S3Object o : listAll(bucket)) {
      all.put(o.key(), o.size());
    }
    return all;
  }

  /**
   * Every object in {@code bucket}, in ListObjects (V1) pages with the last key as the marker. S3Proxy writes a
   * V2 page's NextContinuationToken as the raw last key, and when that key holds a control character (the odd
   * keys of the tests do) the answer is not XML ("Could not parse XML response"); V1's NextMarker is
   * URL-encoded. Whether a V2 listing meets it depends on where the page boundaries fall, so on how far a run got.
   */
  public List<S3Object> listAll(String bucket) {
    return listAll(bucket, null);
  }

  /** Every object in {@code bucket} under {@code prefix} (null: all), as {@link #listAll(String)} lists them. */
  public List<S3Object> listAll(String bucket, String prefix) {
    List<S3Object> all = new ArrayList<>();
    String marker = null;
    while (true) {
      String after = marker;
      ListObjectsResponse page = s3.client().listObjects(b -> b.bucket(bucket).prefix(prefix).marker(after)
          .encodingType(EncodingType.URL));
      all.addAll(page.contents());
      if (!Boolean.TRUE.equals(page.isTruncated()) || page.contents().isEmpty()) {
        return all;
      }
      marker = page.contents().get(page.contents().size() - 1).key();
    }
  }

  public Optional<byte[]> bytes(String bucket, String key) {
    try {
      return Optional.of(s3.client().getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray());
    } catch (NoSuchKeyException e) {
      return Optional.empty();
    }
  }

  public HeadObjectResponse head(String bucket, String key) {
    return s3.client().headObject(b -> b.bucket(bucket).key(key));
  }

  public boolean exists(String bucket, String key) {
    try {
      head(bucket, key);
      return true;
    } catch (NoSuchKeyException e) {
      return false;
    } catch (software.amazon.awssdk.services.s3.model.S3Exception e) {
      if (e.statusCode() == 404) {
        return false;
      }
      throw e;
    }
  }

  /**
   * The safety invariant: every row points at an object that exists, in the bucket its prefix names. One listing
   * of each bucket answers for thousands of rows in a few requests (S3 and S3Proxy list consistently); a path
   * the listing lacks is still asked for with a HEAD before it counts as missing.
   */
  public void assertEveryRowPointsAtAnObject() {
    Map<String, Long> inLegacy = objects(legacy);
    Map<String, Long> inProduction = objects(production);
    List<String> missing = new ArrayList<>();
    for (String path : paths()) {
      boolean modern = path.startsWith("avatar/");
      String bucket = modern ? production : legacy;
      if (!(modern ? inProduction : inLegacy).containsKey(path) && !exists(bucket, path)) {
        missing.add(bucket + "/" + path);
      }
    }
    assertTrue(missing.isEmpty(), "rows point at nothing: " + missing);
  }

  /** Every listed avatar moved byte-identical, every row rewritten, no legacy avatar left. */
  public void assertAllMoved(Map<String, byte[]> expectedByName) {
    for (Map.Entry<String, byte[]> e : expectedByName.entrySet()) {
      Optional<byte[]> moved = bytes(production, "avatar/" + e.getKey());
      assertTrue(moved.isPresent(), "not at the target: " + e.getKey());
      assertTrue(java.util.Arrays.equals(e.getValue(), moved.get()), "bytes differ: " + e.getKey());
      assertTrue(!exists(legacy, "image/" + e.getKey()), "source still there: " + e.getKey());
    }
    for (String path : paths()) {
      assertTrue(!path.startsWith("image/avatar-") || !expectedByName.containsKey(path.substring(6)),
          "row not rewritten: " + path);
    }
  }

  // ---- running the tool ---------------------------------------------------------------------------

  public Map<String, String> env() {
    Map<String, String> env = new HashMap<>();
    env.put("AWS_ACCESS_KEY_ID", s3.accessKey());
    env.put("AWS_SECRET_ACCESS_KEY", s3.secretKey());
    env.put("AWS_REGION", s3.region());
    env.put("AWS_ENDPOINT_URL", s3.endpoint().toString());
    env.put("DB_HOST", db.host());
    env.put("DB_PORT", String.valueOf(db.port()));
    env.put("DB_USER", db.user());
    env.put("DB_PASSWORD", db.password() == null ? "" : db.password());
    return env;
  }

  /** The options followed by SOURCE TARGET DATABASE for this world. */
  public String[] args(String... options) {
    List<String> all = new ArrayList<>(List.of(options));
    all.add(legacy);
    all.add(production);
    all.add(database);
    return all.toArray(String[]::new);
  }

  /** Runs the CLI in-process, as a user would, with this world's environment. */
  public Result run(String... options) {
    return runWith(env(), args(options));
  }

  public Result runWith(Map<String, String> env, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Path workDir;
    try {
      workDir = Files.createTempDirectory("avatarMigrate-run");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    int exit = Cli.run(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
        env, workDir, false, false, args);
    return new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /**
   * Starts the built jar as its own process with this world's environment, with the JVM options the launcher
   * {@code make install} writes uses by default ({@link #LAUNCHER_JVM_OPTIONS}).
   */
  public Process startJar(Path workDir, String... options) throws IOException {
    return jar(workDir, options).start();
  }

  /**
   * Runs the built jar as {@link #startJar} does, to its end, and returns its exit code and output; a run
   * still going after {@code timeout} is killed and fails the test.
   */
  public Result runJar(Path workDir, Duration timeout, String... options) throws IOException, InterruptedException {
    return runJar(workDir, timeout, List.of(), options);
  }

  /** {@link #runJar(Path, Duration, String...)} with more JVM options after the launcher's. */
  public Result runJar(Path workDir, Duration timeout, List<String> jvmOptions, String... options)
      throws IOException, InterruptedException {
    Path out = Files.createTempFile(workDir, "stdout", ".txt");
    Path err = Files.createTempFile(workDir, "stderr", ".txt");
    Process process = jar(workDir, jvmOptions, options)
        .redirectOutput(out.toFile())
        .redirectError(err.toFile())
        .start();
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly().waitFor();
      throw new AssertionError("the jar did not finish within " + timeout + "; stderr:\n" + Files.readString(err));
    }
    return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
  }

  private ProcessBuilder jar(Path workDir, String... options) {
    return jar(workDir, List.of(), options);
  }

  private ProcessBuilder jar(Path workDir, List<String> jvmOptions, String... options) {
    List<String> command = new ArrayList<>(List.of(javaBinary(), LAUNCHER_JVM_OPTIONS));
    command.addAll(jvmOptions);
    command.addAll(List.of("-jar", jar().toString()));
    command.addAll(List.of(args(options)));
    ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile());
    // The run's settings are this world's and its .env's alone: not the AWS, database or proxy settings of the
    // machine the tests run on.
    pb.environment().keySet().removeIf(k -> k.startsWith("AWS_") || k.startsWith("DB_")
        || k.startsWith("AVATARMIGRATE_") || k.equalsIgnoreCase("HTTPS_PROXY") || k.equalsIgnoreCase("HTTP_PROXY")
        || k.equalsIgnoreCase("NO_PROXY"));
    pb.environment().putAll(env());
    return pb;
  }

  public static Path jar() {
    String path = System.getProperty("avatarMigrate.jar", "target/avatarMigrate.jar");
    Path jar = Path.of(path);
    assertTrue(Files.isRegularFile(jar), "the built jar is missing: " + jar + " (run mvn verify)");
    return jar;
  }

  static String javaBinary() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** What one run returned. */
  public record Result(int exit, String out, String err) {
    public Result expectExit(int code) {
      assertEquals(code, exit, () -> "exit code; stdout:\n" + out + "\nstderr:\n" + err);
      return this;
    }

    /** A number from the summary table, e.g. {@code count("copied")}. */
    public long count(String label) {
      for (String line : out.split("\n")) {
        String trimmed = line.trim();
        if (trimmed.startsWith(label + " ")) {
          String rest = trimmed.substring(label.length()).trim().split(" ")[0].replace(",", "");
          return Long.parseLong(rest);
        }
      }
      throw new AssertionError("no '" + label + "' in the summary:\n" + out + "\n" + err);
    }
  }
}
