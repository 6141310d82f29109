package dev.avatarmigrate.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.avatarmigrate.config.BucketLocation;
import dev.avatarmigrate.config.CopySettings;
import dev.avatarmigrate.config.DatabaseTarget;
import dev.avatarmigrate.config.Identifier;
import dev.avatarmigrate.config.Method;
import dev.avatarmigrate.config.OnConflict;
import dev.avatarmigrate.config.S3Settings;
import dev.avatarmigrate.config.Settings;
import dev.avatarmigrate.engine.FakeObjectStore.Op;
import dev.avatarmigrate.engine.FakeObjectStore.Operation;
import dev.avatarmigrate.engine.MoveOutcome.Stage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.opentest4j.AssertionFailedError;

/**
 * The whole engine, in both modes, against the in-memory store and table. After every test the shared
 * operation log is checked for the safety order: each source delete follows the commit of its rows, which
 * follows an observation of its copy at the target made after the copy itself.
 */
@Timeout(60) // a guard against a hung pipeline, not a measure of speed
class MigrationTest {
  private static final String SRC = "legacy-s3";
  private static final String DST = "production-s3";
  private static final BucketLocation SOURCE = new BucketLocation(SRC, "image/");
  private static final BucketLocation TARGET = new BucketLocation(DST, "avatar/");
  private static final KeyMapping MAPPING = new KeyMapping(SOURCE, TARGET, "avatar-");

  private final FakeObjectStore store = new FakeObjectStore().createBucket(SRC).createBucket(DST);
  private final FakePathTable table = new FakePathTable(store.log());
  private final Recorder events = new Recorder();
  private final Map<String, byte[]> originals = new HashMap<>();
  private final Random random = new Random(42);

  // ---- fixture -----------------------------------------------------------------------------------

  private static Settings settings(Method method, OnConflict onConflict, boolean dryRun, boolean keepSource) {
    return settings(method, onConflict, dryRun, keepSource, null);
  }

  /** @param sse as {@code --sse} gives it, or null */
  private static Settings settings(Method method, OnConflict onConflict, boolean dryRun, boolean keepSource,
      String sse) {
    return settings(method, onConflict, dryRun, keepSource, sse, 4);
  }

  private static Settings settings(Method method, OnConflict onConflict, boolean dryRun, boolean keepSource,
      String sse, int concurrency) {
    return settings(method, onConflict, dryRun, keepSource, sse, concurrency, 0);
  }

  private static Settings settings(Method method, OnConflict onConflict, boolean dryRun, boolean keepSource,
      String sse, int concurrency, int maxRate) {
    return new Settings(SOURCE, TARGET, DatabaseTarget.parse("update_db", "127.0.0.1", 3306, "root", null), List.of(),
        "avatar-", new Identifier("avatars"), new Identifier("path"), method, concurrency, maxRate, onConflict, dryRun,
        keepSource,
        null, new S3Settings(null, null, null, false, null, null, null, null, null),
        new CopySettings(5L << 30, 512L << 20, null, sse, null, null));
  }

  private static Settings settings(Method method) {
    return settings(method, OnConflict.SKIP, false, false);
  }

  private RunSummary run(Settings settings) {
    return new Migration(settings, store, table, events).run(new StopSignal());
  }

  /** A legacy avatar with random bytes, and one row pointing at it. */
  private String legacy(String name) {
    byte[] bytes = new byte[50 + random.nextInt(200)];
    random.nextBytes(bytes);
    String key = "image/" + name;
    store.put(SRC, key, bytes);
    originals.put(key, bytes);
    table.addRows(key);
    return key;
  }

  private static String target(String sourceKey) {
    return MAPPING.targetKey(sourceKey);
  }

  private String text(String bucket, String key) {
    return new String(store.content(bucket, key).orElseThrow(), StandardCharsets.UTF_8);
  }

  private List<Op> writesMentioning(String... keys) {
    return store.log().writes().stream().filter(o -> o.keys().stream().anyMatch(List.of(keys)::contains)
        || (o.detail() != null && List.of(keys).stream().anyMatch(k -> o.detail().endsWith("/" + k)))).toList();
  }

  /** The object and its rows were moved: byte-identical target, rows rewritten, source gone. */
  private void assertMoved(String sourceKey) {
    assertArrayEquals(originals.get(sourceKey), store.content(DST, target(sourceKey)).orElseThrow(),
        () -> "target of " + sourceKey);
    assertFalse(store.exists(SRC, sourceKey), () -> sourceKey + " should be deleted");
    assertEquals(0, table.count(sourceKey), () -> "rows still at " + sourceKey);
    assertTrue(table.count(target(sourceKey)) > 0, () -> "no row at " + target(sourceKey));
  }

  /** Source and its rows exactly as they were. */
  private void assertUntouched(String sourceKey, long rows) {
    assertArrayEquals(originals.get(sourceKey), store.content(SRC, sourceKey).orElseThrow());
    assertEquals(rows, table.count(sourceKey));
  }

  @AfterEach
  void everyDeleteFollowsTheCommitOfItsRowsWhichFollowsTheVerifiedCopy() {
    assertSafetyOrder(store.log().all());
  }

  static void assertSafetyOrder(List<Op> ops) {
    for (int d = 0; d < ops.size(); d++) {
      Op delete = ops.get(d);
      if (!delete.what().equals("delete") || !delete.ok()) {
        continue;
      }
      if (DST.equals(delete.bucket())) {
        // The one delete at the target: a copy that failed its checksum, which no row may ever point at.
        for (String targetKey : delete.keys()) {
          int commit = lastBefore(ops, d, o -> (o.what().equals("rewrite") || o.what().equals("rewriteJoined"))
              && o.ok() && o.keys().stream().anyMatch(k -> target(k).equals(targetKey)));
          if (commit >= 0) {
            fail("delete of the copy " + targetKey + " whose rows were rewritten:\n" + around(ops, d));
          }
        }
        continue;
      }
      assertEquals(SRC, delete.bucket(), "only sources, and copies that failed verification, are ever deleted");
      for (String key : delete.keys()) {
        String targetKey = target(key);
        int commit = lastBefore(ops, d, o -> (o.what().equals("rewrite") || o.what().equals("rewriteJoined"))
            && o.ok() && o.keys().contains(key));
        if (commit < 0) {
          fail("delete of " + key + " at " + delete + " without a committed row rewrite before it:\n"
              + around(ops, d));
        }
        int copy = lastBefore(ops, commit, o -> o.what().equals("copy") && o.ok() && DST.equals(o.bucket())
            && o.keys().contains(targetKey));
        int observed = lastBefore(ops, commit, o -> DST.equals(o.bucket()) && o.keys().contains(targetKey)
            && (o.what().equals("list") || ((o.what().equals("await") || o.what().equals("head")) && o.ok())));
        if (observed < 0 || observed < copy) {
          fail("rows of " + key + " committed at " + ops.get(commit) + " without observing the copy at "
              + targetKey + " after it was made:\n" + around(ops, commit));
        }
      }
    }
  }

