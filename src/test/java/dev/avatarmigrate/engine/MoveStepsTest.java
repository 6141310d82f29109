package dev.avatarmigrate.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.avatarmigrate.config.BucketLocation;
import dev.avatarmigrate.config.CopySettings;
import dev.avatarmigrate.config.OnConflict;
import dev.avatarmigrate.engine.FakeObjectStore.Op;
import dev.avatarmigrate.engine.FakeObjectStore.Operation;
import dev.avatarmigrate.engine.MoveOutcome.Stage;
import dev.avatarmigrate.engine.MoveSteps.CommittedRows;
import dev.avatarmigrate.engine.MoveSteps.Copied;
import dev.avatarmigrate.engine.MoveSteps.Step;
import dev.avatarmigrate.engine.MoveSteps.VerifiedCopy;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.params.ParameterizedTest;

class MoveStepsTest {
  private static final String SRC = "legacy-s3";
  private static final String DST = "production-s3";
  private static final KeyMapping MAPPING =
      new KeyMapping(new BucketLocation(SRC, "image/"), new BucketLocation(DST, "avatar/"), "avatar-");
  private static final CopySettings COPY = new CopySettings(5L << 30, 512L << 20, null, null, null, null);

  private final FakeObjectStore store = new FakeObjectStore().createBucket(SRC).createBucket(DST);
  private final FakePathTable table = new FakePathTable(store.log());

  private MoveSteps steps(OnConflict onConflict, boolean dryRun, boolean keepSource, int maxPathLength) {
    return new MoveSteps(store, table, new MovePlan(MAPPING, COPY, onConflict, dryRun, keepSource), maxPathLength);
  }

  private MoveSteps steps() {
    return steps(OnConflict.SKIP, false, false, 255);
  }

  private StoredObject source(String name, String content) {
    store.put(SRC, "image/" + name, content);
    table.addRows("image/" + name);
    return store.stat(SRC, "image/" + name);
  }

  private List<CommittedRows> committed(MoveSteps steps, StoredObject... sources) {
    List<VerifiedCopy> verified = new ArrayList<>();
    for (StoredObject s : sources) {
      Step<Copied> copied = steps.copy(s, store.head(DST, MAPPING.targetKey(s.key())));
      verified.add(steps.verify(copied.next()).next());
    }
    MoveSteps.Batch<CommittedRows> batch = steps.commitRows(verified, false);
    assertTrue(batch.ended().isEmpty(), () -> "unexpected: " + batch.ended());
    return batch.next();
  }

  private long count(String what) {
    return store.log().all().stream().filter(o -> o.what().equals(what)).count();
  }

  // ---- copy --------------------------------------------------------------------------------------

  @Test
  void copiesAnObjectWhoseTargetIsFree() {
    StoredObject s = source("avatar-1.png", "png-1");
    Step<Copied> step = steps().copy(s, Optional.empty());
    assertFalse(step.isEnded());
    assertTrue(step.next().madeCopy());
    assertEquals("avatar/avatar-1.png", step.next().targetKey());
    assertArrayEquals("png-1".getBytes(StandardCharsets.UTF_8), store.content(DST, "avatar/avatar-1.png").orElseThrow());
  }

  @Test
  void anIdenticalTargetIsAlreadyPresentAndNotCopiedAgain() {
    StoredObject s = source("avatar-1.png", "png-1");
    store.put(DST, "avatar/avatar-1.png", "png-1");
    Step<Copied> step = steps().copy(s, store.head(DST, "avatar/avatar-1.png"));
    assertFalse(step.next().madeCopy());
    assertFalse(step.next().needsObservation());
    assertEquals(0, count("copy"));
  }

  @Test
  void aDifferentTargetIsAConflictAndNothingIsCopied() {
    StoredObject s = source("avatar-1.png", "legacy");
    store.put(DST, "avatar/avatar-1.png", "newer production avatar");
    Step<Copied> step = steps().copy(s, store.head(DST, "avatar/avatar-1.png"));
    MoveOutcome.Conflict conflict = assertInstanceOf(MoveOutcome.Conflict.class, step.ended());
    assertEquals("avatar/avatar-1.png", conflict.targetKey());
    assertEquals(store.stat(DST, "avatar/avatar-1.png"), conflict.existing());
    assertEquals(0, count("copy"));
    assertEquals("newer production avatar",
        new String(store.content(DST, "avatar/avatar-1.png").orElseThrow(), StandardCharsets.UTF_8));
  }

  @Test
  void aTargetWrittenByTheLiveServiceAfterTheCheckIsNeverOverwritten() {
    StoredObject s = source("avatar-1.png", "legacy");
    // The check saw nothing at the target; the live service writes one before the copy lands.
    Optional<StoredObject> checked = store.head(DST, "avatar/avatar-1.png");
    store.put(DST, "avatar/avatar-1.png", "uploaded by the user just now");
    Step<Copied> step = steps().copy(s, checked);
    assertInstanceOf(MoveOutcome.Conflict.class, step.ended());
    assertEquals("uploaded by the user just now",
        new String(store.content(DST, "avatar/avatar-1.png").orElseThrow(), StandardCharsets.UTF_8));
  }

  @Test
  void aTargetIdenticalToTheSourceThatAppearedAfterTheCheckIsAlreadyPresent() {
    StoredObject s = source("avatar-1.png", "legacy");
    Optional<StoredObject> checked = store.head(DST, "avatar/avatar-1.png");
    store.put(DST, "avatar/avatar-1.png", "legacy");
    Step<Copied> step = steps().copy(s, checked);
    assertFalse(step.next().madeCopy());
  }

  @Test
  void overwriteReplacesADifferentTarget() {
    StoredObject s = source("avatar-1.png", "legacy");
    store.put(DST, "avatar/avatar-1.png", "other");
    Step<Copied> step = steps(OnConflict.OVERWRITE, false, false, 255).copy(s, store.head(DST, "avatar/avatar-1.png"));
    assertTrue(step.next().madeCopy());
    assertEquals("legacy", new String(store.content(DST, "avatar/avatar-1.png").orElseThrow(), StandardCharsets.UTF_8));
  }

