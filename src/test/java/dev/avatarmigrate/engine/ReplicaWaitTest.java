package dev.avatarmigrate.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ReplicaWaitTest {
  private final FakePathTable primary = new FakePathTable(new FakeObjectStore.OperationLog());
  private final StopSignal stop = new StopSignal();

  /** A replica that is never behind: it shows the primary's rows as they are. */
  private FakeReplicas upToDate() {
    return new FakeReplicas((paths, position) -> {
      Map<String, String> shown = new HashMap<>();
      primary.countRows(paths).keySet().forEach(p -> shown.put(p, "replica-1"));
      return shown;
    });
  }

  @Test
  void aLegacyRowWrittenOnThePrimaryAfterTheCheckIsRewrittenThereInsteadOfWaitedForAsLag() {
    primary.addRows("image/avatar-1.png"); // the live service's insert, after the batch's rows were committed
    FakeReplicas replica = upToDate();
    VirtualClock clock = new VirtualClock();
    ReplicaWait wait = new ReplicaWait(replica, clock, stop, new MigrationListener() {});

    Map<String, String> kept = wait.await(List.of("image/avatar-1.png"), shown -> {
      Map<String, Integer> rows = primary.rewrite(
          shown.stream().map(p -> new PathRewrite(p, "avatar/" + p.substring("image/".length()))).toList());
      return rows.values().stream().anyMatch(n -> n > 0);
    });

    assertEquals(Map.of(), kept);
    assertEquals(1, primary.count("avatar/avatar-1.png"));
    assertEquals(2, replica.positionsRead(), "waited for the position after the second rewrite");
    assertTrue(clock.nanoTime() < TimeUnit.SECONDS.toNanos(1), "no lag to wait out: " + clock.nanoTime());
  }

  @Test
  void pathsAReplicaStillShowsAfterTheLimitKeepTheirSourcesAndStopTheRun() {
    primary.addRows("image/avatar-1.png");
    VirtualClock clock = new VirtualClock();
    ReplicaWait wait = new ReplicaWait(upToDate(), clock, stop, new MigrationListener() {});

    Map<String, String> kept = wait.await(List.of("image/avatar-1.png"), shown -> false);

    assertTrue(kept.get("image/avatar-1.png").contains("after 10 minutes"), kept.toString());
    assertTrue(stop.requested());
    assertEquals(ReplicaWait.LIMIT, clock.nanoTime());
  }
}