  private static String around(List<Op> ops, int at) {
    StringBuilder b = new StringBuilder();
    for (int i = Math.max(0, at - 12); i <= Math.min(ops.size() - 1, at + 2); i++) {
      String op = ops.get(i).toString();
      b.append("  ").append(op.length() > 200 ? op.substring(0, 200) + "..." : op).append('\n');
    }
    return b.toString();
  }

  private static int lastBefore(List<Op> ops, int end, Predicate<Op> p) {
    for (int i = end - 1; i >= 0; i--) {
      if (p.test(ops.get(i))) {
        return i;
      }
    }
    return -1;
  }

  @Test
  void theSafetyOrderCheckRejectsADeleteBeforeItsRowsOrRowsBeforeTheCopyIsSeen() {
    FakeObjectStore.OperationLog ok = new FakeObjectStore.OperationLog();
    ok.add("copy", DST, List.of("avatar/avatar-1.png"), "ok", SRC + "/image/avatar-1.png");
    ok.add("await", DST, List.of("avatar/avatar-1.png"), "present", null);
    ok.add("rewrite", null, List.of("image/avatar-1.png"), "ok", null);
    ok.add("delete", SRC, List.of("image/avatar-1.png"), "ok", null);
    assertSafetyOrder(ok.all());

    FakeObjectStore.OperationLog deleteFirst = new FakeObjectStore.OperationLog();
    deleteFirst.add("copy", DST, List.of("avatar/avatar-1.png"), "ok", SRC + "/image/avatar-1.png");
    deleteFirst.add("await", DST, List.of("avatar/avatar-1.png"), "present", null);
    deleteFirst.add("delete", SRC, List.of("image/avatar-1.png"), "ok", null);
    deleteFirst.add("rewrite", null, List.of("image/avatar-1.png"), "ok", null);
    assertThrows(AssertionFailedError.class, () -> assertSafetyOrder(deleteFirst.all()));

    FakeObjectStore.OperationLog unseen = new FakeObjectStore.OperationLog();
    unseen.add("await", DST, List.of("avatar/avatar-1.png"), "present", null);
    unseen.add("copy", DST, List.of("avatar/avatar-1.png"), "ok", SRC + "/image/avatar-1.png");
    unseen.add("rewrite", null, List.of("image/avatar-1.png"), "ok", null);
    unseen.add("delete", SRC, List.of("image/avatar-1.png"), "ok", null);
    assertThrows(AssertionFailedError.class, () -> assertSafetyOrder(unseen.all()));
  }

  /** Records what the engine reports; called from several threads. */
  static final class Recorder implements MigrationListener {
    final List<MoveOutcome> outcomes = Collections.synchronizedList(new ArrayList<>());
    final Map<String, Integer> dangling = Collections.synchronizedMap(new LinkedHashMap<>());
    final Map<String, Integer> orphans = Collections.synchronizedMap(new LinkedHashMap<>());
    final List<String> failedOrphans = Collections.synchronizedList(new ArrayList<>());
    final List<String> warnings = Collections.synchronizedList(new ArrayList<>());
    final List<String> notes = Collections.synchronizedList(new ArrayList<>());
    final java.util.concurrent.atomic.AtomicInteger listingsDone = new java.util.concurrent.atomic.AtomicInteger();
    final java.util.concurrent.atomic.AtomicInteger copySteps = new java.util.concurrent.atomic.AtomicInteger();

    @Override
    public void listingDone() {
      listingsDone.incrementAndGet();
    }

    @Override
    public void copyStepDone() {
      copySteps.incrementAndGet();
    }

    @Override
    public void outcome(MoveOutcome outcome) {
      outcomes.add(outcome);
    }

    @Override
    public void dangling(String path, int rows) {
      dangling.put(path, rows);
    }

    @Override
    public void orphanRows(OrphanRows orphan) {
      if (orphan.failed()) {
        failedOrphans.add(orphan.oldPath() + ": " + orphan.failure());
      } else {
        orphans.put(orphan.oldPath() + " -> " + orphan.newPath(), orphan.rows());
      }
    }

    @Override
    public void warning(String message) {
      warnings.add(message);
    }

    @Override
    public void note(String message) {
      notes.add(message);
    }

    MoveOutcome of(String sourceKey) {
      synchronized (outcomes) {
        List<MoveOutcome> found = outcomes.stream().filter(o -> o.source().key().equals(sourceKey)).toList();
        assertEquals(1, found.size(), () -> "outcomes of " + sourceKey + ": " + found);
        return found.get(0);
      }
    }
  }

  // ---- a fresh move and its re-run ---------------------------------------------------------------

  @ParameterizedTest
  @EnumSource(Method.class)
  void movesEveryMatchedObjectByteIdenticalAndRewritesItsRows(Method method) {
    store.pageSize(7); // several listing pages on both sides
    List<String> keys = new ArrayList<>();
    for (int i = 1; i <= 30; i++) {
      keys.add(legacy("avatar-" + i + ".png"));
    }
    store.put(SRC, "image/banner-1.png", "not an avatar");
    store.put(SRC, "image/avatar-folder/", "");
    store.put(SRC, "image/sub/avatar-2.png", "elsewhere");
    store.put(DST, "avatar/avatar-900.png", "already modern");
    table.addRows("image/banner-1.png", "avatar/avatar-900.png", "https://cdn.example.com/a.png");

    RunSummary summary = run(settings(method));

    keys.forEach(this::assertMoved);
    assertEquals(30, summary.matched());
    assertEquals(30, summary.copied());
    assertEquals(30, summary.deleted());
    assertEquals(30, summary.rowsRewritten());
    assertEquals(0, summary.failed() + summary.conflicts() + summary.dangling());
    assertTrue(summary.complete());
    keys.forEach(k -> assertEquals("copied", events.of(k).name()));
    assertEquals(30, events.outcomes.size(), "exactly one outcome per matched object");

    assertEquals("not an avatar", text(SRC, "image/banner-1.png"));
    assertEquals("elsewhere", text(SRC, "image/sub/avatar-2.png"));
    assertTrue(store.exists(SRC, "image/avatar-folder/"));
    assertEquals("already modern", text(DST, "avatar/avatar-900.png"));
    assertEquals(List.of("avatar/avatar-900.png"), store.keys(DST).stream().filter(k -> k.contains("900")).toList());
    assertEquals(1, table.count("image/banner-1.png"));
    assertEquals(1, table.count("avatar/avatar-900.png"));
    assertEquals(1, table.count("https://cdn.example.com/a.png"));
  }