  @Test
  void aSourceChangedSinceListingIsReReadAndCopiedAgain() {
    StoredObject listed = source("avatar-1.png", "old bytes");
    store.put(SRC, "image/avatar-1.png", "new bytes, uploaded after the listing");
    Step<Copied> step = steps().copy(listed, Optional.empty());
    assertTrue(step.next().madeCopy());
    assertEquals(store.stat(SRC, "image/avatar-1.png").etag(), step.next().source().etag());
    assertEquals("new bytes, uploaded after the listing",
        new String(store.content(DST, "avatar/avatar-1.png").orElseThrow(), StandardCharsets.UTF_8));
    List<String> sequence = store.log().all().stream()
        .filter(o -> o.what().equals("copy") || o.what().equals("head"))
        .map(o -> o.what() + " " + o.outcome()).toList();
    // After the 412: the target is looked at first (nothing there), then the source is re-read.
    assertEquals(List.of("copy failed CHANGED", "head absent", "head present", "copy ok"), sequence);
  }

  @Test
  void aSourceThatKeepsChangingFailsTheObjectAfterBoundedRetries() {
    StoredObject s = source("avatar-1.png", "png");
    store.fail(Operation.COPY, s.key(), StoreFailure.Kind.CHANGED);
    Step<Copied> step = steps().copy(s, Optional.empty());
    MoveOutcome.Failed failed = assertInstanceOf(MoveOutcome.Failed.class, step.ended());
    assertEquals(Stage.COPY, failed.stage());
    long attempts = count("copy");
    assertTrue(attempts > 1 && attempts <= 5, "copy attempts: " + attempts);
    assertFalse(store.exists(DST, "avatar/avatar-1.png"));
  }

  @Test
  void aSourceDeletedDuringTheCopyFailsTheObject() {
    StoredObject s = source("avatar-1.png", "png");
    store.failTimes(Operation.COPY, s.key(), StoreFailure.Kind.CHANGED, 1);
    store.delete(SRC, List.of(s));
    MoveOutcome.Failed failed = assertInstanceOf(MoveOutcome.Failed.class, steps().copy(s, Optional.empty()).ended());
    assertTrue(failed.reason().contains("deleted"), failed.reason());
  }

  @Test
  void aSourceDeletedBeforeTheCopyIsSaidToBeDeletedNotJustNoSuchKey() {
    // S3 answers 404 NoSuchKey (not a 412) when the copy source is gone: another run or a person deleted it.
    StoredObject s = source("avatar-1.png", "png");
    store.delete(SRC, List.of(s));
    MoveOutcome.Failed failed = assertInstanceOf(MoveOutcome.Failed.class, steps().copy(s, Optional.empty()).ended());
    assertTrue(failed.reason().startsWith("the source was deleted while the copy ran ("), failed.reason());
    assertTrue(failed.reason().contains("NoSuchKey"), failed.reason());
  }

  @Test
  void aRejectedCopyFailsOnlyThatObject() {
    StoredObject s = source("avatar-1.png", "png");
    store.fail(Operation.COPY, s.key(), StoreFailure.Kind.REJECTED);
    MoveOutcome.Failed failed = assertInstanceOf(MoveOutcome.Failed.class, steps().copy(s, Optional.empty()).ended());
    assertEquals(Stage.COPY, failed.stage());
    assertEquals(1, count("copy"));
  }

  @Test
  void aFatalCopyFailureAbortsTheRun() {
    StoredObject s = source("avatar-1.png", "png");
    store.fail(Operation.COPY, s.key(), StoreFailure.Kind.FATAL);
    StoreFailure e = assertThrows(StoreFailure.class, () -> steps().copy(s, Optional.empty()));
    assertEquals(StoreFailure.Kind.FATAL, e.kind());
  }

  @Test
  void aDryRunCopiesNothing() {
    StoredObject s = source("avatar-1.png", "png");
    Step<Copied> step = steps(OnConflict.SKIP, true, false, 255).copy(s, Optional.empty());
    assertFalse(step.isEnded());
    assertFalse(step.next().madeCopy());
    assertTrue(store.log().writes().isEmpty());
  }

  // ---- verify ------------------------------------------------------------------------------------

  @Test
  void verifiesACopyThatMatchesTheSource() {
    StoredObject s = source("avatar-1.png", "png");
    Step<VerifiedCopy> verified = steps().verify(steps().copy(s, Optional.empty()).next());
    assertFalse(verified.isEnded());
    assertEquals("avatar/avatar-1.png", verified.next().targetKey());
  }

  @Test
  void aCopyThatDiffersFromTheSourceFailsVerification() {
    StoredObject s = source("avatar-1.png", "png");
    store.corruptCopiesOf(s.key());
    Step<VerifiedCopy> verified = steps().verify(steps().copy(s, Optional.empty()).next());
    MoveOutcome.Failed failed = assertInstanceOf(MoveOutcome.Failed.class, verified.ended());
    assertEquals(Stage.VERIFY, failed.stage());
    assertTrue(failed.reason().contains("source is kept"), failed.reason());
  }

  @Test
  void aCopyThatNeverAppearsFailsVerification() {
    StoredObject s = source("avatar-1.png", "png");
    store.fail(Operation.AWAIT, "avatar/avatar-1.png", StoreFailure.Kind.TRANSIENT);
    MoveOutcome.Failed failed = assertInstanceOf(MoveOutcome.Failed.class,
        steps().verify(steps().copy(s, Optional.empty()).next()).ended());
    assertEquals(Stage.VERIFY, failed.stage());
  }

