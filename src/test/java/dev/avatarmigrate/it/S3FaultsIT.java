package dev.avatarmigrate.it;

import static dev.avatarmigrate.testing.AvatarWorld.avatarBytes;
import static dev.avatarmigrate.testing.FaultyProxy.anyRequest;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.avatarmigrate.testing.AvatarWorld;
import dev.avatarmigrate.testing.AvatarWorld.Result;
import dev.avatarmigrate.testing.FaultyProxy;
import dev.avatarmigrate.testing.FaultyProxy.Fault;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * S3 failing under the tool, through {@link FaultyProxy}: transient errors are retried by the SDK until every
 * avatar is moved; a permanent error fails only the object it touches, leaving its source and its row.
 */
class S3FaultsIT {
  // One seed: the same sequence of verdicts on every run.
  private static final long SEED = 0x5EED_A7A7L;
  // A few hundred: over a thousand requests in object mode, so every kind of request meets every fault.
  private static final int AVATARS = 300;

  @ParameterizedTest
  @ValueSource(strings = {"object", "sync"})
  void throttlingAndCutConnectionsOnOneRequestInEightAreRetriedAndEveryAvatarStillMoves(String method) {
    AvatarWorld w = AvatarWorld.create();
    Map<String, byte[]> expected = Avatars.seed(w, AVATARS);
    try (FaultyProxy proxy = FaultyProxy.start(w.s3.endpoint(), SEED)
        .inject(Fault.SLOW_DOWN, 0.06, anyRequest())
        .inject(Fault.CUT, 0.07, anyRequest())
        .inject(Fault.INTERNAL_ERROR, 0.02, anyRequest())
        .inject(Fault.LOST_RESPONSE, 0.02, anyRequest())) {

      Result r = runThrough(w, proxy, "--method", method).expectExit(0);

      System.out.println("[" + method + "] " + proxy.stats());
      long slowDownOrCut = proxy.injected(Fault.SLOW_DOWN) + proxy.injected(Fault.CUT);
      assertTrue(slowDownOrCut * 10 >= proxy.requestsSeen(),
          "at least one request in ten answered 503 or cut: " + proxy.stats());
      // Every fault is answered by another attempt of the same request (8 attempts make running out unlikely).
      assertTrue(proxy.retriesSeen() >= proxy.injectedTotal(), proxy.stats());
      // A copy whose answer was lost is retried: S3 answers 412 to its If-None-Match and the tool finds the copy
      // already there; S3Proxy ignores If-None-Match on CopyObject and copies the same bytes again.
      assertEquals(AVATARS, r.count("copied") + r.count("already present"), r.out());
      assertEquals(AVATARS, r.count("rows rewritten"));
      assertEquals(AVATARS, r.count("deleted"));
      assertEquals(0, r.count("failed"));
    }
    Avatars.assertMoved(w, expected);
    assertTrue(w.objects(w.legacy).isEmpty(), "no legacy avatar left");
    assertEquals(AVATARS, w.objects(w.production).size());
    assertTrue(w.paths().stream().allMatch(p -> p.startsWith("avatar/avatar-")), "every row rewritten");
  }

  @ParameterizedTest
  @ValueSource(strings = {"object", "sync"})
  void accessDeniedOnOneKeyFailsOnlyThatObjectAndLeavesItsSourceAndRow(String method) {
    AvatarWorld w = AvatarWorld.create();
    Map<String, byte[]> expected = Avatars.seed(w, 40);
    String denied = "image/avatar-7.png";
    byte[] deniedBytes = expected.remove("avatar-7.png");
    try (FaultyProxy proxy = FaultyProxy.start(w.s3.endpoint(), SEED)
        .always(Fault.ACCESS_DENIED, req -> req.touches(w.legacy, denied))) {

      Result r = runThrough(w, proxy, "--method", method).expectExit(1);

      System.out.println("[" + method + "] " + proxy.stats());
      assertEquals(1, r.count("failed"));
      assertEquals(39, r.count("copied"));
      assertEquals(39, r.count("deleted"));
      assertTrue(r.err().contains("AccessDenied"), r.err());
      assertTrue(proxy.injected(Fault.ACCESS_DENIED) >= 1, proxy.stats());
      assertEquals(0, proxy.count(req -> req.touches(w.legacy, denied) && req.attempt() > 1),
          "a 403 is never retried");
    }
    Avatars.assertMoved(w, expected);
    assertArrayEquals(deniedBytes, w.bytes(w.legacy, denied).orElseThrow(), "the source is untouched");
    assertFalse(w.exists(w.production, "avatar/avatar-7.png"));
    List<String> legacyRows = w.paths().stream().filter(p -> p.startsWith("image/")).toList();
    assertEquals(List.of(denied), legacyRows, "only its row keeps the legacy path");
  }

  @ParameterizedTest
  @ValueSource(strings = {"object", "sync"})
  void multipartCopyWhosePartFailsForGoodLeavesNoTargetNoOpenUploadAndTheSourceInPlace(String method) {
    AvatarWorld w = AvatarWorld.create();
    Map<String, byte[]> small = Avatars.seed(w, 5);
    // 12 MiB with 5 MiB parts: parts 1 and 3 copy, part 2 is refused for good.
    byte[] big = avatarBytes("avatar-big.png", 12 * 1024 * 1024);
    w.put(w.legacy, "image/avatar-big.png", big);
    w.rows("image/avatar-big.png");
    try (FaultyProxy proxy = FaultyProxy.start(w.s3.endpoint(), SEED)
        .always(Fault.ACCESS_DENIED, req -> "PUT".equals(req.method()) && req.hasQueryParam("uploadId")
            && "2".equals(req.queryParam("partNumber")))) {

      Result r = runThrough(w, proxy, "--method", method, "--multipart-threshold", "5MiB").expectExit(1);

      System.out.println("[" + method + "] " + proxy.stats());
      assertEquals(1, r.count("failed"));
      assertEquals(5, r.count("copied"));
      assertEquals(1, proxy.count(req -> "POST".equals(req.method()) && req.hasQueryParam("uploads")),
          "one multipart upload started");
      assertEquals(2, proxy.count(req -> "PUT".equals(req.method()) && req.hasQueryParam("uploadId")
          && !"2".equals(req.queryParam("partNumber"))), "the other two parts copied");
      assertTrue(proxy.count(req -> "DELETE".equals(req.method()) && req.hasQueryParam("uploadId")) >= 1,
          "the upload is aborted");
      assertEquals(0, proxy.count(req -> "POST".equals(req.method()) && req.hasQueryParam("uploadId")),
          "never completed");
    }
    assertFalse(w.exists(w.production, "avatar/avatar-big.png"), "no object at the target");
    assertTrue(w.s3.client().listMultipartUploads(b -> b.bucket(w.production)).uploads().isEmpty(),
        "no multipart upload left open");
    assertArrayEquals(big, w.bytes(w.legacy, "image/avatar-big.png").orElseThrow(), "the source is in place");
    assertTrue(w.paths().contains("image/avatar-big.png"), "its row is untouched");
    Avatars.assertMoved(w, small);
  }

  private static Result runThrough(AvatarWorld w, FaultyProxy proxy, String... options) {
    Map<String, String> env = w.env();
    env.put("AWS_ENDPOINT_URL", proxy.endpoint().toString());
    return w.runWith(env, w.args(options));
  }
}
