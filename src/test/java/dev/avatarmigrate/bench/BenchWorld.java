package dev.avatarmigrate.bench;

import dev.avatarmigrate.testing.AvatarWorld;
import dev.avatarmigrate.testing.TestDatabase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The benchmark's layout: {@code n} legacy avatars {@code image/avatar-<i>.png} of 1-4 KiB in one bucket, an empty
 * production bucket, and one row per avatar. Seeded once through S3 (and kept under {@code target/bench/seed-<n>}
 * for later benches), then restored before every timed run by copying the store's files back with {@code cp -a},
 * which keeps the extended attributes where S3Proxy's filesystem store keeps ETags and content types.
 */
final class BenchWorld {
  static final String LEGACY = "bench-legacy";
  static final String PRODUCTION = "bench-production";
  static final String TABLE = "avatars";
  static final String COLUMN = "path";

  private final int n;
  private final S3Client s3;
  private final Path store;
  private final Path seed;
  private final TestDatabase db;
  private final String database;
  /** avatar name → expected size and MD5 (hex), which is the ETag of a single-part object. */
  private final Map<String, Expected> expected = new TreeMap<>();

  record Expected(long size, String md5) {}

  /** What a run left behind. */
  record Verdict(boolean ok, String text) {}

  BenchWorld(int n, S3Client s3, Path store, Path work, TestDatabase db) throws SQLException {
    this.n = n;
    this.s3 = s3;
    this.store = store;
    this.seed = work.resolve("seed-" + n);
    this.db = db;
    this.database = db.createDatabase("bench");
    db.createAvatarTable(database, TABLE, COLUMN, true);
    for (int i = 0; i < n; i++) {
      String name = name(i);
      byte[] bytes = AvatarWorld.avatarBytes(name, size(i));
      expected.put(name, new Expected(bytes.length, md5(bytes)));
    }
  }

  String database() {
    return database;
  }

  static String name(int i) {
    return "avatar-" + i + ".png";
  }

  /** 1 KiB to 4 KiB, spread evenly. */
  static int size(int i) {
    return 1024 + (int) ((i * 7919L) % 3073);
  }

  /** Puts the seed in place: through S3 the first time (then saved), from the saved files afterwards. */
  void seed() throws Exception {
    Path done = seed.resolveSibling(seed.getFileName() + ".complete");
    if (!Files.exists(done)) {
      System.err.printf("seeding %,d avatars through S3 (once; kept in %s)%n", n, seed);
      removeBuckets();
      s3.createBucket(b -> b.bucket(LEGACY));
      s3.createBucket(b -> b.bucket(PRODUCTION));
      ExecutorService pool = Executors.newFixedThreadPool(16);
      try {
        List<Future<?>> puts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          String name = name(i);
          byte[] bytes = AvatarWorld.avatarBytes(name, size(i));
          puts.add(pool.submit(() -> s3.putObject(b -> b.bucket(LEGACY).key("image/" + name).contentType("image/png"),
              RequestBody.fromBytes(bytes))));
        }
        for (Future<?> put : puts) {
          put.get();
        }
      } finally {
        pool.shutdown();
      }
      deleteRecursively(seed);
      Files.createDirectories(seed);
      exec("cp", "-a", store.resolve(LEGACY).toString(), store.resolve(PRODUCTION).toString(), seed.toString());
      Files.writeString(done, n + "\n");
    }
    reset();
  }

  /** Back to the seeded layout, objects and rows, and checked through S3: a run must start from this. */
  void reset() throws Exception {
    removeBuckets();
    exec("cp", "-a", seed.resolve(LEGACY).toString(), seed.resolve(PRODUCTION).toString(), store.toString());
    try (Connection c = db.connection(database); Statement s = c.createStatement()) {
      s.executeUpdate("TRUNCATE TABLE " + TABLE);
    }
    List<String> paths = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      paths.add("image/" + name(i));
    }
    db.insertPaths(database, TABLE, COLUMN, paths);

    int legacy = list(LEGACY, "image/").size();
    int production = list(PRODUCTION, "").size();
    if (legacy != n || production != 0) {
      throw new IllegalStateException("reseeding left " + legacy + " legacy and " + production
          + " production objects, expected " + n + " and 0");
    }
    // The restored files must still be whole objects to S3Proxy: ETag and type come from extended attributes.
    for (int i : new int[] {0, n / 2, n - 1}) {
      HeadObjectResponse head = s3.headObject(b -> b.bucket(LEGACY).key("image/" + name(i)));
      Expected e = expected.get(name(i));
      if (!unquote(head.eTag()).equals(e.md5()) || head.contentLength() != e.size()
          || !"image/png".equals(head.contentType())) {
        throw new IllegalStateException("reseeded object image/" + name(i) + " reads back as ETag " + head.eTag()
            + ", " + head.contentLength() + " bytes, " + head.contentType() + ": the copy lost its attributes");
      }
    }
  }

  /** All avatars at the target with their sizes and ETags, none left at the source, and (if asked) every row rewritten. */
  Verdict verify(boolean rows) throws SQLException {
    List<String> problems = new ArrayList<>();
    int left = list(LEGACY, "image/").size();
    if (left > 0) {
      problems.add(left + " still at the source");
    }
    Map<String, S3Object> moved = new TreeMap<>();
    for (S3Object o : list(PRODUCTION, "avatar/")) {
      moved.put(o.key().substring("avatar/".length()), o);
    }
    int missing = 0;
    int different = 0;
    for (Map.Entry<String, Expected> e : expected.entrySet()) {
      S3Object o = moved.get(e.getKey());
      if (o == null) {
        missing++;
      } else if (o.size() != e.getValue().size() || !unquote(o.eTag()).equals(e.getValue().md5())) {
        different++;
      }
    }
    if (missing > 0) {
      problems.add(missing + " missing at the target");
    }
    if (different > 0) {
      problems.add(different + " differ at the target");
    }
    if (moved.size() != n) {
      problems.add(moved.size() + " objects at the target, expected " + n);
    }
    if (rows) {
      List<String> paths = db.selectColumn(database, TABLE, COLUMN);
      long rewritten = paths.stream().filter(p -> p.startsWith("avatar/") && expected.containsKey(p.substring(7))).count();
      if (rewritten != n || paths.size() != n) {
        problems.add(rewritten + " of " + paths.size() + " rows rewritten, expected " + n);
      }
    }
    if (!problems.isEmpty()) {
      return new Verdict(false, "WRONG: " + String.join(", ", problems));
    }
    return new Verdict(true, rows ? "ok: " + n + " moved, " + n + " rows" : "ok: " + n + " moved (S3 only)");
  }

  private List<S3Object> list(String bucket, String prefix) {
    List<S3Object> all = new ArrayList<>();
    for (var page : s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix))) {
      all.addAll(page.contents());
    }
    return all;
  }

  private void removeBuckets() throws IOException {
    deleteRecursively(store.resolve(LEGACY));
    deleteRecursively(store.resolve(PRODUCTION));
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (Files.exists(dir)) {
      exec("rm", "-rf", dir.toString());
    }
  }

  private static void exec(String... command) throws IOException {
    try {
      Process p = new ProcessBuilder(command).inheritIO().start();
      if (p.waitFor() != 0) {
        throw new IOException(String.join(" ", command) + " exited with " + p.exitValue());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted: " + String.join(" ", command), e);
    }
  }

  private static String unquote(String etag) {
    return etag == null ? "" : etag.replace("\"", "");
  }

  private static String md5(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new UncheckedIOException(new IOException(e));
    }
  }
}