  @Test
  void syncModeVerifiesAgainstTheListingAndFallsBackToTheWaiterWhenTheListingMissedTheCopy() {
    MoveSteps steps = steps();
    StoredObject s = source("avatar-1.png", "png");
    Copied copied = steps.copy(s, Optional.empty()).next();
    int before = store.log().size();
    assertFalse(steps.verify(copied, Optional.of(store.stat(DST, "avatar/avatar-1.png"))).isEnded());
    assertTrue(store.log().since(before).isEmpty(), "a listed copy needs no HEAD");

    assertFalse(steps.verify(copied, Optional.empty()).isEnded());
    assertEquals(List.of("await"), store.log().since(before).stream().map(Op::what).toList());

    StoredObject stale = new StoredObject("avatar/avatar-1.png", 3, "0000");
    assertEquals(Stage.VERIFY,
        assertInstanceOf(MoveOutcome.Failed.class, steps.verify(copied, Optional.of(stale)).ended()).stage());
  }

  @Test
  void aPlainCopyIsVerifiedWithoutAskingForChecksums() {
    StoredObject s = source("avatar-1.png", "png");
    MoveSteps steps = steps();
    Copied copied = steps.copy(s, Optional.empty()).next();
    int before = store.log().size();
    assertFalse(steps.verify(copied).isEnded());
    List<Op> looks = store.log().since(before);
    assertEquals(1, looks.size());
    assertEquals(null, looks.get(0).detail(), "one plain HEAD, as before: " + looks);
  }

  @Test
  void aCopyReportingTheSourcesChecksumVerifiesWithOnePlainHead() {
    store.putWithChecksum(SRC, "image/avatar-1.png", "png");
    MoveSteps steps = steps();
    Copied copied = steps.copy(store.stat(SRC, "image/avatar-1.png"), Optional.empty()).next();
    int before = store.log().size();
    assertFalse(steps.verify(copied).isEnded());
    assertEquals(List.of("await"), store.log().since(before).stream().map(Op::what).toList());
    assertEquals(null, store.log().since(before).get(0).detail(), "the copy's answer already had the checksum");
  }

  @Test
  void aCopyThatDidNotReportItsChecksumIsLookedAtWithItInBothModes() {
    store.putWithChecksum(SRC, "image/avatar-1.png", "png").copyAnswersChecksum(false);
    MoveSteps steps = steps();
    Copied copied = steps.copy(store.stat(SRC, "image/avatar-1.png"), Optional.empty()).next();

    int before = store.log().size();
    assertFalse(steps.verify(copied).isEnded());
    assertEquals("with checksum", store.log().since(before).get(0).detail());

    // Sync mode: the listing shows no checksum, so this one copy is HEADed for it.
    before = store.log().size();
    assertFalse(steps.verify(copied, Optional.of(store.stat(DST, "avatar/avatar-1.png"))).isEnded());
    assertEquals(List.of("await"), store.log().since(before).stream().map(Op::what).toList());
    assertEquals("with checksum", store.log().since(before).get(0).detail());
  }

  @Test
  void aChecksumMismatchFailsVerificationWhateverSawItAndTheBadCopyIsRemoved() {
    for (boolean answered : new boolean[] {true, false}) {
      for (boolean objectMode : new boolean[] {true, false}) {
        FakeObjectStore own = new FakeObjectStore().createBucket(SRC).createBucket(DST).copyAnswersChecksum(answered);
        own.putWithChecksum(SRC, "image/avatar-1.png", "png").corruptCopiesKeepingEtagOf("image/avatar-1.png");
        MoveSteps steps = new MoveSteps(own, table, new MovePlan(MAPPING, COPY, OnConflict.SKIP, false, false), 255);
        Copied copied = steps.copy(own.stat(SRC, "image/avatar-1.png"), Optional.empty()).next();
        Step<VerifiedCopy> step = objectMode ? steps.verify(copied)
            : steps.verify(copied, Optional.of(own.stat(DST, "avatar/avatar-1.png")));
        MoveOutcome.Failed failed = assertInstanceOf(MoveOutcome.Failed.class, step.ended());
        assertEquals(Stage.VERIFY, failed.stage());
        assertTrue(failed.reason().startsWith("the copy's checksum differs from the source's (SHA256 "),
            failed.reason());
        assertTrue(failed.reason().endsWith("the source is kept; the bad copy was removed"), failed.reason());
        // Removed, so a re-run cannot take it for this source's copy (it carries the source's ETag).
        assertEquals(List.of(), own.keys(DST));
        assertEquals(List.of("image/avatar-1.png"), own.keys(SRC));
      }
    }
  }

  @Test
  void anObjectTheServicePutAtTheTargetBetweenTheCopyAndItsCheckIsNeverRemoved() {
    for (boolean objectMode : new boolean[] {true, false}) {
      FakeObjectStore own = new FakeObjectStore().createBucket(SRC).createBucket(DST).copyAnswersChecksum(false);
      own.putWithChecksum(SRC, "image/avatar-1.png", "png");
      MoveSteps steps = new MoveSteps(own, table, new MovePlan(MAPPING, COPY, OnConflict.SKIP, false, false), 255);
      Copied copied = steps.copy(own.stat(SRC, "image/avatar-1.png"), Optional.empty()).next();
      own.putWithChecksum(DST, "avatar/avatar-1.png", "the service's own, with rows naming it");
      Step<VerifiedCopy> step = objectMode ? steps.verify(copied)
          : steps.verify(copied, Optional.of(own.stat(DST, "avatar/avatar-1.png")));
      MoveOutcome.Failed failed = assertInstanceOf(MoveOutcome.Failed.class, step.ended());
      assertEquals(Stage.VERIFY, failed.stage());
      assertFalse(failed.reason().contains("removed"), failed.reason());
      assertEquals(List.of("avatar/avatar-1.png"), own.keys(DST));
      assertTrue(own.log().all().stream().noneMatch(o -> o.what().equals("delete")));
    }
  }

