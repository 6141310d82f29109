package dev.avatarmigrate.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.avatarmigrate.testing.AvatarWorld;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Hundreds of avatars for the fault tests, seeded in parallel, and their end state checked with one listing
 * per bucket (size and MD5 ETag of every object, bytes of a sample) instead of a request per object.
 */
final class Avatars {
  // S3Proxy answers one request at a time per connection in a few ms; 16 at once seed 400 avatars in about a second.
  private static final int SEED_THREADS = 16;
  // One object in this many is also read back byte for byte.
  private static final int SAMPLE_EVERY = 25;

  private Avatars() {}

  /** Seeds {@code image/avatar-<i>.png} for i in [0, count), each with one row; returns name → bytes. */
  static Map<String, byte[]> seed(AvatarWorld w, int count) {
    Map<String, byte[]> expected = new LinkedHashMap<>();
    for (int i = 0; i < count; i++) {
      String name = "avatar-" + i + ".png";
      expected.put(name, AvatarWorld.avatarBytes(name, 400 + (i * 37) % 2000));
    }
    ExecutorService pool = Executors.newFixedThreadPool(SEED_THREADS);
    try {
      List<Future<?>> puts = new ArrayList<>();
      expected.forEach((name, bytes) -> puts.add(pool.submit(() -> w.put(w.legacy, "image/" + name, bytes))));
      for (Future<?> f : puts) {
        f.get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("seeding failed", e.getCause());
    } finally {
      pool.shutdownNow();
    }
    w.rows(expected.keySet().stream().map(n -> "image/" + n).toList());
    return expected;
  }

  /**
   * Every expected avatar is at the target with its size and content MD5, none is left at the source, their
   * rows carry the new path, and every row of the table points at an object that exists.
   */
  static void assertMoved(AvatarWorld w, Map<String, byte[]> expected) {
    Map<String, S3Object> production = listing(w, w.production);
    Map<String, S3Object> legacy = listing(w, w.legacy);
    int i = 0;
    for (Map.Entry<String, byte[]> e : expected.entrySet()) {
      String name = e.getKey();
      S3Object moved = production.get("avatar/" + name);
      assertTrue(moved != null, "not at the target: " + name);
      assertEquals(e.getValue().length, moved.size(), "size of " + name);
      assertEquals(md5(e.getValue()), moved.eTag().replace("\"", ""), "content MD5 of " + name);
      assertTrue(!legacy.containsKey("image/" + name), "source still there: " + name);
      if (i++ % SAMPLE_EVERY == 0) {
        assertArrayEquals(e.getValue(), w.bytes(w.production, "avatar/" + name).orElseThrow(), "bytes of " + name);
      }
    }
    List<String> paths = w.paths();
    List<String> notRewritten = paths.stream()
        .filter(p -> p.startsWith("image/") && expected.containsKey(p.substring("image/".length())))
        .toList();
    assertTrue(notRewritten.isEmpty(), "rows not rewritten: " + notRewritten);
    List<String> pointingAtNothing = paths.stream()
        .filter(p -> !(p.startsWith("avatar/") ? production : legacy).containsKey(p))
        .toList();
    assertTrue(pointingAtNothing.isEmpty(), "rows point at nothing: " + pointingAtNothing);
  }

  private static Map<String, S3Object> listing(AvatarWorld w, String bucket) {
    Map<String, S3Object> all = new HashMap<>();
    w.listAll(bucket).forEach(o -> all.put(o.key(), o));
    return all;
  }

  static String md5(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("MD5 is part of every JDK", e);
    }
  }
}