  @ParameterizedTest
  @EnumSource(Method.class)
  void theProgressLineHearsWhenTheListingEndedAndInSyncModeEachCopyStep(Method method) {
    store.pageSize(7);
    for (int i = 1; i <= 30; i++) {
      legacy("avatar-" + i + ".png");
    }
    store.put(SRC, "image/banner-1.png", "not an avatar");

    run(settings(method));

    assertEquals(1, events.listingsDone.get(), "once, when the listing ended");
    assertEquals(method == Method.SYNC ? 30 : 0, events.copySteps.get());
  }

  @ParameterizedTest
  @EnumSource(Method.class)
  void anEmptySourceIsAListingThatEndedAndADryRunCountsNoCopies(Method method) {
    run(settings(method));
    assertEquals(1, events.listingsDone.get());

    legacy("avatar-1.png");
    run(settings(method, OnConflict.SKIP, true, false));
    assertEquals(2, events.listingsDone.get());
    assertEquals(0, events.copySteps.get(), "a dry run copies nothing");
  }

  @ParameterizedTest
  @EnumSource(Method.class)
  void aRunStoppedBeforeItsListingEndedNeverSaysItEnded(Method method) {
    store.pageSize(2);
    for (int i = 1; i <= 10; i++) {
      legacy("avatar-" + i + ".png");
    }
    StopSignal stop = new StopSignal();
    stop.request(); // Ctrl-C as the run starts: the first page is the last one looked at

    new Migration(settings(method), store, table, events).run(stop);

    assertEquals(0, events.listingsDone.get());
  }

  @ParameterizedTest
  @EnumSource(Method.class)
  void rerunAfterCompletionChangesNothingAndIsComplete(Method method) {
    for (int i = 1; i <= 5; i++) {
      legacy("avatar-" + i + ".png");
    }
    assertTrue(run(settings(method)).complete());
    List<String> rows = table.rows();
    List<String> targets = store.keys(DST);
    int mark = store.log().size();

    RunSummary again = run(settings(method));

    assertTrue(again.complete());
    assertEquals(0, again.matched());
    assertEquals(0, again.copied() + again.deleted() + again.rowsRewritten());
    assertTrue(store.log().since(mark).stream().noneMatch(Op::isWrite), () -> "" + store.log().since(mark));
    assertEquals(rows, table.rows());
    assertEquals(targets, store.keys(DST));
  }

  // ---- the target bucket's default encryption ----------------------------------------------------

  @ParameterizedTest
  @EnumSource(Method.class)
  void aTargetBucketEncryptingWithKmsByDefaultGetsCopiesMadeAsWithSseKmsWithoutAskingForIt(Method method) {
    store.defaultEncryption(DST, ObjectStore.DefaultEncryption.KMS);
    String a = legacy("avatar-1.png");
    String b = legacy("avatar-2.png");

    run(settings(method));

    assertMoved(a);
    assertMoved(b);
    assertEquals(2, store.copySettings().size());
    for (CopySettings copy : store.copySettings()) {
      assertTrue(copy.encryptsWithKms(), "copies record the source ETag and are verified by checksum");
      assertNull(copy.sse(), "no SSE header the operator did not ask for: the bucket default applies");
    }
    assertEquals(List.of(), events.warnings);
    assertEquals(1, events.notes.size(), () -> "notes: " + events.notes);
    assertTrue(events.notes.get(0).contains(DST) && events.notes.get(0).contains("SSE-KMS"), events.notes.get(0));
  }

  @ParameterizedTest
  @EnumSource(Method.class)
  void anSseFlagDecidesWhateverTheTargetBucketsDefaultAndItIsNotRead(Method method) {
    store.defaultEncryption(DST, ObjectStore.DefaultEncryption.KMS);
    String key = legacy("avatar-1.png");

    run(settings(method, OnConflict.SKIP, false, false, "AES256"));

    assertMoved(key);
    assertFalse(store.copySettings().get(0).encryptsWithKms());
    assertTrue(store.log().all().stream().noneMatch(o -> o.what().equals("defaultEncryption")));
  }

  @ParameterizedTest
  @EnumSource(Method.class)
  void anUnreadableTargetDefaultEncryptionIsOneWarningNamingThePermissionAndTheMoveGoesOn(Method method) {
    store.defaultEncryption(DST, ObjectStore.DefaultEncryption.DENIED);
    String key = legacy("avatar-1.png");

    RunSummary summary = run(settings(method));

    assertMoved(key);
    assertTrue(summary.complete());
    assertEquals(1, events.warnings.size(), () -> "warnings: " + events.warnings);
    String warning = events.warnings.get(0);
    assertTrue(warning.contains("s3:GetEncryptionConfiguration") && warning.contains("--sse aws:kms")
        && warning.contains(DST), warning);
    assertFalse(warning.contains("\n"), "one line: " + warning);
    assertFalse(store.copySettings().get(0).encryptsWithKms());
  }

  @ParameterizedTest
  @EnumSource(Method.class)
  void aStoreThatDoesNotSayItsDefaultEncryptionMovesAsTheFlagsSayWithoutAWord(Method method) {
    store.defaultEncryption(DST, ObjectStore.DefaultEncryption.UNKNOWN);
    String key = legacy("avatar-1.png");

    run(settings(method));

    assertMoved(key);
    assertEquals(List.of(), events.warnings);
    assertFalse(store.copySettings().get(0).encryptsWithKms());
  }

  // ---- what is already at the target -------------------------------------------------------------

  @ParameterizedTest
  @EnumSource(Method.class)
  void anIdenticalObjectAtTheTargetIsAlreadyPresentAndTheMoveCompletes(Method method) {
    String key = legacy("avatar-1.png");
    store.put(DST, target(key), originals.get(key));

    RunSummary summary = run(settings(method));

    assertMoved(key);
    assertEquals("already_present", events.of(key).name());
    assertEquals(1, summary.alreadyPresent());
    assertEquals(0, summary.copied());
    assertEquals(1, summary.deleted());
    assertTrue(store.log().all().stream().noneMatch(o -> o.what().equals("copy")));
    assertTrue(summary.complete());
  }

  @ParameterizedTest
  @EnumSource(Method.class)
  void aDifferentObjectAtTheTargetIsAConflictAndNothingOfItIsTouched(Method method) {
    String key = legacy("avatar-1.png");
    String other = legacy("avatar-2.png");
    store.put(DST, target(key), "a newer production avatar");

    RunSummary summary = run(settings(method));

    MoveOutcome.Conflict conflict = assertInstanceOf(MoveOutcome.Conflict.class, events.of(key));
    assertEquals(store.stat(DST, target(key)), conflict.existing());
    assertEquals("a newer production avatar", text(DST, target(key)));
    assertUntouched(key, 1);
    assertEquals(0, table.count(target(key)));
    assertEquals(List.of(), writesMentioning(key, target(key)));
    assertMoved(other);
    assertEquals(1, summary.conflicts());
    assertFalse(summary.complete());
  }

