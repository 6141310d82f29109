package dev.avatarmigrate.testing;

import java.time.Duration;

/**
 * Waits for something observable instead of sleeping for a guessed time: checks a condition every few
 * milliseconds until it holds, and fails with what was awaited when the timeout passes first.
 */
public final class Poll {
  // 5 ms: short next to the 2 s lock waits and the few-ms transactions the tests watch for.
  private static final long INTERVAL_MS = 5;

  /** A check that may run SQL or read state; it may also act (e.g. kill a connection) on each round. */
  @FunctionalInterface
  public interface Condition {
    boolean holds() throws Exception;
  }

  private Poll() {}

  /** Checks {@code condition} until it holds; an AssertionError naming {@code what} after {@code timeout}. */
  public static void until(String what, Duration timeout, Condition condition) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.holds()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("still waiting, after " + timeout.toSeconds() + " s, for " + what);
      }
      Thread.sleep(INTERVAL_MS);
    }
  }
}