  @Test
  void aCopyThatOverwroteAnotherObjectAndFailsItsChecksumIsNotRemoved() {
    // --on-conflict overwrite: the key held a production object rows may point at; deleting the bad copy would
    // leave them pointing at nothing, so it stays and the operator is told.
    FakeObjectStore own = new FakeObjectStore().createBucket(SRC).createBucket(DST).copyAnswersChecksum(true);
    own.putWithChecksum(SRC, "image/avatar-1.png", "png").corruptCopiesKeepingEtagOf("image/avatar-1.png");
    own.put(DST, "avatar/avatar-1.png", "the production one");
    MoveSteps steps = new MoveSteps(own, table, new MovePlan(MAPPING, COPY, OnConflict.OVERWRITE, false, false), 255);
    Copied copied = steps.copy(own.stat(SRC, "image/avatar-1.png"), Optional.of(own.stat(DST, "avatar/avatar-1.png")))
        .next();
    MoveOutcome.Failed failed = assertInstanceOf(MoveOutcome.Failed.class, steps.verify(copied).ended());
    assertTrue(failed.reason().contains("(--on-conflict overwrite), which is kept"), failed.reason());
    assertEquals(List.of("avatar/avatar-1.png"), own.keys(DST));
    assertTrue(own.log().all().stream().noneMatch(o -> o.what().equals("delete")));
  }

  // ---- rows --------------------------------------------------------------------------------------

  @Test
  void commitsTheRowsOfVerifiedCopies() {
    MoveSteps steps = steps();
    table.addRows("image/avatar-1.png", "image/other.png");
    List<CommittedRows> committed = committed(steps, source("avatar-1.png", "png"), source("avatar-2.png", "png2"));
    assertEquals(2, committed.size());
    assertEquals(2, table.count("avatar/avatar-1.png"));
    assertEquals(1, table.count("avatar/avatar-2.png"));
    assertEquals(1, table.count("image/other.png"));
  }

  @Test
  void syncModeRewritesRowsSetWise() {
    MoveSteps steps = steps();
    StoredObject s = source("avatar-1.png", "png");
    VerifiedCopy v = steps.verify(steps.copy(s, Optional.empty()).next()).next();
    MoveSteps.Batch<CommittedRows> batch = steps.commitRows(List.of(v), true);
    assertEquals(1, batch.next().size());
    assertTrue(store.log().all().stream().anyMatch(o -> o.what().equals("rewriteJoined") && o.ok()));
    assertTrue(store.log().all().stream().noneMatch(o -> o.what().equals("rewrite")));
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void aFailedRowRewriteInABatchIsRetriedObjectByObjectSoOnlyTheFailingObjectStops(boolean joined) {
    MoveSteps steps = steps();
    StoredObject a = source("avatar-1.png", "a");
    StoredObject b = source("avatar-2.png", "b");
    List<VerifiedCopy> verified = List.of(steps.verify(steps.copy(a, Optional.empty()).next()).next(),
        steps.verify(steps.copy(b, Optional.empty()).next()).next());
    table.failRewritesOf(a.key());
    MoveSteps.Batch<CommittedRows> batch = steps.commitRows(verified, joined);
    assertEquals(List.of(b.key()), batch.next().stream().map(c -> c.source().key()).toList());
    assertEquals(1, batch.ended().size());
    MoveOutcome.Failed failed = (MoveOutcome.Failed) batch.ended().get(0);
    assertEquals(a.key(), failed.source().key());
    assertEquals(Stage.ROWS, failed.stage());
    assertEquals(1, table.count(a.key()), "the failing object's row is untouched");
    assertEquals(0, table.count(b.key()));
    assertEquals(1, table.count("avatar/avatar-2.png"));
  }

  @Test
  void aFailedRowRewriteOfOneObjectFailsItAndYieldsNothingToDelete() {
    MoveSteps steps = steps();
    StoredObject a = source("avatar-1.png", "a");
    VerifiedCopy v = steps.verify(steps.copy(a, Optional.empty()).next()).next();
    table.failRewritesOf(a.key());
    MoveSteps.Batch<CommittedRows> batch = steps.commitRows(List.of(v), false);
    assertTrue(batch.next().isEmpty());
    assertEquals(Stage.ROWS, ((MoveOutcome.Failed) batch.ended().get(0)).stage());
    assertEquals(1, table.count(a.key()));
  }

  @Test
  void aLostTableAbortsTheRunInsteadOfFailingObjects() {
    table.failRewritesWith(new PreflightException("table avatars disappeared"));
    MoveSteps steps = steps();
    StoredObject s = source("avatar-1.png", "png");
    VerifiedCopy v = steps.verify(steps.copy(s, Optional.empty()).next()).next();
    assertThrows(PreflightException.class, () -> steps.commitRows(List.of(v), false));
  }

  // ---- rows, one object at a time after a batch failed ------------------------------------------

  private final StopSignal stop = new StopSignal();
  private final VirtualClock clock = new VirtualClock();

  private MoveSteps stepsWithStopAndClock() {
    return new MoveSteps(store, table, new MovePlan(MAPPING, COPY, OnConflict.SKIP, false, false), 255,
        ReplicaWait.none(), stop, clock);
  }

  private List<VerifiedCopy> verifiedCopies(MoveSteps steps, int n) {
    List<VerifiedCopy> verified = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      StoredObject s = source("avatar-" + i + ".png", "png" + i);
      verified.add(steps.verify(steps.copy(s, Optional.empty()).next()).next());
    }
    return verified;
  }

  private static List<String> keys(List<CommittedRows> committed) {
    return committed.stream().map(c -> c.source().key()).toList();
  }

  private static String reason(MoveOutcome o) {
    return ((MoveOutcome.Failed) o).reason();
  }

