package dev.avatarmigrate.engine;

import dev.avatarmigrate.engine.MoveSteps.CommittedRows;
import dev.avatarmigrate.engine.MoveSteps.Copied;
import dev.avatarmigrate.engine.MoveSteps.Step;
import dev.avatarmigrate.engine.MoveSteps.VerifiedCopy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Object mode: the paged listing feeds a bounded queue, each source with what the target held at its key
 * (one listing of the target per page of sources, not a HEAD each); a fixed pool of workers copies, waits
 * for and verifies each object; one thread commits rows in batches; one thread deletes sources in batches.
 * Memory is bounded by the queues, whatever the bucket holds.
 */
final class ObjectPipeline {
  // 500 rows a transaction: amortises the commit, while a lock wait on one row holds back few others.
  private static final int ROW_BATCH = 500;
  // Two listing pages of look-ahead keep the workers fed without holding the bucket in memory.
  private static final int WORK_QUEUE = 2000;
  private static final Work END = new Work(new StoredObject("", -1, ""), null);

  /** A source to move and the object its target key held when the target was listed (null: none). */
  private record Work(StoredObject source, StoredObject listedTarget) {}


  private final MoveSteps steps;
  private final ObjectStore store;
  private final MovePlan plan;
  private final SourceListing sources;
  private final int concurrency;
  private final Pace pace;
  private final MigrationListener listener;
  private final StopSignal stop;
  private final KeyRange targetRange;
  private String previousTargetKey;

  ObjectPipeline(MoveRun run) {
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
    BlockingQueue<Work> work = new ArrayBlockingQueue<>(WORK_QUEUE);
    BatchDrain<CommittedRows> deletes =
        new BatchDrain<>(MoveSteps.DELETE_BATCH * 2, MoveSteps.DELETE_BATCH, this::deleteBatch, stop::fail);
    BatchDrain<VerifiedCopy> rows =
        new BatchDrain<>(ROW_BATCH * 4, ROW_BATCH, batch -> commitBatch(batch, deletes), stop::fail);

    List<Thread> workers = new ArrayList<>();
    for (int i = 0; i < concurrency; i++) {
      workers.add(start("avatarMigrate-copy-" + i, () -> work(work, rows)));
    }
    Thread rowThread = start("avatarMigrate-rows", rows::drain);
    Thread deleteThread = start("avatarMigrate-delete", deletes::drain);

    try {
      list(work);
    } catch (RuntimeException e) {
      // A listing that fails (lost credentials, bucket gone) makes the run unusable: exit 3, not a bug.
      stop.fail(e instanceof StoreFailure ? new PreflightException(e.getMessage(), e) : e);
    } finally {
      for (int i = 0; i < concurrency; i++) {
        putUninterruptibly(work, END);
      }
      joinAll(workers);
      rows.upstreamDone();
      join(rowThread);
      deletes.upstreamDone();
      join(deleteThread);
    }
  }

  private void list(BlockingQueue<Work> work) {
    KeyMapping mapping = plan.mapping();
    sources.list(page -> {
      List<StoredObject> matched = page.stream().filter(o -> mapping.matches(o.key())).toList();
      listener.listed(page.size(), matched.size());
      if (matched.isEmpty()) {
        return !stop.requested();
      }
      Map<String, StoredObject> atTarget = listTarget(matched);
      for (StoredObject o : matched) {
        if (stop.requested() || !pace.await(stop)) {
          return false;
        }
        putUninterruptibly(work, new Work(o, atTarget.get(mapping.targetKey(o.key()))));
      }
      return !stop.requested();
    });
    if (!stop.requested()) {
      listener.listingDone();
    }
  }

  /** What the target holds at the keys of one page of sources: the range since the previous page. */
  private Map<String, StoredObject> listTarget(List<StoredObject> matched) {
    KeyMapping mapping = plan.mapping();
    List<String> wanted = matched.stream().map(o -> mapping.targetKey(o.key())).toList();
    String from = previousTargetKey;
    String to = mapping.targetKey(matched.get(matched.size() - 1).key());
    previousTargetKey = to;
    return targetRange.list(from, wanted);
  }

