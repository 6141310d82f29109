package dev.avatarmigrate.engine;

import dev.avatarmigrate.engine.MoveSteps.CommittedRows;
import dev.avatarmigrate.engine.MoveSteps.Copied;
import dev.avatarmigrate.engine.MoveSteps.Step;
import dev.avatarmigrate.engine.MoveSteps.VerifiedCopy;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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
 * deleted in one DeleteObjects request. Rows and deletes of one chunk overlap the copies of the next.
 */
final class SyncPipeline {
  // 1,000: one listing page, one DeleteObjects request and one UPDATE … JOIN per chunk.
  static final int CHUNK = 1000;
  // Chunks waiting for rows and deletes while the next one copies; bounds memory to a few chunks.
  private static final int CHUNKS_IN_FLIGHT = 2;

  private final Semaphore inFlight = new Semaphore(CHUNKS_IN_FLIGHT);
  private String previousTargetKey;

  private final MoveSteps steps;
  private final ObjectStore store;
  private final MovePlan plan;
  private final int concurrency;
  private final MigrationListener listener;
  private final StopSignal stop;
  private final TargetRange targetRange;

  SyncPipeline(MoveRun run) {
    this.steps = run.steps();
    this.store = run.store();
    this.plan = run.plan();
    this.concurrency = run.concurrency();
    this.listener = run.listener();
    this.stop = run.stop();
    this.targetRange = new TargetRange(run.store(), run.plan());
  }

  void run() {
    ExecutorService copies = Executors.newFixedThreadPool(concurrency, daemon("avatarMigrate-copy"));
    ExecutorService finisher = Executors.newSingleThreadExecutor(daemon("avatarMigrate-rows"));
    KeyMapping mapping = plan.mapping();
    List<StoredObject> chunk = new ArrayList<>(CHUNK);
    try {
      store.list(plan.sourceBucket(), mapping.listPrefix(), null, page -> {
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
              moveChunk(new ArrayList<>(chunk), copies, finisher);
              chunk.clear();
            }
          }
        }
        return !stop.requested();
      });
      if (!chunk.isEmpty() && !stop.requested()) {
        moveChunk(chunk, copies, finisher);
      }
    } catch (RuntimeException e) {
      stop.fail(e instanceof StoreFailure ? new PreflightException(e.getMessage(), e) : e);
    } finally {
      copies.shutdown();
      finisher.shutdown();
      awaitQuietly(copies);
      awaitQuietly(finisher);
    }
  }

  private void moveChunk(List<StoredObject> chunk, ExecutorService copies, ExecutorService finisher) {
    KeyMapping mapping = plan.mapping();
    String from = previousTargetKey;
    String to = mapping.targetKey(chunk.get(chunk.size() - 1).key());
    previousTargetKey = to;

    Set<String> wanted = new HashSet<>(chunk.size() * 2);
    chunk.forEach(o -> wanted.add(mapping.targetKey(o.key())));
    Map<String, StoredObject> before = targetRange.list(from, to, wanted);

    // Step 1: copy what is missing, on the pool.
    List<Future<Step<Copied>>> futures = new ArrayList<>(chunk.size());
    for (StoredObject o : chunk) {
      StoredObject listed = before.get(mapping.targetKey(o.key()));
      futures.add(copies.submit(() -> steps.copy(o, listed != null && CopyRule.needsHead(o, listed)
          ? store.head(plan.targetBucket(), listed.key())
          : Optional.ofNullable(listed))));
    }
    List<Copied> copied = new ArrayList<>(chunk.size());
    for (int i = 0; i < futures.size(); i++) {
      Step<Copied> step = get(futures.get(i), chunk.get(i));
      if (step.isEnded()) {
        listener.outcome(step.ended());
      } else {
        copied.add(step.next());
      }
    }

    // Step 2: verify the copies made by listing the range once more, instead of a HEAD each.
    Set<String> made = new HashSet<>();
    copied.stream().filter(Copied::needsObservation).forEach(c -> made.add(c.targetKey()));
    Map<String, StoredObject> after = made.isEmpty() ? Map.of() : targetRange.list(from, to, made);
    List<VerifiedCopy> verified = new ArrayList<>(copied.size());
    for (Copied c : copied) {
      Step<VerifiedCopy> step = steps.verify(c, Optional.ofNullable(after.get(c.targetKey())));
      if (step.isEnded()) {
        listener.outcome(step.ended());
      } else {
        verified.add(step.next());
      }
    }

    // Steps 3 and 4 on the finisher, so this chunk's rows and deletes overlap the next chunk's copies.
    inFlight.acquireUninterruptibly();
    finisher.submit(() -> {
      try {
        MoveSteps.Batch<CommittedRows> committed = steps.commitRows(verified, true);
        committed.ended().forEach(listener::outcome);
        steps.deleteSources(committed.next()).forEach(listener::outcome);
      } catch (RuntimeException e) {
        stop.fail(e instanceof StoreFailure ? new PreflightException(e.getMessage(), e) : e);
        verified.forEach(v -> listener.outcome(
            new MoveOutcome.Failed(v.source(), v.targetKey(), MoveOutcome.Stage.ROWS, e.getMessage())));
      } finally {
        inFlight.release();
      }
    });
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
