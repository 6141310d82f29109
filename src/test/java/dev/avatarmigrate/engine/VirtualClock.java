package dev.avatarmigrate.engine;

import java.util.concurrent.TimeUnit;

/**
 * Time for the engine's tests: it moves only when the code under test sleeps on it, or the test moves it; it can
 * ask a run to stop once a moment is reached.
 */
final class VirtualClock implements Pace.Clock {
  private long now;
  private long stopAt = Long.MAX_VALUE;
  private StopSignal stop;

  @Override
  public synchronized long nanoTime() {
    return now;
  }

  @Override
  public synchronized void sleep(long nanos) {
    now += nanos;
    if (now >= stopAt) {
      stop.request();
    }
  }

  synchronized long now() {
    return now;
  }

  synchronized void advanceSeconds(long seconds) {
    now += TimeUnit.SECONDS.toNanos(seconds);
  }

  /** Once a sleep reaches {@code nanos}, {@code signal} is asked to stop. */
  synchronized VirtualClock stopAt(long nanos, StopSignal signal) {
    this.stopAt = nanos;
    this.stop = signal;
    return this;
  }
}