  @Test
  void rewritingOneObjectAtATimeStopsWithTheRunAndKeepsWhatItCommitted() {
    MoveSteps steps = stepsWithStopAndClock();
    List<VerifiedCopy> verified = verifiedCopies(steps, 3);
    table.failRewritesOf("image/avatar-1.png");
    table.beforeEachRewrite(paths -> {
      if (paths.equals(List.of("image/avatar-2.png"))) {
        stop.request(); // Ctrl-C while the second object's rows are being rewritten on their own
      }
    });

    MoveSteps.Batch<CommittedRows> batch = steps.commitRows(verified, true);

    assertEquals(List.of("image/avatar-2.png"), keys(batch.next()), "the rewrite under way when the stop came ends");
    assertEquals(2, batch.ended().size());
    assertTrue(reason(batch.ended().get(0)).contains("injected"), () -> reason(batch.ended().get(0)));
    assertEquals("image/avatar-3.png", batch.ended().get(1).source().key());
    assertTrue(reason(batch.ended().get(1)).contains("the run stopped"), () -> reason(batch.ended().get(1)));
    assertEquals(1, table.count("image/avatar-3.png"), "not tried after the stop");
    assertEquals(1, table.count("avatar/avatar-2.png"));
  }

  @Test
  void aDatabaseLostWhileRewritingOneObjectAtATimeStopsTheRunAndKeepsWhatItCommitted() {
    MoveSteps steps = stepsWithStopAndClock();
    List<VerifiedCopy> verified = verifiedCopies(steps, 4);
    table.failRewritesOf("image/avatar-1.png");
    table.failRewritesOf("image/avatar-3.png", new PreflightException("the database went away"));

    MoveSteps.Batch<CommittedRows> batch = steps.commitRows(verified, false);

    assertEquals(List.of("image/avatar-2.png"), keys(batch.next()), "committed before the loss, so still deleted");
    assertEquals(List.of("image/avatar-1.png", "image/avatar-3.png", "image/avatar-4.png"),
        batch.ended().stream().map(o -> o.source().key()).toList());
    assertTrue(reason(batch.ended().get(2)).contains("the run stopped"), () -> reason(batch.ended().get(2)));
    assertTrue(stop.requested());
    assertFalse(stop.interrupted(), "stopped by an error, not by the operator");
    PreflightException fatal = assertThrows(PreflightException.class, stop::rethrowFatal);
    assertEquals("the database went away", fatal.getMessage());
    assertEquals(1, table.count("image/avatar-4.png"));
  }

  @Test
  void anObjectWhoseRowsWaitedMinutesEndsTheOneAtATimeRewritesOfItsBatch() {
    MoveSteps steps = stepsWithStopAndClock();
    List<VerifiedCopy> verified = verifiedCopies(steps, 3);
    table.failRewritesOf("image/avatar-1.png");
    table.beforeEachRewrite(paths -> {
      if (paths.equals(List.of("image/avatar-1.png"))) {
        clock.advanceSeconds(180); // a LOCK TABLES or an ALTER TABLE: every object after it would wait as long
      }
    });

    MoveSteps.Batch<CommittedRows> batch = steps.commitRows(verified, true);

    assertTrue(batch.next().isEmpty());
    assertEquals(3, batch.ended().size());
    for (MoveOutcome o : batch.ended().subList(1, 3)) {
      assertTrue(reason(o).contains("the table was locked for minutes"), () -> reason(o));
    }
    assertEquals(1, count("rewriteJoined"), "the batch's transaction");
    assertEquals(1, count("rewrite"), "then the first object's alone, and no other");
    assertFalse(stop.requested(), "a lock fails objects, it does not stop the run");
  }

  @Test
  void oneAtATimeRewritesThatKeepWaitingGiveUpAfterTenMinutes() {
    MoveSteps steps = stepsWithStopAndClock();
    List<VerifiedCopy> verified = verifiedCopies(steps, 10);
    table.failRewritesOf("image/avatar-1.png");
    table.beforeEachRewrite(paths -> {
      if (paths.size() == 1) {
        clock.advanceSeconds(90); // each waits on a row lock a while, less than a table lock's cut-off
      }
    });

    MoveSteps.Batch<CommittedRows> batch = steps.commitRows(verified, false);

    // Started at 0 s, 90 s, ... 540 s: seven objects tried; at 630 s the ten minutes are over.
    assertEquals(6, batch.next().size());
    assertEquals(4, batch.ended().size());
    for (MoveOutcome o : batch.ended().subList(1, 4)) {
      assertTrue(reason(o).contains("over 10 minutes"), () -> reason(o));
    }
    assertEquals(1, table.count("image/avatar-10.png"));
  }

  @Test
  void aFailedPageOfOrphanRowsIsRewrittenPathByPathUntilTheRunStops() {
    MoveSteps steps = stepsWithStopAndClock();
    table.addRows("image/avatar-1.png", "image/avatar-2.png", "image/avatar-3.png", "image/avatar-4.png");
    List<PathRewrite> page = List.of(
        new PathRewrite("image/avatar-1.png", "avatar/avatar-1.png"),
        new PathRewrite("image/avatar-2.png", "avatar/avatar-2.png"),
        new PathRewrite("image/avatar-3.png", "avatar/avatar-3.png"),
        new PathRewrite("image/avatar-4.png", "avatar/avatar-4.png"));
    table.failRewritesOf("image/avatar-2.png");
    table.beforeEachRewrite(paths -> {
      if (paths.equals(List.of("image/avatar-3.png"))) {
        stop.request();
      }
    });

    List<OrphanRows> results = steps.rewriteOrphanRows(page);

    assertEquals(List.of(false, true, false, true), results.stream().map(OrphanRows::failed).toList());
    assertEquals(List.of(1, 0, 1, 0), results.stream().map(OrphanRows::rows).toList());
    assertTrue(results.get(3).failure().contains("not tried"), results.get(3).failure());
    assertEquals(1, table.count("image/avatar-2.png"));
    assertEquals(1, table.count("image/avatar-4.png"));
    assertEquals(1, table.count("avatar/avatar-3.png"));
  }

  // ---- rows named again between their commit and the delete ------------------------------------

