package dev.avatarmigrate.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A bounded queue drained by one thread in batches: a batch goes when it is full, or when its oldest item
 * has waited {@link #MAX_WAIT_MILLIS}, so a slow trickle is never held back waiting for a full batch.
 */
final class BatchDrain<T> {
  // 200 ms: long enough to gather a batch when objects stream in, short enough that rows follow their
  // copies closely and a person watching sees steady progress.
  private static final long MAX_WAIT_MILLIS = 200;

  private final BlockingQueue<T> queue;
  private final int batchSize;
  private final Consumer<List<T>> flush;
  private final Consumer<RuntimeException> onError;
  private volatile boolean upstreamDone;

  /** @param onError gets what a flush throws; draining goes on, so those putting items are never left blocked */
  BatchDrain(int capacity, int batchSize, Consumer<List<T>> flush, Consumer<RuntimeException> onError) {
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.batchSize = batchSize;
    this.flush = flush;
    this.onError = onError;
  }

  void put(T item) {
    try {
      queue.put(item);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while handing on " + item, e);
    }
  }

  /** No more items will be put; the drain flushes what is left and returns. */
  void upstreamDone() {
    upstreamDone = true;
  }

  /** Runs on the draining thread until {@link #upstreamDone} and the queue is empty. */
  void drain() {
    List<T> batch = new ArrayList<>(batchSize);
    long deadline = 0;
    while (true) {
      long wait = batch.isEmpty() ? MAX_WAIT_MILLIS : Math.max(0, (deadline - System.nanoTime()) / 1_000_000);
      T item;
      try {
        item = queue.poll(wait, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      if (item != null) {
        if (batch.isEmpty()) {
          deadline = System.nanoTime() + MAX_WAIT_MILLIS * 1_000_000;
        }
        batch.add(item);
        queue.drainTo(batch, batchSize - batch.size());
      }
      boolean finished = item == null && upstreamDone && queue.isEmpty();
      boolean due = !batch.isEmpty() && (batch.size() >= batchSize || System.nanoTime() >= deadline || finished);
      if (due) {
        try {
          flush.accept(batch);
        } catch (RuntimeException e) {
          onError.accept(e);
        }
        batch = new ArrayList<>(batchSize);
      }
      if (finished && batch.isEmpty()) {
        return;
      }
    }
  }
}
