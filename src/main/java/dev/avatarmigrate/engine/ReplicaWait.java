package dev.avatarmigrate.engine;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Between a batch's committed rows and its source deletes: waits until no replica shows any of the batch's old
 * paths, so that a reader of a replica never follows a row to a deleted source. While a replica lags the deletes
 * wait, and with them, through the pipeline's bounded queues, the copies: the run goes at the replicas' pace.
 * A replica still behind after {@link #LIMIT} keeps those sources, for a re-run to delete.
 */
final class ReplicaWait {
  static final long LIMIT = TimeUnit.MINUTES.toNanos(10);
  private static final long FIRST_PAUSE = TimeUnit.MILLISECONDS.toNanos(50);
  private static final long MAX_PAUSE = TimeUnit.SECONDS.toNanos(1);
  // A wait this long is worth a line on stderr, and then again each time it has gone on as long once more.
  private static final long SAY_AFTER = TimeUnit.SECONDS.toNanos(10);

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

  static ReplicaWait none() {
    return new ReplicaWait(Replicas.NONE, Pace.SYSTEM, new StopSignal(), new MigrationListener() {});
  }

  /**
   * Returns the paths a replica still shows when the wait ends (the limit reached, or the run stopped), each with
   * why its source is kept; empty when every replica shows none of them.
   */
  Map<String, String> await(List<String> oldPaths) {
    if (!replicas.any() || oldPaths.isEmpty()) {
      return Map.of();
    }
    Map<String, String> shown = replicas.stillShown(oldPaths);
    long started = clock.nanoTime();
    long pause = FIRST_PAUSE;
    long sayAt = SAY_AFTER;
    while (!shown.isEmpty()) {
      long waited = clock.nanoTime() - started;
      if (waited >= LIMIT || stop.requested()) {
        return keptBecause(shown, waited >= LIMIT);
      }
      if (waited >= sayAt) {
        sayAt += SAY_AFTER * 6;
        listener.warning("replica " + shown.values().iterator().next() + " still shows " + shown.size()
            + " old path(s) after " + seconds(waited) + " (replication lag?): their sources are deleted once it"
            + " shows the rewritten rows, and the run waits for it, for up to " + TimeUnit.NANOSECONDS.toMinutes(LIMIT)
            + " minutes");
      }
      try {
        clock.sleep(Math.min(pause, LIMIT - waited));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return keptBecause(shown, false);
      }
      pause = Math.min(MAX_PAUSE, pause * 2);
      shown = replicas.stillShown(new ArrayList<>(shown.keySet()));
    }
    return Map.of();
  }

  private static Map<String, String> keptBecause(Map<String, String> shown, boolean timedOut) {
    Map<String, String> kept = new HashMap<>();
    shown.forEach((path, replica) -> kept.put(path, "rows rewritten, but replica " + replica + " still showed the"
        + " old path " + (timedOut ? "after " + TimeUnit.NANOSECONDS.toMinutes(LIMIT) + " minutes" : "when the run stopped")
        + ", so the source is kept: a re-run deletes it once the replica has caught up"));
    return kept;
  }

  private static String seconds(long nanos) {
    return String.format(Locale.ROOT, "%.0f s", nanos / 1e9);
  }
}