  @ParameterizedTest
  @EnumSource(Method.class)
  void overwriteReplacesADifferentObjectAtTheTarget(Method method) {
    String key = legacy("avatar-1.png");
    store.put(DST, target(key), "stale copy");

    RunSummary summary = run(settings(method, OnConflict.OVERWRITE, false, false));

    assertMoved(key);
    assertEquals("copied", events.of(key).name());
    assertEquals(0, summary.conflicts());
    assertTrue(summary.complete());
  }

  // ---- rows left behind --------------------------------------------------------------------------

  @ParameterizedTest
  @EnumSource(Method.class)
  void aRowWhoseObjectIsInNeitherBucketIsReportedDanglingAndLeftAlone(Method method) {
    table.addRows("image/avatar-ghost.png", "image/avatar-ghost.png");
    String key = legacy("avatar-1.png");

    RunSummary summary = run(settings(method));

    assertMoved(key);
    assertEquals(Map.of("image/avatar-ghost.png", 2), events.dangling);
    assertEquals(2, table.count("image/avatar-ghost.png"));
    assertEquals(1, summary.dangling());
    assertFalse(summary.complete());
  }

  @ParameterizedTest
  @EnumSource(Method.class)
  void aDryRunFindsWhereEachRowsObjectIsByListingNotWithAHeadPerRow(Method method) {
    for (int i = 0; i < 1200; i++) {
      legacy("avatar-" + i + ".png");
    }
    table.addRows("image/avatar-5ghost.png", "image/avatar-7.png.old");
    store.put(DST, "avatar/avatar-7.png.old", "moved by an earlier, killed run");

    RunSummary summary = run(settings(method, OnConflict.SKIP, true, false));

    assertEquals(List.of(), store.log().all().stream().filter(op -> op.what().equals("head")).toList());
    assertEquals(Map.of("image/avatar-5ghost.png", 1), events.dangling);
    assertEquals(1200, summary.wouldCopy());
    assertEquals(1201, summary.rowsToRewrite(), "1,200 moves and the orphan row the sweep would fix");
  }

  @ParameterizedTest
  @EnumSource(Method.class)
  void aRowWhoseObjectAlreadyMovedIsRewrittenToTheTarget(Method method) {
    table.addRows("image/avatar-7.png");
    store.put(DST, "avatar/avatar-7.png", "moved by an earlier, killed run");

    RunSummary summary = run(settings(method));

    assertEquals(0, table.count("image/avatar-7.png"));
    assertEquals(1, table.count("avatar/avatar-7.png"));
    assertEquals(Map.of("image/avatar-7.png -> avatar/avatar-7.png", 1), events.orphans);
    assertEquals(1, summary.rowsRewritten());
    assertTrue(summary.complete());
  }

  @ParameterizedTest
  @EnumSource(Method.class)
  void aRowWhoseObjectAlreadyMovedButWhosePathTheColumnCannotHoldFailsAndTheRunGoesOn(Method method) {
    table.maxPathLength(24).addRows("image/avatar-1234567.png", "image/avatar-8.png");
    store.put(DST, "avatar/avatar-1234567.png", "moved by hand");
    legacy("avatar-1.png");

    RunSummary summary = run(settings(method));

    assertEquals(1, events.failedOrphans.size(), events.failedOrphans::toString);
    assertTrue(events.failedOrphans.get(0).contains("longer than the column allows"), events.failedOrphans::toString);
    assertEquals(1, table.count("image/avatar-1234567.png"));
    assertEquals(Map.of("image/avatar-8.png", 1), events.dangling, "the sweep went on past the failed row");
    assertEquals(1, summary.copied());
    assertEquals(1, summary.failed());
    assertFalse(summary.complete());
  }

  @Test
  void theSweepGoesOnPastAWholePageOfRowsThatACaseInsensitiveCollationMatchedButThatAreNotLegacyPaths() {
    for (int i = 0; i < 600; i++) {
      table.addRows("IMAGE/avatar-a" + i + ".png"); // not ours: another prefix, but LIKE 'image/%' matches it
    }
    table.addRows("image/avatar-zz-gone.png");

    run(settings(Method.OBJECT));

    assertEquals(Map.of("image/avatar-zz-gone.png", 1), events.dangling);
    assertEquals(600, table.rows().stream().filter(p -> p.startsWith("IMAGE/")).count());
  }

  @Test
  void theSweepDoesNotSkipALegacyPathThatACaseInsensitiveCollationEqualsToTheLastRowOfAPage() {
    // 499 legacy rows, then IMAGE/… and image/… of the same name: the page of 500 ends on the IMAGE/ row, and
    // "path > 'IMAGE/avatar-zzz.png'" under the collation would skip the image/ row too.
    for (int i = 0; i < 499; i++) {
      String name = String.format(java.util.Locale.ROOT, "avatar-a%03d.png", i);
      table.addRows("image/" + name);
      store.put(DST, "avatar/" + name, "moved by an earlier, killed run");
    }
    table.addRows("IMAGE/avatar-zzz.png", "image/avatar-zzz.png");
    store.put(DST, "avatar/avatar-zzz.png", "moved by an earlier, killed run");

    RunSummary summary = run(settings(Method.OBJECT));

    assertEquals(500, summary.rowsRewritten());
    assertEquals(1, table.count("IMAGE/avatar-zzz.png"));
    assertEquals(0, table.rows().stream().filter(p -> p.startsWith("image/")).count());
  }

  @ParameterizedTest
  @EnumSource(Method.class)
  void aListenerThatThrowsStopsTheRunWithItsErrorInsteadOfLeavingItHanging(Method method) {
    // One copy worker, and an error well after the listing has filled the work queue: in object mode the
    // worker, killed by it, used to leave the listing blocked on the full queue for ever.
    for (int i = 0; i < 6000; i++) {
      store.put(DST, target(legacy("avatar-" + i + ".png")), "a different object");
    }
    IllegalStateException broken = new IllegalStateException("the report cannot be written");
    AtomicInteger outcomes = new AtomicInteger();
    MigrationListener throwing = new MigrationListener() {
      @Override
      public void outcome(MoveOutcome outcome) {
        if (outcomes.incrementAndGet() >= 2500) {
          throw broken;
        }
      }
    };

    RuntimeException thrown = assertThrows(RuntimeException.class,
        () -> new Migration(settings(method, OnConflict.SKIP, false, false, null, 1), store, table, throwing)
            .run(new StopSignal()));

    assertSame(broken, thrown);
    assertEquals(6000, table.rows().stream().filter(p -> p.startsWith("image/")).count(), "rows untouched");
  }

  @Test
  void aDryRunCountsTheRowsOfAnObjectAlreadyMovedAsRowsToRewrite() {
    table.addRows("image/avatar-7.png");
    store.put(DST, "avatar/avatar-7.png", "moved by an earlier, killed run");
    List<OrphanRows> seen = Collections.synchronizedList(new ArrayList<>());

    RunSummary summary = new Migration(settings(Method.OBJECT, OnConflict.SKIP, true, false), store, table,
        new MigrationListener() {
          @Override
          public void orphanRows(OrphanRows orphan) {
            seen.add(orphan);
          }
        }).run(new StopSignal());

    assertEquals(List.of(new OrphanRows("image/avatar-7.png", "avatar/avatar-7.png", 1, true, null)), seen);
    assertEquals(1, table.count("image/avatar-7.png"));
    assertEquals(1, summary.rowsToRewrite());
    assertEquals(0, summary.rowsRewritten());
  }

