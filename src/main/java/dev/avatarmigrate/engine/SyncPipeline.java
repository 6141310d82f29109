package dev.avatarmigrate.engine;

import dev.avatarmigrate.engine.MoveSteps.CommittedRows;
import dev.avatarmigrate.engine.MoveSteps.Copied;
import dev.avatarmigrate.engine.MoveSteps.Step;
import dev.avatarmigrate.engine.MoveSteps.VerifiedCopy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Sync mode: works through the sorted source listing in chunks. For each chunk one listing of the
 * matching target key range replaces a HEAD per object, copies run on the pool, a second listing of the
 * range verifies them, and the rows are rewritten with one joined UPDATE before the chunk's sources are
 * deleted in one DeleteObjects request. The stages run side by side on successive chunks (see
 * {@link #startChunk}), so the round trips of listings, copies and commits overlap.
 */
final class SyncPipeline {
  // 1,000: one listing page, one DeleteObjects request and one UPDATE … JOIN per chunk.
  static final int CHUNK = 1000;
  // Chunks between their target listing and their deletes: one copying, one being verified, one having its rows
  // and deletes done. Bounds memory to a few chunks.
  private static final int CHUNKS_IN_FLIGHT = 3;

  private final Semaphore inFlight = new Semaphore(CHUNKS_IN_FLIGHT);
  private String previousTargetKey;

  private final MoveSteps steps;
  private final ObjectStore store;
  private final MovePlan plan;
  private final SourceListing sources;
  private final int concurrency;
  private final Pace pace;
  private final MigrationListener listener;
  private final StopSignal stop;
  private final KeyRange targetRange;

  SyncPipeline(MoveRun run) {
    this.steps = run.steps();
    this.store = run.store();
    this.plan = run.plan();
    this.sources = run.sources();
    this.concurrency = run.concurrency();
    this.pace = run.pace();
    this.listener = run.listener();
    this.stop = run.stop();
    this.targetRange = KeyRange.target(run.store(), run.plan());
  }

  void run() {
    ExecutorService copies = Executors.newFixedThreadPool(concurrency, daemon("avatarMigrate-copy"));
    ExecutorService verifier = Executors.newSingleThreadExecutor(daemon("avatarMigrate-verify"));
    ExecutorService finisher = Executors.newSingleThreadExecutor(daemon("avatarMigrate-rows"));
    KeyMapping mapping = plan.mapping();
    List<StoredObject> chunk = new ArrayList<>(CHUNK);
    try {
      sources.list(page -> {
        int matched = 0;
        for (StoredObject o : page) {
          if (mapping.matches(o.key())) {
            matched++;
          }
        }
        listener.listed(page.size(), matched);
        for (StoredObject o : page) {
          if (stop.requested()) {
            return false;
          }
          if (mapping.matches(o.key())) {
            chunk.add(o);
            if (chunk.size() == CHUNK) {
              startChunk(new ArrayList<>(chunk), copies, verifier, finisher);
              chunk.clear();
            }
          }
        }
        return !stop.requested();
      });
      if (!stop.requested()) {
        listener.listingDone();
      }
      if (!chunk.isEmpty() && !stop.requested()) {
        startChunk(chunk, copies, verifier, finisher);
      }
    } catch (RuntimeException e) {
      stop.fail(e instanceof StoreFailure ? new PreflightException(e.getMessage(), e) : e);
    } finally {
      // In this order: copies feed the verifier, which feeds the finisher.
      copies.shutdown();
      awaitQuietly(copies);
      verifier.shutdown();
      awaitQuietly(verifier);
      finisher.shutdown();
      awaitQuietly(finisher);
    }
  }

  /**
   * Lists what the target holds in the chunk's range and puts the chunk's copies on the pool; the verifier
   * takes it from there. So while one chunk copies, the one before is verified and the one before that has
   * its rows and deletes done, and the next source page is listed: no stage waits for the others' round trips.
   */
  private void startChunk(List<StoredObject> chunk, ExecutorService copies, ExecutorService verifier,
      ExecutorService finisher) {
    KeyMapping mapping = plan.mapping();
    String from = previousTargetKey;
    String to = mapping.targetKey(chunk.get(chunk.size() - 1).key());
    previousTargetKey = to;

    inFlight.acquireUninterruptibly();
    boolean handedOver = false;
    try {
      List<String> wanted = chunk.stream().map(o -> mapping.targetKey(o.key())).toList();
      Map<String, StoredObject> before = targetRange.list(from, wanted);

      // Step 1: copy what is missing, on the pool. A copy not yet started when the run is stopped is skipped
      // (null, or not submitted): it gets no outcome, and a re-run picks it up.
      List<Future<Step<Copied>>> futures = new ArrayList<>(chunk.size());
      for (StoredObject o : chunk) {
        if (!pace.await(stop)) {
          break;
        }
        StoredObject listed = before.get(mapping.targetKey(o.key()));
        futures.add(copies.submit(() -> {
          if (stop.requested()) {
            return null;
          }
          try {
            return steps.copy(o, listed != null && CopyRule.needsHead(o, listed)
                ? store.head(plan.targetBucket(), listed.key())
                : Optional.ofNullable(listed));
          } finally {
            if (!plan.dryRun()) { // a dry run copies nothing, and its chunks go by fast
              listener.copyStepDone();
            }
          }
        }));
      }
      verifier.submit(() -> verifyChunk(chunk, from, futures, finisher));
      handedOver = true;
    } finally {
      if (!handedOver) {
        inFlight.release();
      }
    }
  }

  /** Steps 2 to 4 for one chunk; runs on the verifier, one chunk at a time, in listing order. */
  private void verifyChunk(List<StoredObject> chunk, String from, List<Future<Step<Copied>>> futures,
      ExecutorService finisher) {
    boolean handedOver = false;
    try {
      List<Copied> copied = new ArrayList<>(chunk.size());
      for (int i = 0; i < futures.size(); i++) {
        Step<Copied> step = get(futures.get(i), chunk.get(i));
        if (step == null) {
          continue;
        }
        if (step.isEnded()) {
          listener.outcome(step.ended());
        } else {
          copied.add(step.next());
        }
      }

      // Step 2: verify the copies made by listing the range once more, instead of a HEAD each.
      List<String> made = copied.stream().filter(Copied::needsObservation).map(Copied::targetKey).toList();
      Map<String, StoredObject> after = made.isEmpty() ? Map.of() : targetRange.list(from, made);
      List<VerifiedCopy> verified = new ArrayList<>(copied.size());
      for (Copied c : copied) {
        Step<VerifiedCopy> step = steps.verify(c, Optional.ofNullable(after.get(c.targetKey())));
        if (step.isEnded()) {
          listener.outcome(step.ended());
        } else {
          verified.add(step.next());
        }
      }

      // Steps 3 and 4 on the finisher, so this chunk's rows and deletes overlap the next chunk's verification.
      finisher.submit(() -> {
        try {
          finishChunk(verified);
        } catch (RuntimeException e) {
          stop.fail(e); // a listener that fails (the report's disk is full): the steps themselves are done
        } finally {
          inFlight.release();
        }
      });
      handedOver = true;
    } catch (RuntimeException e) {
      // The verifying listing failed (credentials gone, bucket gone): nothing of this chunk goes further.
      stop.fail(e instanceof StoreFailure ? new PreflightException(e.getMessage(), e) : e);
    } finally {
      if (!handedOver) {
        inFlight.release();
      }
    }
  }

  /** Steps 3 and 4 for one chunk; runs on the finisher. What the listener does is kept apart from the steps. */
  private void finishChunk(List<VerifiedCopy> verified) {
    List<MoveOutcome> outcomes = new ArrayList<>(verified.size());
    try {
      MoveSteps.Batch<CommittedRows> committed = steps.commitRows(verified, true);
      outcomes.addAll(committed.ended());
      try {
        outcomes.addAll(steps.deleteSources(committed.next()));
      } catch (RuntimeException e) {
        stop.fail(e instanceof StoreFailure ? new PreflightException(e.getMessage(), e) : e);
        committed.next().forEach(c -> outcomes.add(c.failed(e.getMessage())));
      }
    } catch (RuntimeException e) {
      stop.fail(e instanceof StoreFailure ? new PreflightException(e.getMessage(), e) : e);
      verified.forEach(v -> outcomes.add(v.failed(MoveOutcome.Stage.ROWS, e.getMessage())));
    }
    outcomes.forEach(listener::outcome);
  }

  private Step<Copied> get(Future<Step<Copied>> future, StoredObject source) {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof StoreFailure f && f.kind() == StoreFailure.Kind.FATAL) {
        stop.fail(new PreflightException(f.getMessage(), f));
      } else if (cause instanceof PreflightException p) {
        stop.fail(p);
      }
      return Step.ended(new MoveOutcome.Failed(source, plan.mapping().targetKey(source.key()),
          MoveOutcome.Stage.COPY, String.valueOf(cause.getMessage())));
    }
  }

  static java.util.concurrent.ThreadFactory daemon(String name) {
    int[] n = {0};
    return r -> {
      Thread t = new Thread(r, name + "-" + n[0]++);
      t.setDaemon(true);
      return t;
    };
  }

  private static void awaitQuietly(ExecutorService pool) {
    boolean interrupted = false;
    while (true) {
      try {
        if (pool.awaitTermination(1, TimeUnit.HOURS)) {
          break;
        }
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