  private void work(BlockingQueue<Work> work, BatchDrain<VerifiedCopy> rows) {
    while (true) {
      Work next = takeUninterruptibly(work);
      if (next == END) {
        return;
      }
      if (stop.requested()) {
        continue; // not started: it gets no outcome, and a re-run picks it up
      }
      try {
        move(next, rows);
      } catch (RuntimeException e) {
        // Not the object's own failure (a report that cannot be written, a bug): the run stops. The worker
        // lives on to drain the queue, so the listing and the other stages are never left waiting on it.
        stop.fail(e);
      }
    }
  }

  /** Steps 1 and 2 for one object; a verified copy goes on to the row batches. */
  private void move(Work next, BatchDrain<VerifiedCopy> rows) {
    StoredObject source = next.source();
    StoredObject listed = next.listedTarget();
    String targetKey = plan.mapping().targetKey(source.key());
    Step<VerifiedCopy> verified;
    try {
      // The listing shows size and ETag only; a HEAD is needed just where they cannot decide (see CopyRule).
      Step<Copied> copied = steps.copy(source, listed != null && CopyRule.needsHead(source, listed)
          ? store.head(plan.targetBucket(), targetKey)
          : Optional.ofNullable(listed));
      verified = copied.isEnded() ? Step.ended(copied.ended()) : steps.verify(copied.next());
    } catch (StoreFailure e) {
      if (e.kind() == StoreFailure.Kind.FATAL) {
        stop.fail(new PreflightException(e.getMessage(), e));
      }
      verified = Step.ended(new MoveOutcome.Failed(source, targetKey, MoveOutcome.Stage.COPY, e.getMessage()));
    }
    if (verified.isEnded()) {
      listener.outcome(verified.ended());
    } else {
      rows.put(verified.next());
    }
  }

  private void commitBatch(List<VerifiedCopy> batch, BatchDrain<CommittedRows> deletes) {
    MoveSteps.Batch<CommittedRows> committed;
    try {
      committed = steps.commitRows(batch, false);
    } catch (RuntimeException e) {
      stop.fail(e);
      batch.forEach(v -> listener.outcome(v.failed(MoveOutcome.Stage.ROWS, e.getMessage())));
      return;
    }
    committed.ended().forEach(listener::outcome);
    committed.next().forEach(deletes::put);
  }

  private void deleteBatch(List<CommittedRows> batch) {
    List<MoveOutcome> outcomes;
    try {
      outcomes = steps.deleteSources(batch);
    } catch (RuntimeException e) {
      stop.fail(e instanceof StoreFailure ? new PreflightException(e.getMessage(), e) : e);
      batch.forEach(c -> listener.outcome(c.failed(e.getMessage())));
      return;
    }
    // Outside the try: a listener that fails (the report's disk is full) must not be taken for a failed delete.
    outcomes.forEach(listener::outcome);
  }

  private Thread start(String name, Runnable body) {
    Thread t = new Thread(() -> {
      try {
        body.run();
      } catch (RuntimeException e) {
        stop.fail(e);
      }
    }, name);
    t.setDaemon(true);
    t.start();
    return t;
  }

  static <T> void putUninterruptibly(BlockingQueue<T> queue, T item) {
    boolean interrupted = false;
    while (true) {
      try {
        queue.put(item);
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private static <T> T takeUninterruptibly(BlockingQueue<T> queue) {
    while (true) {
      try {
        return queue.take();
      } catch (InterruptedException e) {
        // the run ends through the END markers, not through interrupts
      }
    }
  }

  static void joinAll(List<Thread> threads) {
    threads.forEach(ObjectPipeline::join);
  }

  static void join(Thread t) {
    while (true) {
      try {
        t.join();
        return;
      } catch (InterruptedException e) {
        // keep waiting: in-flight objects must finish their steps before the run returns
      }
    }
  }
}