  @Test
  void aRowTheServiceWroteNamingTheSourceAfterItsRowsWereCommittedIsRewrittenBeforeTheDelete() {
    MoveSteps steps = steps();
    List<CommittedRows> committed = committed(steps, source("avatar-1.png", "png"));
    table.addRows("image/avatar-1.png"); // the live service, between the commit and the delete

    MoveOutcome.Moved moved = assertInstanceOf(MoveOutcome.Moved.class, steps.deleteSources(committed).get(0));

    assertTrue(moved.sourceDeleted());
    assertEquals(2, moved.rowsRewritten());
    assertEquals(0, table.count("image/avatar-1.png"));
    assertEquals(2, table.count("avatar/avatar-1.png"));
  }

  @Test
  void aRowTheServiceWroteDuringTheDeleteIsPointedAtTheCopyRightAfterItNotAtTheFinalSweep() {
    MoveSteps steps = steps();
    List<CommittedRows> committed = committed(steps, source("avatar-1.png", "png"), source("avatar-2.png", "b"));
    // The live service, after the check just before the delete and as the DeleteObjects request goes out.
    store.onDelete(() -> table.addRows("image/avatar-1.png"));

    List<MoveOutcome> outcomes = steps.deleteSources(committed);

    MoveOutcome.Moved moved = assertInstanceOf(MoveOutcome.Moved.class, outcomes.get(0));
    assertTrue(moved.sourceDeleted());
    assertEquals(2, moved.rowsRewritten());
    assertEquals(0, table.count("image/avatar-1.png"), "no row names the deleted source");
    assertEquals(2, table.count("avatar/avatar-1.png"));
    assertEquals(1, assertInstanceOf(MoveOutcome.Moved.class, outcomes.get(1)).rowsRewritten());
  }

  @Test
  void aRowWrittenDuringTheDeleteForASourceUploadedAgainAfterItStaysWithTheNewUpload() {
    MoveSteps steps = steps();
    List<CommittedRows> committed = committed(steps, source("avatar-1.png", "v1"));
    // The delete removes v1; the service has uploaded v2 at the key and written its row by the time it is asked.
    table.onCount(() -> {
      if (!store.exists(SRC, "image/avatar-1.png") && table.count("image/avatar-1.png") == 0) {
        store.put(SRC, "image/avatar-1.png", "v2");
        table.addRows("image/avatar-1.png");
      }
    });

    MoveOutcome.Moved moved = assertInstanceOf(MoveOutcome.Moved.class, steps.deleteSources(committed).get(0));

    assertTrue(moved.sourceDeleted());
    assertEquals(1, table.count("image/avatar-1.png"), "the new row names the new upload, which exists");
  }

  @Test
  void aRowWrittenDuringADeleteRequestThatFailedAsAWholeIsPointedAtTheCopyOnlyWhereTheSourceIsGone() {
    MoveSteps steps = steps();
    List<CommittedRows> committed = committed(steps, source("avatar-1.png", "png"));
    store.onDelete(() -> table.addRows("image/avatar-1.png")).loseDeleteAnswers();

    MoveOutcome.Failed failed = assertInstanceOf(MoveOutcome.Failed.class, steps.deleteSources(committed).get(0));

    assertTrue(failed.reason().contains("could not be deleted"), failed.reason());
    assertFalse(store.exists(SRC, "image/avatar-1.png"), "the request was carried out, its answer lost");
    assertEquals(0, table.count("image/avatar-1.png"), "no row names the source that is gone");
    assertEquals(2, table.count("avatar/avatar-1.png"));
  }

  @Test
  void aRowWrittenDuringADeleteRequestThatFailedLeavingTheSourceKeepsNamingIt() {
    MoveSteps steps = steps();
    List<CommittedRows> committed = committed(steps, source("avatar-1.png", "png"));
    store.onDelete(() -> table.addRows("image/avatar-1.png")).failDeleteRequests(SRC, StoreFailure.Kind.TRANSIENT);

    assertInstanceOf(MoveOutcome.Failed.class, steps.deleteSources(committed).get(0));

    assertTrue(store.exists(SRC, "image/avatar-1.png"));
    assertEquals(1, table.count("image/avatar-1.png"), "the source is there: its new row keeps naming it");
  }

  @Test
  void aDatabaseLostJustAfterTheDeleteStopsTheRunAndTheOutcomesStand() {
    MoveSteps steps = stepsWithStopAndClock();
    List<CommittedRows> committed = committed(steps, source("avatar-1.png", "png"));
    store.onDelete(() -> table.failCountsWith(new PreflightException("the database connection was lost")));

    MoveOutcome.Moved moved = assertInstanceOf(MoveOutcome.Moved.class, steps.deleteSources(committed).get(0));

    assertTrue(moved.sourceDeleted());
    assertTrue(stop.requested(), "the run stops");
  }

  @Test
  void aDatabaseThatDoesNotAnswerAfterTheDeleteLeavesTheOutcomesAsTheyAre() {
    MoveSteps steps = steps();
    List<CommittedRows> committed = committed(steps, source("avatar-1.png", "png"));
    store.onDelete(() -> table.failCountsWith(new IllegalStateException("connection reset")));

    MoveOutcome.Moved moved = assertInstanceOf(MoveOutcome.Moved.class, steps.deleteSources(committed).get(0));

    assertTrue(moved.sourceDeleted());
    assertEquals(1, moved.rowsRewritten());
  }

  @Test
  void aRowWrittenForANewerUploadAtTheSourcesKeyIsNotPointedAtTheCopyOfTheOneBefore() {
    MoveSteps steps = steps();
    List<CommittedRows> committed = committed(steps, source("avatar-1.png", "v1"));
    store.put(SRC, "image/avatar-1.png", "v2, uploaded after the copy"); // and the service's row for it:
    table.addRows("image/avatar-1.png");

    MoveOutcome.Failed failed = assertInstanceOf(MoveOutcome.Failed.class, steps.deleteSources(committed).get(0));

    assertTrue(failed.reason().contains("rewritten after its copy was made"), failed.reason());
    assertEquals(1, table.count("image/avatar-1.png"), "the new row still names the new upload");
    assertEquals(1, table.count("avatar/avatar-1.png"), "the row rewritten with the copy stays rewritten");
    assertEquals("v2, uploaded after the copy",
        new String(store.content(SRC, "image/avatar-1.png").orElseThrow(), StandardCharsets.UTF_8));
  }

