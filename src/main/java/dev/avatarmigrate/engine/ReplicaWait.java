package dev.avatarmigrate.engine;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Between a batch's committed rows and its source deletes: waits until every replica has applied the primary's
 * transactions up to the moment the rows were committed (its replication position, where the primary keeps a
 * binary log), and shows none of the batch's old paths, so that a reader of a replica never follows a row to a
 * deleted source: neither the rewritten row nor a legacy row inserted just before it. While a replica lags the
 * deletes wait, and with them, through the pipeline's bounded queues, the copies: the run goes at the replicas'
 * pace. A replica still behind after {@link #LIMIT} stops the run (exit 3): the sources it holds back are kept,
 * for a re-run to delete once it has caught up.
 */
final class ReplicaWait {
  static final long LIMIT = TimeUnit.MINUTES.toNanos(10);
  private static final long FIRST_PAUSE = TimeUnit.MILLISECONDS.toNanos(50);
  private static final long MAX_PAUSE = TimeUnit.SECONDS.toNanos(1);
  // A wait this long is worth a line on stderr, and then one a minute.
  private static final long SAY_AFTER = TimeUnit.SECONDS.toNanos(10);
  private static final long SAY_AGAIN = TimeUnit.MINUTES.toNanos(1);

  private final Replicas replicas;
  private final Pace.Clock clock;
  private final StopSignal stop;
  private final MigrationListener listener;

  ReplicaWait(Replicas replicas, Pace.Clock clock, StopSignal stop, MigrationListener listener) {
    this.replicas = replicas;
    this.clock = clock;
    this.stop = stop;
    this.listener = listener;
  }

  /** False when no replica was named: there is nothing to wait for. */
  boolean any() {
    return replicas.any();
  }

  static ReplicaWait none() {
    return new ReplicaWait(Replicas.NONE, Pace.SYSTEM, new StopSignal(), new MigrationListener() {});
  }

  /**
   * Returns the paths a replica still shows when the wait ends (the limit reached, or the run stopped), each with
   * why its source is kept; empty when every replica shows none of them.
   *
   * @param rewriteOnPrimary given the paths a replica still shows, rewrites the rows on the primary that name them
   *     now (written by the live service since the batch's rows were committed); true when it rewrote any, and
   *     then the wait is for the primary's new position
   */
  Map<String, String> await(List<String> oldPaths, Predicate<List<String>> rewriteOnPrimary) {
    if (!replicas.any() || oldPaths.isEmpty()) {
      return Map.of();
    }
    // Read after the batch's rows were committed: the position covers them, and whatever was written before.
    String position = replicas.primaryPosition();
    Map<String, String> shown = replicas.notYetShowing(oldPaths, position);
    long started = clock.nanoTime();
    long pause = FIRST_PAUSE;
    long sayAt = SAY_AFTER;
    while (!shown.isEmpty()) {
      long waited = clock.nanoTime() - started;
      if (waited >= LIMIT) {
        // Each batch after this one would wait as long: stop, rather than copy on at a batch per ten minutes.
        stop.fail(new PreflightException("replica " + shown.values().iterator().next() + " has not shown "
            + shown.size() + " rewritten row(s) after " + TimeUnit.NANOSECONDS.toMinutes(LIMIT) + " minutes: is it"
            + " replicating? Their sources are kept; run again once it has caught up"));
        return keptBecause(shown, true);
      }
      if (stop.requested()) {
        return keptBecause(shown, false);
      }
      if (waited >= sayAt) {
        sayAt += SAY_AGAIN;
        listener.warning("replica " + shown.values().iterator().next() + " has not shown " + shown.size()
            + " rewritten row(s) after " + seconds(waited) + " (replication lag?): their sources are deleted once it"
            + " does, and the run waits for it, for up to " + TimeUnit.NANOSECONDS.toMinutes(LIMIT) + " minutes");
      }
      try {
        clock.sleep(Math.min(pause, LIMIT - waited));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return keptBecause(shown, false);
      }
      pause = Math.min(MAX_PAUSE, pause * 2);
      // Not lag, where the primary shows the path again: a row written since. Rewritten there, it replicates too.
      if (rewriteOnPrimary.test(new ArrayList<>(shown.keySet()))) {
        position = replicas.primaryPosition();
      }
      shown = replicas.notYetShowing(new ArrayList<>(shown.keySet()), position);
    }
    return Map.of();
  }

  private static Map<String, String> keptBecause(Map<String, String> shown, boolean timedOut) {
    Map<String, String> kept = new HashMap<>();
    shown.forEach((path, replica) -> kept.put(path, "rows rewritten, but replica " + replica + " had not shown them"
        + " " + (timedOut ? "after " + TimeUnit.NANOSECONDS.toMinutes(LIMIT) + " minutes" : "when the run stopped")
        + ", so the source is kept: a re-run deletes it once the replica has caught up"));
    return kept;
  }

  private static String seconds(long nanos) {
    return String.format(Locale.ROOT, "%.0f s", nanos / 1e9);
  }
}
