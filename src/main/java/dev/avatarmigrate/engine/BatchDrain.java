package dev.avatarmigrate.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A bounded queue drained by one thread in batches: a batch goes when it is full, or when nothing has
 * arrived for a moment, so a slow trickle is not held back waiting for a full batch.
 */
final class BatchDrain<T> {
  // 100 ms: long enough to gather a batch when objects stream in, short enough to be invisible to a person.
  private static final long IDLE_FLUSH_MILLIS = 100;

  private final BlockingQueue<T> queue;
  private final int batchSize;
  private final Consumer<List<T>> flush;
  private volatile boolean upstreamDone;

  BatchDrain(int capacity, int batchSize, Consumer<List<T>> flush) {
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.batchSize = batchSize;
    this.flush = flush;
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
    while (true) {
      T item;
      try {
        item = queue.poll(IDLE_FLUSH_MILLIS, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      if (item != null) {
        batch.add(item);
        queue.drainTo(batch, batchSize - batch.size());
      }
      boolean finished = item == null && upstreamDone && queue.isEmpty();
      if (batch.size() >= batchSize || ((item == null || finished) && !batch.isEmpty())) {
        flush.accept(batch);
        batch = new ArrayList<>(batchSize);
      }
      if (finished) {
        return;
      }
    }
  }
}