  @Test
  void aRowWrittenOnThePrimaryWhileTheReplicasWereWaitedForIsRewrittenAndWaitedForToo() {
    // A replica that is never behind, and a service that writes a legacy row on the primary as the first wait ends.
    FakeReplicas[] upToDate = new FakeReplicas[1];
    upToDate[0] = new FakeReplicas((paths, position) -> {
      if (upToDate[0].positionsRead() == 1) {
        table.addRows("image/avatar-1.png");
      }
      return Map.of();
    });
    MoveSteps steps = new MoveSteps(store, table, new MovePlan(MAPPING, COPY, OnConflict.SKIP, false, false), 255,
        new ReplicaWait(upToDate[0], clock, stop, new MigrationListener() {}), stop, clock);
    List<CommittedRows> committed = committed(steps, source("avatar-1.png", "png"));

    MoveOutcome.Moved moved = assertInstanceOf(MoveOutcome.Moved.class, steps.deleteSources(committed).get(0));

    assertEquals(2, moved.rowsRewritten());
    assertEquals(0, table.count("image/avatar-1.png"), "no row names the deleted source");
    assertEquals(2, upToDate[0].positionsRead(), "the replicas were waited for again, for the row rewritten after the wait");
  }

  @Test
  void aSourceThatRowsStillNameAfterTheirRewriteIsKept() {
    MoveSteps steps = steps();
    StoredObject s = source("avatar-1.png", "png");
    table.rewritesMiss(s.key()); // the statement runs, but matches none of its rows
    List<CommittedRows> committed = committed(steps, s);

    MoveOutcome.Failed failed = assertInstanceOf(MoveOutcome.Failed.class, steps.deleteSources(committed).get(0));

    assertEquals(Stage.DELETE, failed.stage());
    assertTrue(failed.reason().contains("still named the source"), failed.reason());
    assertTrue(store.head(SRC, s.key()).isPresent(), "the row still names it, so it stays");
    assertEquals(1, table.count(s.key()));
  }

  @Test
  void aTableThatCannotBeAskedJustBeforeTheDeleteKeepsTheSources() {
    MoveSteps steps = steps();
    List<CommittedRows> committed = committed(steps, source("avatar-1.png", "a"), source("avatar-2.png", "b"));
    table.failCountsWith(new IllegalStateException("lock wait timeout"));

    List<MoveOutcome> outcomes = steps.deleteSources(committed);

    assertEquals(2, outcomes.size());
    for (MoveOutcome o : outcomes) {
      MoveOutcome.Failed failed = assertInstanceOf(MoveOutcome.Failed.class, o);
      assertTrue(failed.reason().contains("could not be checked (lock wait timeout)"), failed.reason());
    }
    assertEquals(0, count("delete"));
  }

  @Test
  void aTargetPathLongerThanTheColumnFailsBeforeAnythingIsCopied() {
    MoveSteps steps = steps(OnConflict.SKIP, false, false, "avatar/avatar-1.png".length());
    StoredObject tooLong = source("avatar-12.png", "b");
    MoveOutcome.Failed failed = assertInstanceOf(MoveOutcome.Failed.class, steps.copy(tooLong, Optional.empty()).ended());
    assertEquals(tooLong.key(), failed.source().key());
    assertEquals(Stage.COPY, failed.stage());
    assertEquals(0, count("copy"));
    assertEquals(1, table.count(tooLong.key()));
  }

  @Test
  void theColumnLengthIsCountedInCharactersNotUtf16Units() {
    String name = "avatar-\uD83D\uDE00.png";
    String target = "avatar/" + name;
    MoveSteps steps = steps(OnConflict.SKIP, false, false, target.codePointCount(0, target.length()));
    StoredObject s = source(name, "smile");
    VerifiedCopy v = steps.verify(steps.copy(s, Optional.empty()).next()).next();
    MoveSteps.Batch<CommittedRows> batch = steps.commitRows(List.of(v), false);
    assertEquals(1, batch.next().size(), () -> "ended: " + batch.ended());
    assertEquals(1, table.count(target));
  }

  @Test
  void aDryRunCountsRowsInsteadOfRewritingThem() {
    MoveSteps steps = steps(OnConflict.SKIP, true, false, 255);
    table.addRows("image/avatar-1.png");
    List<CommittedRows> committed = committed(steps, source("avatar-1.png", "png"));
    List<MoveOutcome> outcomes = steps.deleteSources(committed);
    MoveOutcome.Planned planned = assertInstanceOf(MoveOutcome.Planned.class, outcomes.get(0));
    assertTrue(planned.wouldCopy());
    assertEquals(2, planned.rowsToRewrite());
    assertEquals(2, table.count("image/avatar-1.png"));
    assertTrue(store.log().writes().isEmpty(), () -> "writes: " + store.log().writes());
  }

  @Test
  void orphanRowsAreRewrittenOrInADryRunCounted() {
    table.addRows("image/avatar-9.png", "image/avatar-9.png");
    List<PathRewrite> orphans = List.of(new PathRewrite("image/avatar-9.png", "avatar/avatar-9.png"));
    assertEquals(List.of(new OrphanRows("image/avatar-9.png", "avatar/avatar-9.png", 2, true, null)),
        steps(OnConflict.SKIP, true, false, 255).rewriteOrphanRows(orphans));
    assertEquals(2, table.count("image/avatar-9.png"));
    assertEquals(List.of(new OrphanRows("image/avatar-9.png", "avatar/avatar-9.png", 2, false, null)),
        steps().rewriteOrphanRows(orphans));
    assertEquals(2, table.count("avatar/avatar-9.png"));
    assertEquals(List.of(), steps().rewriteOrphanRows(List.of()));
  }

