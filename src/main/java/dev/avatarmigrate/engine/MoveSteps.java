package dev.avatarmigrate.engine;

import dev.avatarmigrate.engine.MoveOutcome.Stage;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.Objects;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The safety order, in one place: <b>copy → verify → rows committed → no row names the source any more →
 * (every replica shows them) → source deleted → rows the service wrote meanwhile pointed at the copy</b>.
 *
 * <p>Each step takes the token the step before produced, and the tokens can only be made here: a source
 * delete ({@link #deleteSources}) accepts only {@link CommittedRows}, which only {@link #commitRows} makes,
 * from {@link VerifiedCopy}s, which only {@link #verify} makes. So whatever the pipeline around it does
 * (object mode streams, sync mode works in chunks), a source is deleted only after its copy verified and
 * its rows committed. Every row therefore points at an object that exists, at every instant.
 *
 * <p>This is also the one dry-run gate: with {@code dryRun} no step writes; copies are simulated, rows
 * are counted instead of rewritten, and deletes are skipped, so a dry run takes the same path as a real one.
 */
public final class MoveSteps {

  // A 412 means the source changed between listing and copy; re-read it and try again, a few times,
  // since an object rewritten that often is being written by someone right now.
  private static final int CHANGED_RETRIES = 3;
  // 1,000: the DeleteObjects maximum.
  static final int DELETE_BATCH = 1000;

  private final ObjectStore store;
  private final PathTable table;
  private final MovePlan plan;
  private final int maxPathLength;
  private final ReplicaWait replicas;
  private final StopSignal stop;
  private final Pace.Clock clock;

  /** @param maxPathLength the path column's length: a longer target path fails, it is never truncated */
  public MoveSteps(ObjectStore store, PathTable table, MovePlan plan, int maxPathLength) {
    this(store, table, plan, maxPathLength, ReplicaWait.none(), new StopSignal(), Pace.SYSTEM);
  }

  /**
   * @param replicas what a delete waits for: the replicas showing the batch's rows rewritten
   * @param stop the run's stop signal: rows rewritten one object at a time stop with it
   * @param clock what the one-object-at-a-time rewrites' time limits go by
   */
  MoveSteps(ObjectStore store, PathTable table, MovePlan plan, int maxPathLength, ReplicaWait replicas,
      StopSignal stop, Pace.Clock clock) {
    this.store = store;
    this.table = table;
    this.plan = plan;
    this.maxPathLength = maxPathLength;
    this.replicas = replicas;
    this.stop = stop;
    this.clock = clock;
  }

  /** Step 1's result: a copy made (or found identical, or simulated), not yet verified. */
  public static final class Copied {
    private final StoredObject source;
    private final String targetKey;
    private final CopyReceipt receipt;
    private final StoredObject alreadyThere;
    private final boolean simulated;
    // True when the copy replaced a different object (--on-conflict overwrite): rows may point at its key.
    private final boolean replacedAnother;

    private Copied(StoredObject source, String targetKey, CopyReceipt receipt, StoredObject alreadyThere,
        boolean simulated, boolean replacedAnother) {
      this.replacedAnother = replacedAnother;
      this.source = source;
      this.targetKey = targetKey;
      this.receipt = receipt;
      this.alreadyThere = alreadyThere;
      this.simulated = simulated;
    }

    public StoredObject source() {
      return source;
    }

    public String targetKey() {
      return targetKey;
    }

    /** True when a copy request was made (false: an identical object was already at the target). */
    public boolean madeCopy() {
      return alreadyThere == null && !simulated;
    }

    /** True when the target must still be observed to verify the copy. */
    public boolean needsObservation() {
      return madeCopy();
    }
  }

  /** Step 2's result: the target object exists and matches the source. */
  public static final class VerifiedCopy {
    private final Copied copy;

    private VerifiedCopy(Copied copy) {
      this.copy = copy;
    }

    public StoredObject source() {
      return copy.source;
    }

    public String targetKey() {
      return copy.targetKey;
    }

    /** This object's outcome when it stops at {@code stage}, after its copy was verified. */
    public MoveOutcome.Failed failed(Stage stage, String reason) {
      return new MoveOutcome.Failed(source(), targetKey(), stage, reason, 0, copy.madeCopy());
    }
  }

  /** Step 3's result: the rows of this object point at the target, committed. */
  public static final class CommittedRows {
    private final VerifiedCopy verified;
    private final int rows;

    private CommittedRows(VerifiedCopy verified, int rows) {
      this.verified = verified;
      this.rows = rows;
    }

    public StoredObject source() {
      return verified.source();
    }

    /** Rows rewritten to the target (0 where a re-run finds them done already). */
    public int rows() {
      return rows;
    }

    /** The same, with {@code more} rows rewritten since (rows the live service wrote naming the source). */
    private CommittedRows plus(int more) {
      return more == 0 ? this : new CommittedRows(verified, rows + more);
    }

    /** This object's outcome when it stops at its delete, after its rows were committed. */
    public MoveOutcome.Failed failed(String reason) {
      return new MoveOutcome.Failed(source(), verified.targetKey(), Stage.DELETE, reason, rows,
          verified.copy.madeCopy());
    }
  }

  /** A step's result for one object: either the token for the next step, or the object's final outcome. */
  public record Step<T>(T next, MoveOutcome ended) {
    static <T> Step<T> next(T token) {
      return new Step<>(token, null);
    }

    static <T> Step<T> ended(MoveOutcome outcome) {
      return new Step<>(null, outcome);
    }

    public boolean isEnded() {
      return ended != null;
    }
  }

  /** A step's result for a batch: tokens to carry on, and outcomes of the objects that stop here. */
  public record Batch<T>(List<T> next, List<MoveOutcome> ended) {}

  // ---- Step 1: copy ------------------------------------------------------------------------------

  /**
   * Copies {@code source} unless an identical object is already at its target key. A different object
   * there is a conflict (never overwritten unless {@code --on-conflict overwrite}).
   *
   * @param atTarget what is at the target key now, from a HEAD or a listing
   */
  public Step<Copied> copy(StoredObject source, Optional<StoredObject> atTarget) {
    String targetKey = plan.mapping().targetKey(source.key());
    if (tooLong(targetKey)) {
      // Checked before the copy: a row can never hold this path, so copying it would be wasted work.
      return Step.ended(new MoveOutcome.Failed(source, targetKey, Stage.COPY, tooLongReason()));
    }
    CopyRule.Verdict verdict = CopyRule.decide(source, atTarget.orElse(null), plan.onConflict());
    if (verdict == CopyRule.Verdict.CONFLICT) {
      return Step.ended(new MoveOutcome.Conflict(source, targetKey, atTarget.get()));
    }
    if (verdict == CopyRule.Verdict.ALREADY_PRESENT) {
      StoredObject there = atTarget.get();
      return Step.next(new Copied(source, targetKey, CopyReceipt.etagOnly(there.etag()), there, false, false));
    }
    if (plan.dryRun()) {
      return Step.next(new Copied(source, targetKey, null, null, true, false));
    }
    boolean replace = verdict == CopyRule.Verdict.OVERWRITE;
    StoredObject current = source;
    for (int attempt = 0; ; attempt++) {
      try {
        CopyReceipt receipt =
            store.copy(plan.sourceBucket(), current, plan.targetBucket(), targetKey, replace, plan.copy());
        return Step.next(new Copied(current, targetKey, receipt, null, false, replace));
      } catch (StoreFailure e) {
        if (e.kind() == StoreFailure.Kind.FATAL) {
          throw e;
        }
        if (e.kind() == StoreFailure.Kind.NOT_FOUND) {
          // Listed, then gone before its copy: someone else deleted or moved it (another run, a person).
          return Step.ended(new MoveOutcome.Failed(current, targetKey, Stage.COPY,
              "the source was deleted while the copy ran (" + e.getMessage() + ")"));
        }
        if (e.kind() != StoreFailure.Kind.CHANGED || attempt >= CHANGED_RETRIES) {
          return Step.ended(new MoveOutcome.Failed(current, targetKey, Stage.COPY, e.getMessage()));
        }
        // A precondition failed: either something appeared at the target since it was checked, or the
        // source changed since it was listed. Look at the target first: it decides again.
        if (!replace) {
          Optional<StoredObject> appeared = store.head(plan.targetBucket(), targetKey);
          if (appeared.isPresent()) {
            return copy(current, appeared);
          }
        }
        Optional<StoredObject> reread = store.head(plan.sourceBucket(), current.key());
        if (reread.isEmpty()) {
          return Step.ended(new MoveOutcome.Failed(current, targetKey, Stage.COPY,
              "the source was deleted while the copy ran"));
        }
        StoredObject r = reread.get();
        current = new StoredObject(r.key(), r.size(), r.etag(), current.storageClass(), null);
      }
    }
  }

  // ---- Step 2: verify ----------------------------------------------------------------------------

  /**
   * Object mode: waits for the copy with the SDK's HeadObject waiter, then verifies it. The HEAD asks for the
   * target's checksum only when one is to be compared and the copy's response did not report it.
   */
  public Step<VerifiedCopy> verify(Copied copied) {
    if (!copied.needsObservation()) {
      return Step.next(new VerifiedCopy(copied));
    }
    try {
      boolean withChecksum = CopyRule.needsChecksumObservation(copied.receipt);
      return check(copied, store.awaitExists(plan.targetBucket(), copied.targetKey, withChecksum));
    } catch (StoreFailure e) {
      if (e.kind() == StoreFailure.Kind.FATAL) {
        throw e;
      }
      return Step.ended(new MoveOutcome.Failed(copied.source, copied.targetKey, Stage.VERIFY, e.getMessage()));
    }
  }

  /**
   * Sync mode: verifies against the target as a listing saw it (size and ETag, no HEAD). A listing shows no
   * checksums, so a copy whose checksum is still to be seen (its response did not report it) is HEADed.
   */
  public Step<VerifiedCopy> verify(Copied copied, Optional<StoredObject> observed) {
    if (!copied.needsObservation()) {
      return Step.next(new VerifiedCopy(copied));
    }
    if (observed.isEmpty()
        || (CopyRule.needsChecksumObservation(copied.receipt) && observed.get().checksum() == null)) {
      return verify(copied);
    }
    return check(copied, observed.get());
  }

  private Step<VerifiedCopy> check(Copied copied, StoredObject seen) {
    if (CopyRule.verified(copied.source, copied.receipt, seen)) {
      return Step.next(new VerifiedCopy(copied));
    }
    String mismatch = CopyRule.checksumMismatch(copied.receipt, seen);
    if (mismatch != null) {
      // The bad copy records the source's ETag, so a re-run would take it for this source's copy: it goes.
      // No row points at it (rows follow a verified copy only), and it is this run's own copy.
      return Step.ended(new MoveOutcome.Failed(copied.source, copied.targetKey, Stage.VERIFY,
          "the copy's checksum differs from the source's (" + mismatch + "); the source is kept; "
              + removeBadCopy(copied, seen)));
    }
    return Step.ended(new MoveOutcome.Failed(copied.source, copied.targetKey, Stage.VERIFY,
        "the copy does not match the source (size " + seen.size() + " vs " + copied.source.size() + ", ETag "
            + seen.etag() + " vs " + copied.receipt.etag() + "); the source is kept"));
  }

  private String removeBadCopy(Copied copied, StoredObject badCopy) {
    String targetKey = copied.targetKey;
    String where = "s3://" + plan.targetBucket() + "/" + targetKey;
    if (copied.receipt.etag() != null && !copied.receipt.etag().equals(badCopy.etag())) {
      // What was looked at is not what the copy wrote: the live service put its own object there since.
      return "the object now at " + where + " is not this run's copy (ETag " + badCopy.etag() + ", the copy's "
          + copied.receipt.etag() + "), so it was kept";
    }
    if (copied.replacedAnother) {
      // It overwrote an object that rows may point at: deleting it would leave them pointing at nothing.
      return "it replaced the object at " + where + " (--on-conflict overwrite), which is kept, since rows may"
          + " point at it: copy the source over it again by hand before a re-run";
    }
    try {
      List<ObjectStore.KeyError> errors = store.delete(plan.targetBucket(), List.of(badCopy));
      if (errors.isEmpty()) {
        return "the bad copy was removed";
      }
      if (errors.get(0).changed()) {
        return "the object at " + where + " changed since it was checked, so it was kept: look at it before a re-run";
      }
      return "delete " + where + " before a re-run (" + errors.get(0).reason() + ")";
    } catch (StoreFailure e) {
      return "delete " + where + " before a re-run (" + e.getMessage() + ")";
    }
  }

  // ---- Step 3: rows ------------------------------------------------------------------------------

  /**
   * Rewrites the rows of verified copies, compare-and-set, committed before this returns. {@code joined}
   * rewrites set-wise (sync mode), otherwise one statement per object in one transaction.
   */
  public Batch<CommittedRows> commitRows(List<VerifiedCopy> verified, boolean joined) {
    if (verified.isEmpty()) {
      return new Batch<>(List.of(), List.of());
    }
    List<PathRewrite> rewrites = verified.stream()
        .map(v -> new PathRewrite(v.source().key(), v.targetKey()))
        .toList();
    Map<String, Integer> rows;
    try {
      if (plan.dryRun()) {
        rows = table.countRows(rewrites.stream().map(PathRewrite::oldPath).toList());
      } else {
        rows = joined ? table.rewriteJoined(rewrites) : table.rewrite(rewrites);
      }
    } catch (PreflightException e) {
      throw e;
    } catch (RuntimeException e) {
      if (verified.size() > 1) {
        // A row the live service keeps locked (or one the server refuses) stops its own object, not the batch's:
        // each object's rows again, in a transaction of their own.
        return commitOneByOne(verified);
      }
      List<MoveOutcome> failed = verified.stream()
          .<MoveOutcome>map(v -> v.failed(Stage.ROWS, e.getMessage()))
          .toList();
      return new Batch<>(List.of(), failed);
    }
    List<CommittedRows> committed = new ArrayList<>(verified.size());
    for (VerifiedCopy v : verified) {
      committed.add(new CommittedRows(v, rows.getOrDefault(v.source().key(), 0)));
    }
    return new Batch<>(committed, List.of());
  }

  /**
   * Each object's rows in a transaction of their own, after the batch's transaction failed. Stops trying once the
   * run stops, or once one object waited minutes (a table lock or an ALTER TABLE, not a row lock: every object
   * after it would wait as long); the objects not tried fail, for a re-run. A lost database or a missing grant
   * stops the run, and the objects committed before it are kept as committed.
   */
  private Batch<CommittedRows> commitOneByOne(List<VerifiedCopy> verified) {
    List<CommittedRows> committed = new ArrayList<>(verified.size());
    List<MoveOutcome> ended = new ArrayList<>();
    String notTried = null;
    long budgetEnds = clock.nanoTime() + ONE_BY_ONE_BUDGET_NANOS;
    for (VerifiedCopy v : verified) {
      if (notTried == null && stop.requested()) {
        notTried = "the run stopped before its rows were rewritten; a re-run moves it";
      }
      if (notTried == null && clock.nanoTime() > budgetEnds) {
        notTried = "not tried: its batch's rows, rewritten one by one, waited on locks for over 10 minutes; a re-run"
            + " moves it";
      }
      if (notTried != null) {
        ended.add(v.failed(Stage.ROWS, notTried));
        continue;
      }
      long started = clock.nanoTime();
      try {
        Batch<CommittedRows> one = commitRows(List.of(v), false);
        committed.addAll(one.next());
        ended.addAll(one.ended());
        if (!one.ended().isEmpty() && clock.nanoTime() - started > TABLE_LOCK_NANOS) {
          notTried = "not tried: the table was locked for minutes (a LOCK TABLES or an ALTER TABLE); a re-run moves it";
        }
      } catch (PreflightException e) {
        stop.fail(e);
        ended.add(v.failed(Stage.ROWS, e.getMessage()));
        notTried = "the run stopped before its rows were rewritten; a re-run moves it";
      }
    }
    return new Batch<>(committed, ended);
  }

  // A row lock is given up within about 20 s (2 s waits, retried); a metadata lock only after 60 s per wait.
  private static final long TABLE_LOCK_NANOS = java.util.concurrent.TimeUnit.MINUTES.toNanos(2);
  // Many rows held locked at once (a long transaction of the service's): the rest of the batch waits for a re-run.
  private static final long ONE_BY_ONE_BUDGET_NANOS = java.util.concurrent.TimeUnit.MINUTES.toNanos(10);

  /**
   * Rows whose legacy object is gone but whose target object exists (the sweep saw it) point at nothing
   * until rewritten; rewriting them deletes nothing, so they need no copy token. A dry run counts them. A new
   * path the column cannot hold, or a statement the database refuses, fails those rows and leaves them.
   */
  public List<OrphanRows> rewriteOrphanRows(List<PathRewrite> rewrites) {
    List<OrphanRows> results = new ArrayList<>(rewrites.size());
    List<PathRewrite> fitting = new ArrayList<>(rewrites.size());
    for (PathRewrite r : rewrites) {
      if (tooLong(r.newPath())) {
        results.add(OrphanRows.failed(r, tooLongReason()));
      } else {
        fitting.add(r);
      }
    }
    if (fitting.isEmpty()) {
      return results;
    }
    Map<String, Integer> rows;
    try {
      rows = plan.dryRun()
          ? table.countRows(fitting.stream().map(PathRewrite::oldPath).toList())
          : table.rewrite(fitting);
    } catch (PreflightException e) {
      throw e;
    } catch (RuntimeException e) {
      if (fitting.size() > 1 && !plan.dryRun()) {
        // As in commitRows: a row the service keeps locked fails its own path, not the page's; within a budget.
        long budgetEnds = clock.nanoTime() + ONE_BY_ONE_BUDGET_NANOS;
        for (PathRewrite r : fitting) {
          results.addAll(stop.requested() || clock.nanoTime() > budgetEnds
              ? List.of(OrphanRows.failed(r, "not tried: the run stopped, or the page's rows waited on locks for"
                  + " over 10 minutes; a re-run rewrites it"))
              : rewriteOrphanRows(List.of(r)));
        }
        return results;
      }
      fitting.forEach(r -> results.add(OrphanRows.failed(r, e.getMessage())));
      return results;
    }
    for (PathRewrite r : fitting) {
      results.add(new OrphanRows(r.oldPath(), r.newPath(), rows.getOrDefault(r.oldPath(), 0), plan.dryRun(), null));
    }
    return results;
  }

  private boolean tooLong(String path) {
    return path.codePointCount(0, path.length()) > maxPathLength;
  }

  private String tooLongReason() {
    return "the new path is longer than the column allows (" + maxPathLength + " characters); widen the column";
  }

  // ---- Step 4: delete ----------------------------------------------------------------------------

  /**
   * Deletes the sources whose rows are committed, at most 1,000 a request, and reports each outcome. Just before,
   * the table is asked again for rows naming the sources: the live service may have written some since the rows
   * were committed (or a rewrite may not have matched them); they are rewritten then, the copy being verified, and
   * a source that rows still name is kept. With {@code --replica}, a batch's sources go only once every replica
   * has applied the rewrite of their rows (see {@link ReplicaWait}); a replica still behind when the wait ends
   * keeps its sources, for a re-run. Right after each delete request, rows naming a deleted source (written by the
   * service during the check or the request) are pointed at its copy.
   */
  public List<MoveOutcome> deleteSources(List<CommittedRows> committed) {
    List<MoveOutcome> outcomes = new ArrayList<>(committed.size());
    if (plan.dryRun() || plan.keepSource()) {
      for (CommittedRows c : committed) {
        outcomes.add(done(c, false));
      }
      return outcomes;
    }
    for (int from = 0; from < committed.size(); from += DELETE_BATCH) {
      List<CommittedRows> batch = committed.subList(from, Math.min(committed.size(), from + DELETE_BATCH));
      LateRows late = new LateRows(batch);
      late.rewrite(late.keys());
      if (replicas.any()) {
        // The rows' old paths are the source keys: a replica that may still show one still sends readers there. A
        // path it still shows may be a row written on the primary since: that is rewritten too, and waited for;
        // and so is one written during the wait for a path a replica had already cleared.
        for (int round = 1; ; round++) {
          late.keep(replicas.await(late.keys(), shown -> !late.rewrite(shown).isEmpty()));
          Set<String> again = late.rewrite(late.keys());
          if (again.isEmpty()) {
            break;
          }
          if (round == REPLICA_ROUNDS) {
            again.forEach(k -> late.keep(k, "rows naming it kept being written while the replicas were waited for,"
                + " so it is kept: a re-run moves it"));
            break;
          }
        }
      }
      Map<String, String> kept = late.kept();
      // Each source as it was copied: one rewritten since (its writer still uploads) is kept, not deleted unseen.
      List<StoredObject> sources = batch.stream().map(CommittedRows::source)
          .filter(s -> !kept.containsKey(s.key())).toList();
      Map<String, String> errors;
      try {
        errors = sources.isEmpty() ? Map.of() : store.delete(plan.sourceBucket(), sources).stream()
            .collect(Collectors.toMap(ObjectStore.KeyError::key, MoveSteps::deleteFailure, (a, b) -> a));
      } catch (StoreFailure e) {
        if (e.kind() == StoreFailure.Kind.FATAL) {
          throw e;
        }
        errors = sources.stream().collect(Collectors.toMap(StoredObject::key, s -> e.getMessage(), (a, b) -> a));
      }
      Set<String> failedKeys = errors.keySet();
      // All of them, failed ones too: a request that failed as a whole may have been carried out (its answer lost),
      // and a HEAD there tells a key that is gone from one still holding its object.
      late.rewriteDeleted(sources.stream().map(StoredObject::key).toList());
      Map<String, Integer> lateRows = late.rewritten();
      for (CommittedRows batched : batch) {
        String key = batched.source().key();
        CommittedRows c = batched.plus(lateRows.getOrDefault(key, 0));
        if (kept.containsKey(key)) {
          outcomes.add(c.failed(kept.get(key)));
        } else {
          outcomes.add(failedKeys.contains(key)
              ? c.failed("rows rewritten, but the source could not be deleted: " + errors.get(key))
              : done(c, true));
        }
      }
    }
    return outcomes;
  }

  // Waits for the replicas after rows naming the sources were written meanwhile, at most this many times a batch.
  private static final int REPLICA_ROUNDS = 3;

  /**
   * Step 4 for one batch of deletes: rows that name a source now, written by the live service since the batch's
   * rows were committed (or not matched by their rewrite). The copies are verified, so pointing such rows at them
   * is safe, while the source still holds the version that was copied: a row written for a newer upload at the
   * same key is left naming it, and that source is kept. A source that rows still name is kept.
   */
  private final class LateRows {
    private final Map<String, CommittedRows> bySource = new LinkedHashMap<>();
    private final Map<String, Integer> rewritten = new HashMap<>();
    private final Map<String, String> kept = new HashMap<>();

    LateRows(List<CommittedRows> batch) {
      batch.forEach(c -> bySource.put(c.source().key(), c));
    }

    /** The batch's sources not (yet) to be kept. */
    List<String> keys() {
      return bySource.keySet().stream().filter(k -> !kept.containsKey(k)).toList();
    }

    Map<String, String> kept() {
      return kept;
    }

    Map<String, Integer> rewritten() {
      return rewritten;
    }

    void keep(String key, String why) {
      kept.putIfAbsent(key, why);
    }

    void keep(Map<String, String> why) {
      why.forEach(this::keep);
    }

    /** Rewrites the rows naming {@code keys} now; returns the sources whose rows it rewrote. */
    Set<String> rewrite(Collection<String> keys) {
      List<String> asked = keys.stream().filter(k -> !kept.containsKey(k)).toList();
      if (asked.isEmpty()) {
        return Set.of();
      }
      try {
        Map<String, Integer> named = table.countRows(asked);
        if (named.isEmpty()) {
          return Set.of();
        }
        List<PathRewrite> again = new ArrayList<>();
        for (String key : named.keySet()) {
          CommittedRows c = bySource.get(key);
          Optional<StoredObject> now = store.head(plan.sourceBucket(), key);
          if (now.isPresent() && !Objects.equals(now.get().etag(), c.source().etag())) {
            keep(key, "it was rewritten after its copy was made, and rows written since name it: it is kept, and so"
                + " are they; a re-run reports the two as a conflict");
          } else {
            again.add(new PathRewrite(key, c.verified.targetKey()));
          }
        }
        Set<String> done = new HashSet<>();
        if (!again.isEmpty()) {
          table.rewrite(again).forEach((k, n) -> {
            rewritten.merge(k, n, Integer::sum);
            if (n > 0) {
              done.add(k);
            }
          });
          table.countRows(again.stream().map(PathRewrite::oldPath).toList()).forEach((k, n) -> keep(k,
              "rows rewritten, but " + n + " row(s) still named the source after they were rewritten again, so it"
                  + " is kept: a re-run moves them"));
        }
        return done;
      } catch (PreflightException e) {
        throw e;
      } catch (RuntimeException e) {
        if (e instanceof StoreFailure f && f.kind() == StoreFailure.Kind.FATAL) {
          throw e;
        }
        asked.forEach(k -> keep(k, "rows rewritten, but whether rows written since name the source could not be"
            + " checked (" + e.getMessage() + "), so it is kept: a re-run deletes it"));
        return Set.of();
      }
    }

    /**
     * Just after the delete: rows naming a deleted source were written by the service during the check above or
     * the delete request. They point at nothing; they are pointed at the verified copy now, rather than at the
     * run's final sweep, hours later on a large run. A source uploaded again since keeps its rows. What cannot be
     * done here (the database does not answer) is left to the sweep and to re-runs, as a row written after this.
     */
    void rewriteDeleted(List<String> deleted) {
      if (deleted.isEmpty()) {
        return;
      }
      try {
        List<PathRewrite> again = new ArrayList<>();
        for (String key : table.countRows(deleted).keySet()) {
          if (store.head(plan.sourceBucket(), key).isEmpty()) {
            again.add(new PathRewrite(key, bySource.get(key).verified.targetKey()));
          }
        }
        if (!again.isEmpty()) {
          table.rewrite(again).forEach((k, n) -> rewritten.merge(k, n, Integer::sum));
        }
      } catch (PreflightException e) {
        stop.fail(e); // the database is lost, or the run lock taken: the run stops; these outcomes stand
      } catch (StoreFailure e) {
        if (e.kind() == StoreFailure.Kind.FATAL) {
          stop.fail(new PreflightException(e.getMessage(), e));
        }
        // Otherwise the HEAD failed: those rows are left to the final sweep and re-runs, as below.
      } catch (RuntimeException e) {
        // The database did not answer (a timeout, a lock): the sources are gone either way and their outcomes
        // stand; the final sweep and re-runs look for such rows.
      }
    }
  }

  private static String deleteFailure(ObjectStore.KeyError error) {
    return error.changed()
        ? "it was rewritten after its copy was made (" + error.reason() + "), so it is kept: the rows point at the"
            + " copy of the version before; a re-run reports the two as a conflict"
        : error.reason();
  }

  private MoveOutcome done(CommittedRows c, boolean deleted) {
    Copied copy = c.verified.copy;
    if (plan.dryRun()) {
      return new MoveOutcome.Planned(copy.source, copy.targetKey, copy.simulated, c.rows);
    }
    return new MoveOutcome.Moved(copy.source, copy.targetKey, copy.madeCopy(), c.rows, deleted);
  }
}