  // ---- modes that write less ---------------------------------------------------------------------

  @ParameterizedTest
  @EnumSource(Method.class)
  void aDryRunWritesNothingAnywhereButReportsThePlan(Method method) {
    String fresh1 = legacy("avatar-1.png");
    table.addRows(fresh1); // two rows share this path
    legacy("avatar-2.png");
    legacy("avatar-3.png");
    String present = legacy("avatar-4.png");
    store.put(DST, target(present), originals.get(present));
    String conflicting = legacy("avatar-5.png");
    store.put(DST, target(conflicting), "different");
    table.addRows("image/avatar-6.png");
    store.put(DST, "avatar/avatar-6.png", "orphan's object");
    List<String> rows = table.rows();
    List<String> sources = store.keys(SRC);
    List<String> targets = store.keys(DST);

    RunSummary summary = run(settings(method, OnConflict.SKIP, true, false));

    assertEquals(List.of(), store.log().writes());
    assertEquals(rows, table.rows());
    assertEquals(sources, store.keys(SRC));
    assertEquals(targets, store.keys(DST));
    assertTrue(summary.dryRun());
    assertEquals(3, summary.wouldCopy());
    assertEquals(1, summary.alreadyPresent());
    // 2 + 1 + 1 for the copies, 1 for the one already present, 1 for the orphan row the sweep would fix
    assertEquals(6, summary.rowsToRewrite());
    assertEquals(0, summary.rowsRewritten());
    assertEquals(1, summary.conflicts());
    assertEquals(0, summary.copied() + summary.deleted());
    assertEquals("would_copy", events.of(fresh1).name());
    assertEquals(2, ((MoveOutcome.Planned) events.of(fresh1)).rowsToRewrite());
    assertEquals("would_keep_copy", events.of(present).name());
  }

  @ParameterizedTest
  @EnumSource(Method.class)
  void keepSourceRewritesRowsAndLeavesTheLegacyObjects(Method method) {
    String a = legacy("avatar-1.png");
    String b = legacy("avatar-2.png");

    RunSummary summary = run(settings(method, OnConflict.SKIP, false, true));

    for (String key : List.of(a, b)) {
      assertArrayEquals(originals.get(key), store.content(DST, target(key)).orElseThrow());
      assertArrayEquals(originals.get(key), store.content(SRC, key).orElseThrow());
      assertEquals(1, table.count(target(key)));
      assertFalse(assertInstanceOf(MoveOutcome.Moved.class, events.of(key)).sourceDeleted());
    }
    assertEquals(0, summary.deleted());
    assertEquals(2, summary.rowsRewritten());
    assertTrue(summary.complete());
    assertTrue(store.log().all().stream().noneMatch(o -> o.what().equals("delete")));

    int mark = store.log().size();
    RunSummary again = run(settings(method, OnConflict.SKIP, false, true));
    assertTrue(again.complete());
    assertEquals(2, again.alreadyPresent());
    assertTrue(store.log().since(mark).stream().noneMatch(o -> o.what().equals("copy") || o.what().equals("delete")));
  }

  // ---- failures never lead to a delete -----------------------------------------------------------

  @ParameterizedTest
  @EnumSource(Method.class)
  void aCopyWhoseVerificationMismatchesIsNeverDeleted(Method method) {
    String bad = legacy("avatar-1.png");
    String good = legacy("avatar-2.png");
    store.corruptCopiesOf(bad);

    RunSummary summary = run(settings(method));

    MoveOutcome.Failed failed = assertInstanceOf(MoveOutcome.Failed.class, events.of(bad));
    assertEquals(Stage.VERIFY, failed.stage());
    assertUntouched(bad, 1);
    assertTrue(store.log().all().stream().noneMatch(o -> o.what().equals("delete") && o.keys().contains(bad)));
    assertTrue(store.log().all().stream().noneMatch(o -> o.what().startsWith("rewrite") && o.keys().contains(bad)));
    assertMoved(good);
    assertEquals(1, summary.failed());
    assertFalse(summary.complete());
  }

  @ParameterizedTest
  @EnumSource(Method.class)
  void aCopyWhoseChecksumDiffersFromTheSourcesFailsAndNothingOfItIsDeletedOrRewritten(Method method) {
    // Size and ETag agree (the ETag is the copy's own, as for a multipart copy): only the checksum can tell.
    String bad = "image/avatar-1.png";
    store.putWithChecksum(SRC, bad, "png bytes of avatar 1");
    originals.put(bad, "png bytes of avatar 1".getBytes(StandardCharsets.UTF_8));
    table.addRows(bad);
    String good = "image/avatar-2.png";
    store.putWithChecksum(SRC, good, "png bytes of avatar 2");
    originals.put(good, "png bytes of avatar 2".getBytes(StandardCharsets.UTF_8));
    table.addRows(good);
    store.corruptCopiesKeepingEtagOf(bad);

    RunSummary summary = run(settings(method));

    MoveOutcome.Failed failed = assertInstanceOf(MoveOutcome.Failed.class, events.of(bad));
    assertEquals(Stage.VERIFY, failed.stage());
    assertTrue(failed.reason().contains("checksum differs from the source's (SHA256 "), failed.reason());
    assertUntouched(bad, 1);
    assertTrue(store.log().all().stream().noneMatch(o -> o.what().equals("delete") && o.keys().contains(bad)));
    assertTrue(store.log().all().stream().noneMatch(o -> o.what().startsWith("rewrite") && o.keys().contains(bad)));
    assertMoved(good);
    assertEquals(1, summary.failed());
  }

