package dev.avatarmigrate.engine;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code --max-rate}: objects are started 1/N s apart, so S3 and the database see at most N moves a second,
 * whatever the concurrency. The thread that hands out work waits here, so the workers simply run dry. The turns
 * keep to a fixed timeline, so a wait that overshoots is made up by the next; time not used (a slow listing page)
 * is not saved up for a burst afterwards.
 */
final class Pace {
  /** Time as the pace sees it; a test's clock moves only when the pace sleeps. */
  interface Clock {
    long nanoTime();

    void sleep(long nanos) throws InterruptedException;
  }

  static final Clock SYSTEM = new Clock() {
    @Override
    public long nanoTime() {
      return System.nanoTime();
    }

    @Override
    public void sleep(long nanos) throws InterruptedException {
      // Not Thread.sleep, which rounds up to whole milliseconds: above ~500 a second the pace fell short.
      LockSupport.parkNanos(nanos);
      if (Thread.interrupted()) {
        throw new InterruptedException();
      }
    }
  };

  // A stop is looked at this often while waiting, so Ctrl-C is not held up by a slow pace.
  private static final long SLICE = TimeUnit.MILLISECONDS.toNanos(100);
  private static final Pace NONE = new Pace(0, 0, SYSTEM);

  private final int perSecond;
  private final long interval;
  private final Clock clock;
  private long next;
  private boolean started;
  private long waited;

  private Pace(int perSecond, long interval, Clock clock) {
    this.perSecond = perSecond;
    this.interval = interval;
    this.clock = clock;
  }

  static Pace none() {
    return NONE;
  }

  /** @param perSecond at least 1 */
  static Pace perSecond(int perSecond, Clock clock) {
    if (perSecond < 1) {
      throw new IllegalArgumentException("perSecond " + perSecond);
    }
    return new Pace(perSecond, TimeUnit.SECONDS.toNanos(1) / perSecond, clock);
  }

  boolean limits() {
    return interval > 0;
  }

  int perSecond() {
    return perSecond;
  }

  /**
   * Waits for the next object's turn; false when the run is stopped meanwhile (that object is not started).
   * Called by one thread at a time.
   */
  synchronized boolean await(StopSignal stop) {
    if (interval == 0) {
      return true;
    }
    long now = clock.nanoTime();
    if (!started) {
      started = true;
      next = now;
    }
    while (now < next) {
      if (stop.requested()) {
        return false;
      }
      long wait = Math.min(next - now, SLICE);
      try {
        clock.sleep(wait);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        stop.request(); // nothing interrupts this thread but a run going down: stop, rather than end as if done
        return false;
      }
      long after = clock.nanoTime();
      waited += after - now;
      now = after;
    }
    // On the timeline, so a wait that overshot is made up; after a stall of an interval or more, from now.
    next = now - next >= interval ? now + interval : next + interval;
    return !stop.requested();
  }

  /** Nanoseconds spent waiting for the pace so far. */
  synchronized long waitedNanos() {
    return waited;
  }
}