  @Test
  void orphanRowsTheColumnCannotHoldOrTheDatabaseRefusesFailAndAreLeft() {
    table.addRows("image/avatar-1234567.png", "image/avatar-1.png", "image/avatar-2.png");
    List<PathRewrite> orphans = List.of(new PathRewrite("image/avatar-1234567.png", "avatar/avatar-1234567.png"),
        new PathRewrite("image/avatar-1.png", "avatar/avatar-1.png"));

    List<OrphanRows> results = steps(OnConflict.SKIP, false, false, 24).rewriteOrphanRows(orphans);

    assertEquals(2, results.size());
    OrphanRows tooLong = results.get(0);
    assertTrue(tooLong.failed());
    assertTrue(tooLong.failure().contains("longer than the column allows (24 characters)"), tooLong.failure());
    assertEquals(new OrphanRows("image/avatar-1.png", "avatar/avatar-1.png", 1, false, null), results.get(1));
    assertEquals(1, table.count("image/avatar-1234567.png"));

    table.failRewritesOf("image/avatar-2.png");
    OrphanRows refused = steps().rewriteOrphanRows(List.of(new PathRewrite("image/avatar-2.png", "avatar/avatar-2.png")))
        .get(0);
    assertTrue(refused.failed());
    assertEquals(1, table.count("image/avatar-2.png"));
  }

  // ---- delete ------------------------------------------------------------------------------------

  @Test
  void deletesSourceOnlyAfterRowsCommitted() {
    MoveSteps steps = steps();
    List<CommittedRows> committed = committed(steps, source("avatar-1.png", "png"));
    List<Op> ops = store.log().all();
    int commit = indexOf(ops, "rewrite");
    assertTrue(indexOf(ops, "await") < commit);
    assertEquals(-1, indexOf(ops, "delete"), "nothing is deleted before deleteSources");
    MoveOutcome.Moved moved = assertInstanceOf(MoveOutcome.Moved.class, steps.deleteSources(committed).get(0));
    assertTrue(moved.copied());
    assertTrue(moved.sourceDeleted());
    assertEquals(1, moved.rowsRewritten());
    assertTrue(indexOf(store.log().all(), "delete") > commit);
    assertFalse(store.exists(SRC, "image/avatar-1.png"));
  }

  @Test
  void deletesInRequestsOfAtMostOneThousandKeys() {
    MoveSteps steps = steps();
    List<StoredObject> sources = new ArrayList<>();
    for (int i = 0; i < 2345; i++) {
      sources.add(source(String.format("avatar-%05d.png", i), "png" + i));
    }
    List<CommittedRows> committed = committed(steps, sources.toArray(StoredObject[]::new));
    List<MoveOutcome> outcomes = steps.deleteSources(committed);
    assertEquals(2345, outcomes.stream().filter(o -> o instanceof MoveOutcome.Moved m && m.sourceDeleted()).count());
    List<Integer> requests = store.log().all().stream().filter(o -> o.what().equals("delete"))
        .map(o -> o.keys().size()).toList();
    assertEquals(List.of(1000, 1000, 345), requests);
    assertTrue(store.keys(SRC).isEmpty());
  }

  @Test
  void aKeyThatCannotBeDeletedIsReportedAloneAndTheOthersAreDeleted() {
    MoveSteps steps = steps();
    StoredObject stuck = source("avatar-1.png", "a");
    StoredObject fine = source("avatar-2.png", "b");
    store.fail(Operation.DELETE, stuck.key(), StoreFailure.Kind.REJECTED);
    List<MoveOutcome> outcomes = steps.deleteSources(committed(steps, stuck, fine));
    MoveOutcome.Failed failed = assertInstanceOf(MoveOutcome.Failed.class, outcomes.get(0));
    assertEquals(stuck.key(), failed.source().key());
    assertEquals(Stage.DELETE, failed.stage());
    assertTrue(failed.reason().contains("AccessDenied"), failed.reason());
    assertTrue(assertInstanceOf(MoveOutcome.Moved.class, outcomes.get(1)).sourceDeleted());
    assertTrue(store.exists(SRC, stuck.key()));
    assertFalse(store.exists(SRC, fine.key()));
  }

  @Test
  void aFailedDeleteRequestFailsEachKeyOfIt() {
    MoveSteps steps = steps();
    List<CommittedRows> committed = committed(steps, source("avatar-1.png", "a"), source("avatar-2.png", "b"));
    store.failDeleteRequests(SRC, StoreFailure.Kind.TRANSIENT);
    List<MoveOutcome> outcomes = steps.deleteSources(committed);
    assertEquals(2, outcomes.size());
    outcomes.forEach(o -> assertEquals(Stage.DELETE, assertInstanceOf(MoveOutcome.Failed.class, o).stage()));
    assertEquals(2, store.keys(SRC).size());
  }

  @Test
  void aFatalDeleteFailureAbortsTheRun() {
    MoveSteps steps = steps();
    List<CommittedRows> committed = committed(steps, source("avatar-1.png", "a"));
    store.failDeleteRequests(SRC, StoreFailure.Kind.FATAL);
    assertThrows(StoreFailure.class, () -> steps.deleteSources(committed));
  }

  @Test
  void keepSourceRewritesRowsButDeletesNothing() {
    MoveSteps steps = steps(OnConflict.SKIP, false, true, 255);
    List<MoveOutcome> outcomes = steps.deleteSources(committed(steps, source("avatar-1.png", "a")));
    MoveOutcome.Moved moved = assertInstanceOf(MoveOutcome.Moved.class, outcomes.get(0));
    assertFalse(moved.sourceDeleted());
    assertEquals(1, moved.rowsRewritten());
    assertEquals(-1, indexOf(store.log().all(), "delete"));
    assertTrue(store.exists(SRC, "image/avatar-1.png"));
  }

  private static int indexOf(List<Op> ops, String what) {
    for (int i = 0; i < ops.size(); i++) {
      if (ops.get(i).what().equals(what) && ops.get(i).ok()) {
        return i;
      }
    }
    return -1;
  }
}