  @ParameterizedTest
  @EnumSource(Method.class)
  void aFailingRowRewriteNeverLeadsToADelete(Method method) {
    String stuck = legacy("avatar-1.png");
    for (int i = 2; i <= 6; i++) {
      legacy("avatar-" + i + ".png");
    }
    table.failRewritesOf(stuck);

    RunSummary summary = run(settings(method));

    MoveOutcome.Failed failed = assertInstanceOf(MoveOutcome.Failed.class, events.of(stuck));
    assertEquals(Stage.ROWS, failed.stage());
    assertUntouched(stuck, 1);
    assertArrayEquals(originals.get(stuck), store.content(DST, target(stuck)).orElseThrow(),
        "the verified copy stays for the re-run");
    assertTrue(store.log().all().stream().noneMatch(o -> o.what().equals("delete") && o.keys().contains(stuck)));
    assertTrue(summary.failed() >= 1);
    assertFalse(summary.complete());
    // The others either moved completely or, sharing the failed transaction, kept source and rows.
    for (int i = 2; i <= 6; i++) {
      String key = "image/avatar-" + i + ".png";
      if (store.exists(SRC, key)) {
        assertUntouched(key, 1);
      } else {
        assertMoved(key);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Method.class)
  void aDeleteFailureIsReportedForThatKeyAndARerunFinishesIt(Method method) {
    String stuck = legacy("avatar-1.png");
    String other = legacy("avatar-2.png");
    store.failTimes(Operation.DELETE, stuck, StoreFailure.Kind.REJECTED, 1);

    RunSummary summary = run(settings(method));

    MoveOutcome.Failed failed = assertInstanceOf(MoveOutcome.Failed.class, events.of(stuck));
    assertEquals(Stage.DELETE, failed.stage());
    assertTrue(store.exists(SRC, stuck));
    assertEquals(1, table.count(target(stuck)), "rows were rewritten before the delete was tried");
    assertMoved(other);
    assertEquals(1, summary.failed());
    assertEquals(1, summary.deleted());
    // What was done is counted: both copies were made and both rows rewritten, though one source stays.
    assertTrue(failed.copyMade());
    assertEquals(1, failed.rowsRewritten());
    assertEquals(2, summary.copied());
    assertEquals(2, summary.rowsRewritten());
    assertFalse(summary.complete());

    RunSummary again = run(settings(method));
    assertTrue(again.complete());
    assertEquals(1, again.alreadyPresent());
    assertEquals(0, again.copied());
    assertMoved(stuck);
  }

  // ---- sources that change, paths that do not fit ------------------------------------------------

  @ParameterizedTest
  @EnumSource(Method.class)
  void aSourceChangedSinceListingIsReReadAndCopiedAgain(Method method) {
    String key = legacy("avatar-1.png");
    store.changeAfterListing(SRC, key, "re-uploaded while the run listed");

    RunSummary summary = run(settings(method));

    assertEquals("re-uploaded while the run listed", text(DST, target(key)));
    assertFalse(store.exists(SRC, key));
    assertEquals(1, table.count(target(key)));
    List<String> copies = store.log().all().stream().filter(o -> o.what().equals("copy")).map(Op::outcome).toList();
    assertEquals(List.of("failed CHANGED", "ok"), copies);
    assertTrue(summary.complete());
  }

  @ParameterizedTest
  @EnumSource(Method.class)
  void aSourceRewrittenAfterItsCopyIsKeptNotDeletedAndARerunReportsAConflict(Method method) {
    String key = legacy("avatar-1.png");
    String other = legacy("avatar-2.png");
    store.changeAfterCopy(SRC, key, "re-uploaded after the copy");

    RunSummary summary = run(settings(method));

    MoveOutcome.Failed failed = assertInstanceOf(MoveOutcome.Failed.class, events.of(key));
    assertEquals(Stage.DELETE, failed.stage());
    assertTrue(failed.reason().contains("rewritten after its copy was made"), failed.reason());
    assertEquals("re-uploaded after the copy", text(SRC, key), "the new upload is not deleted unseen");
    assertArrayEquals(originals.get(key), store.content(DST, target(key)).orElseThrow());
    assertEquals(1, table.count(target(key)), "the rows point at the copy, which exists");
    assertMoved(other);
    assertEquals(1, summary.failed());
    assertFalse(summary.complete());

    RunSummary again = run(settings(method));
    assertEquals("re-uploaded after the copy", text(SRC, key));
    assertEquals(1, again.conflicts());
  }

  @ParameterizedTest
  @EnumSource(Method.class)
  void aTargetPathLongerThanTheColumnFailsThatObjectWithoutTouchingRows(Method method) {
    table.maxPathLength("avatar/avatar-1.png".length());
    String fits = legacy("avatar-1.png");
    String tooLong = legacy("avatar-12.png");

    RunSummary summary = run(settings(method));

    MoveOutcome.Failed failed = assertInstanceOf(MoveOutcome.Failed.class, events.of(tooLong));
    assertEquals(Stage.COPY, failed.stage());
    assertTrue(failed.reason().contains("longer than the column"), failed.reason());
    assertTrue(store.log().all().stream().noneMatch(o -> o.what().equals("copy") && o.keys().contains(target(tooLong))));
    assertUntouched(tooLong, 1);
    assertEquals(0, table.count(target(tooLong)));
    assertTrue(store.log().all().stream().noneMatch(o -> o.what().startsWith("rewrite") && o.keys().contains(tooLong)));
    assertMoved(fits);
    assertEquals(1, summary.failed());
  }

  // ---- --max-rate ---------------------------------------------------------------------------------

  @ParameterizedTest
  @EnumSource(Method.class)
  void maxRateStartsTheObjectsOneIntervalApartAndSaysHowLongItWaited(Method method) {
    List<String> keys = new ArrayList<>();
    for (int i = 1; i <= 30; i++) {
      keys.add(legacy("avatar-" + i + ".png"));
    }
    VirtualClock clock = new VirtualClock();

    RunSummary summary = new Migration(settings(method, OnConflict.SKIP, false, false, null, 4, 10), store, table,
        Replicas.NONE, events, clock).run(new StopSignal());

    keys.forEach(this::assertMoved);
    assertTrue(summary.complete());
    // The first object starts at once, each of the other 29 a tenth of a second after the one before.
    assertEquals(29 * 100_000_000L, clock.now());
    assertTrue(events.notes.contains("--max-rate 10: waited 2.9 s in all to keep to 10 objects a second"),
        () -> events.notes.toString());
  }

  @ParameterizedTest
  @EnumSource(Method.class)
  void aStopWhileWaitingForThePaceStartsNoFurtherObjectAndTheStartedOnesFinish(Method method) {
    List<String> keys = new ArrayList<>();
    for (int i = 1; i <= 30; i++) {
      keys.add(legacy(String.format("avatar-%02d.png", i))); // listed in this order
    }
    StopSignal stop = new StopSignal();
    VirtualClock clock = new VirtualClock();
    clock.stopAt(450_000_000L, stop); // while waiting for the sixth object's turn

    RunSummary summary = new Migration(settings(method, OnConflict.SKIP, false, false, null, 4, 10), store, table,
        Replicas.NONE, events, clock).run(stop);

    assertTrue(summary.interrupted());
    // Five were handed out before the stop; a worker that sees the stop before taking one leaves it untouched.
    assertTrue(summary.copied() <= 5, () -> "copied " + summary.copied());
    assertEquals(summary.copied(), summary.deleted());
    for (String k : keys.subList(0, 5)) {
      if (store.exists(SRC, k)) {
        assertUntouched(k, 1);
      } else {
        assertMoved(k);
      }
    }
    keys.subList(5, 30).forEach(k -> assertUntouched(k, 1));
  }

  @ParameterizedTest
  @EnumSource(Method.class)
  void aDryRunIsNotHeldToTheMaxRate(Method method) {
    for (int i = 1; i <= 30; i++) {
      legacy("avatar-" + i + ".png");
    }
    VirtualClock clock = new VirtualClock();

    RunSummary summary = new Migration(settings(method, OnConflict.SKIP, true, false, null, 4, 10), store, table,
        Replicas.NONE, events, clock).run(new StopSignal());

    assertEquals(30, summary.wouldCopy());
    assertEquals(0, clock.now());
    assertEquals(List.of(), store.log().writes());
  }

  // ---- --replica ----------------------------------------------------------------------------------

  /**
   * A replica that shows the old paths until the virtual clock reaches {@code caughtUpAt}; each answer that shows
   * none of the asked paths goes into the shared log, so the safety check can tell a delete came after it.
   */
  private FakeReplicas laggingReplica(VirtualClock clock, long caughtUpAt) {
    return new FakeReplicas((paths, position) -> {
      assertTrue(position != null && position.startsWith("0-1-"), "the primary's position is passed on");
      if (clock.now() >= caughtUpAt) {
        store.log().add("replica-shows-rewritten", SRC, List.copyOf(paths), "ok", null);
        return Map.of();
      }
      Map<String, String> shown = new LinkedHashMap<>();
      paths.forEach(p -> shown.put(p, "replica-1"));
      return shown;
    });
  }

  private RunSummary runWithReplica(Settings settings, FakeReplicas replica, VirtualClock clock, StopSignal stop) {
    return new Migration(settings, store, table, replica, events, clock).run(stop);
  }

  /** Every source delete came after the replica showed that source's rows rewritten. */
  private void assertDeletesFollowedTheReplica() {
    List<Op> ops = store.log().all();
    for (int d = 0; d < ops.size(); d++) {
      Op delete = ops.get(d);
      if (delete.what().equals("delete") && SRC.equals(delete.bucket())) {
        for (String key : delete.keys()) {
          int shown = lastBefore(ops, d, o -> o.what().equals("replica-shows-rewritten") && o.keys().contains(key));
          assertTrue(shown >= 0, () -> "delete of " + key + " before the replica showed its rows rewritten");
        }
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Method.class)
  void sourcesAreDeletedOnlyOnceTheReplicaShowsTheirRowsRewritten(Method method) {
    List<String> keys = new ArrayList<>();
    for (int i = 1; i <= 30; i++) {
      keys.add(legacy(String.format("avatar-%02d.png", i)));
    }
    VirtualClock clock = new VirtualClock();
    FakeReplicas replica = laggingReplica(clock, 3_000_000_000L);

    RunSummary summary = runWithReplica(settings(method), replica, clock, new StopSignal());

    keys.forEach(this::assertMoved);
    assertTrue(summary.complete());
    assertTrue(clock.now() >= 3_000_000_000L, "the deletes waited for the replica");
    assertDeletesFollowedTheReplica();
  }

  @ParameterizedTest
  @EnumSource(Method.class)
  void aReplicaStillBehindAfterTheLimitKeepsItsSourcesAndARerunDeletesThemOnceItCaughtUp(Method method) {
    List<String> keys = new ArrayList<>();
    for (int i = 1; i <= 12; i++) {
      keys.add(legacy(String.format("avatar-%02d.png", i)));
    }
    VirtualClock clock = new VirtualClock();
    FakeReplicas replica = laggingReplica(clock, Long.MAX_VALUE);

    PreflightException stopped = assertThrows(PreflightException.class,
        () -> runWithReplica(settings(method), replica, clock, new StopSignal()));

    assertTrue(stopped.getMessage().startsWith("replica replica-1 has not shown "), stopped.getMessage());
    assertTrue(stopped.getMessage().contains("after 10 minutes"), stopped.getMessage());
    assertTrue(clock.now() < 2 * ReplicaWait.LIMIT, "one batch waited the limit, not every batch");
    int heldBack = 0;
    for (String k : keys) {
      assertTrue(store.exists(SRC, k), "kept: " + k);
      if (store.exists(DST, target(k)) && table.count(k) == 0) {
        assertTrue(events.of(k).toString().contains("replica replica-1 had not shown them"),
            () -> events.of(k).toString());
        heldBack++;
      }
    }
    assertTrue(heldBack > 0, "the batch that waited the limit kept its sources with the replica named");
    assertTrue(events.warnings.stream().anyMatch(w -> w.startsWith("replica replica-1 has not shown ")),
        () -> events.warnings.toString());

    // The replica has caught up.
    RunSummary second = runWithReplica(settings(method), laggingReplica(clock, 0), clock, new StopSignal());

    assertTrue(second.complete());
    assertEquals(12, second.deleted());
    keys.forEach(k -> assertFalse(store.exists(SRC, k)));
    assertDeletesFollowedTheReplica();
  }

  @ParameterizedTest
  @EnumSource(Method.class)
  void aStopWhileWaitingForTheReplicaKeepsTheSources(Method method) {
    List<String> keys = new ArrayList<>();
    for (int i = 1; i <= 5; i++) {
      keys.add(legacy(String.format("avatar-%02d.png", i)));
    }
    StopSignal stop = new StopSignal();
    VirtualClock clock = new VirtualClock();
    clock.stopAt(20_000_000_000L, stop);
    FakeReplicas replica = laggingReplica(clock, Long.MAX_VALUE);

    RunSummary summary = runWithReplica(settings(method), replica, clock, stop);

    assertTrue(summary.interrupted());
    assertEquals(0, summary.deleted());
    keys.forEach(k -> assertTrue(store.exists(SRC, k)));
    assertTrue(clock.now() < ReplicaWait.LIMIT, "the wait ended with the stop, not the limit");
  }

  @ParameterizedTest
  @EnumSource(Method.class)
  void withKeepSourceOrADryRunTheReplicaIsNeverAsked(Method method) {
    legacy("avatar-01.png");
    VirtualClock clock = new VirtualClock();
    FakeReplicas replica = laggingReplica(clock, Long.MAX_VALUE);

    assertTrue(runWithReplica(settings(method, OnConflict.SKIP, false, true), replica, clock, new StopSignal())
        .complete());
    runWithReplica(settings(method, OnConflict.SKIP, true, false), replica, clock, new StopSignal());

    assertEquals(0, replica.asked());
  }

  // ---- scale and ordering ------------------------------------------------------------------------

  @ParameterizedTest
  @EnumSource(Method.class)
  void movesThousandsOfObjectsAcrossChunksDeletingAtMostOneThousandPerRequest(Method method) {
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < 2345; i++) {
      String key = "image/avatar-" + i + ".png";
      store.put(SRC, key, "png " + i);
      table.addRows(key);
      keys.add(key);
    }
    store.put(DST, "avatar/avatar-1500.png", "png 1500"); // identical, in the second chunk

    RunSummary summary = run(settings(method));

    assertTrue(summary.complete(), summary::toString);
    assertEquals(2345, summary.deleted());
    assertEquals(2344, summary.copied());
    assertEquals(1, summary.alreadyPresent());
    assertEquals(List.of(), store.keys(SRC));
    for (String key : keys) {
      assertEquals("png " + key.substring("image/avatar-".length(), key.length() - 4), text(DST, target(key)));
      assertEquals(1, table.count(target(key)));
    }
    store.log().all().stream().filter(o -> o.what().equals("delete"))
        .forEach(o -> assertTrue(o.keys().size() <= 1000, o.keys().size() + " keys in one request"));
    // What the target holds comes from listing it alongside the source, not from a HEAD per object.
    assertEquals(0, store.log().all().stream().filter(o -> o.what().equals("head") && o.bucket().equals(DST)).count());
    long targetListings = store.log().all().stream().filter(o -> o.what().equals("list") && o.bucket().equals(DST)).count();
    // A few per chunk (before and after its copies, per first character of its keys), not one per object.
    assertTrue(targetListings <= 30, targetListings + " target listings for 3 pages of sources");
  }

  @ParameterizedTest
  @EnumSource(Method.class)
  void seesTargetObjectsWhoseKeysLieBeyondTheBasicPlane(Method method) {
    // In UTF-16 order the emoji (a surrogate pair) sorts before U+FF61, in S3's order after it; a target
    // range listed with the wrong order would miss both objects and overwrite them.
    String halfwidth = legacy("avatar-\uFF61.png");
    String emoji = legacy("avatar-\uD83D\uDE00.png");
    store.put(DST, target(halfwidth), "production halfwidth");
    store.put(DST, target(emoji), "production emoji");

    RunSummary summary = run(settings(method));

    assertEquals(2, summary.conflicts(), () -> "outcomes: " + events.outcomes);
    assertEquals("production halfwidth", text(DST, target(halfwidth)));
    assertEquals("production emoji", text(DST, target(emoji)));
    assertUntouched(halfwidth, 1);
    assertUntouched(emoji, 1);
  }

  // ---- runs that cannot go on --------------------------------------------------------------------

  @ParameterizedTest
  @EnumSource(Method.class)
  void aListingThatFailsFatallyStopsTheRunAsAPreflightFailure(Method method) {
    legacy("avatar-1.png");
    store.failListing(SRC, StoreFailure.Kind.FATAL);

    assertThrows(PreflightException.class, () -> run(settings(method)));
    assertEquals(List.of(), store.log().writes());
  }

  @ParameterizedTest
  @EnumSource(Method.class)
  void aFatalCopyFailureStopsTheRunAsAPreflightFailure(Method method) {
    String key = legacy("avatar-1.png");
    store.fail(Operation.COPY, key, StoreFailure.Kind.FATAL);

    assertThrows(PreflightException.class, () -> run(settings(method)));
    assertUntouched(key, 1);
  }

  @ParameterizedTest
  @EnumSource(Method.class)
  void aMissingBucketStopsTheRunBeforeAnyWrite(Method method) {
    FakeObjectStore noTarget = new FakeObjectStore(store.log()).createBucket(SRC).put(SRC, "image/avatar-1.png", "x");
    Migration migration = new Migration(settings(method), noTarget, table, events);
    assertThrows(PreflightException.class, () -> migration.run(new StopSignal()));
    assertEquals(List.of(), store.log().writes());
    assertTrue(noTarget.exists(SRC, "image/avatar-1.png"));
  }

  @ParameterizedTest
  @EnumSource(Method.class)
  void thePreflightChecksEachBucketUnderThePrefixTheRunLists(Method method) {
    legacy("avatar-1.png");
    run(settings(method));
    List<String> checked = store.log().all().stream().filter(op -> op.what().equals("describeBucket"))
        .map(op -> op.bucket() + "/" + op.detail()).toList();
    // The source's listing is checked by its first page (the run's own listing), not by a listing of its own.
    assertEquals(List.of(SRC + "/null", DST + "/avatar/avatar-"), checked);
    String firstSourceListing = store.log().all().stream()
        .filter(op -> op.what().equals("list") && op.bucket().equals(SRC)).map(op -> op.detail()).findFirst().get();
    assertEquals("image/avatar-", firstSourceListing);
  }

  @ParameterizedTest
  @EnumSource(Method.class)
  void aSourceThatCannotBeListedStopsTheRunInThePreflightBeforeTheTableIsLocked(Method method) {
    legacy("avatar-1.png");
    store.failListing(SRC, StoreFailure.Kind.FATAL);

    PreflightException e = assertThrows(PreflightException.class, () -> run(settings(method)));
    assertTrue(e.getMessage().contains("injected"), e.getMessage());
    assertTrue(store.log().all().stream().noneMatch(op -> op.what().equals("lockRun")),
        "the run lock is taken only after the buckets pass");
    assertEquals(List.of(), store.log().writes());
  }

  @ParameterizedTest
  @EnumSource(Method.class)
  void anotherRunHoldingTheLockStopsThisOneBeforeAnyWrite(Method method) {
    String key = legacy("avatar-1.png");
    table.lockHeldElsewhere();

    assertThrows(PreflightException.class, () -> run(settings(method)));
    assertEquals(List.of(), store.log().writes());
    assertUntouched(key, 1);
  }

  @ParameterizedTest
  @EnumSource(Method.class)
  void aStopRequestedBeforeTheStartMovesNothingAndReportsInterrupted(Method method) {
    String key = legacy("avatar-1.png");
    StopSignal stop = new StopSignal();
    stop.request();

    RunSummary summary = new Migration(settings(method), store, table, events).run(stop);

    assertTrue(summary.interrupted());
    assertFalse(summary.complete());
    assertEquals(List.of(), store.log().writes());
    assertUntouched(key, 1);
  }

  @Test
  void aSourceAtTheBucketsRootThatMatchesNothingSaysWhatABareBucketNameMeans() {
    store.put(SRC, "image/avatar-1.png", "png");
    Settings atRoot = new Settings(new BucketLocation(SRC, ""), TARGET,
        DatabaseTarget.parse("update_db", "127.0.0.1", 3306, "root", null), List.of(), "avatar-",
        new Identifier("avatars"), new Identifier("path"), Method.OBJECT, 4, 0, OnConflict.SKIP, false, false, null,
        new S3Settings(null, null, null, false, null, null, null, null, null),
        new CopySettings(5L << 30, 512L << 20, null, null, null, null));

    RunSummary summary = run(atRoot);

    assertEquals(0, summary.matched());
    assertEquals(1, events.warnings.size(), events.warnings::toString);
    assertTrue(events.warnings.get(0).contains("s3://" + SRC + " names the bucket's root"), events.warnings.get(0));
    run(settings(Method.OBJECT));
    assertEquals(1, events.warnings.size(), "not said where the prefix is the default one");
    run(atRoot);
    assertEquals(1, events.warnings.size(), "nor once everything under image/ has moved: a re-run finds nothing");
  }
}
