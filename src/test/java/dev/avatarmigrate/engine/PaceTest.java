package dev.avatarmigrate.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PaceTest {
  /** A clock that moves only when told to or when the pace sleeps; it records every sleep. */
  private static final class Clock implements Pace.Clock {
    long now = 1_000_000_000L;
    final List<Long> sleeps = new ArrayList<>();
    Runnable onSleep = () -> {};

    @Override
    public long nanoTime() {
      return now;
    }

    @Override
    public void sleep(long nanos) {
      sleeps.add(nanos);
      now += nanos;
      onSleep.run();
    }
  }

  private final Clock clock = new Clock();
  private final StopSignal stop = new StopSignal();

  @Test
  void objectsStartOneIntervalApartTheFirstAtOnce() {
    Pace pace = Pace.perSecond(4, clock);
    List<Long> starts = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      assertTrue(pace.await(stop));
      starts.add(clock.now);
    }
    assertEquals(List.of(1_000_000_000L, 1_250_000_000L, 1_500_000_000L, 1_750_000_000L), starts);
    assertEquals(750_000_000L, pace.waitedNanos());
  }

  @Test
  void timeNotUsedIsNotSavedUpForABurst() {
    Pace pace = Pace.perSecond(10, clock);
    pace.await(stop);
    clock.now += 5_000_000_000L; // a slow listing page: five seconds with nothing to start
    long before = clock.now;
    pace.await(stop);
    assertEquals(before, clock.now, "the first after the stall starts at once");
    pace.await(stop);
    assertEquals(before + 100_000_000L, clock.now, "the next waits its interval");
  }

  @Test
  void aWaitThatOvershootsIsMadeUpByTheNextSoTheRateHolds() {
    Pace pace = Pace.perSecond(1000, clock);
    clock.onSleep = () -> clock.now += 300_000; // every sleep overshoots by 0.3 ms, as the OS may
    for (int i = 0; i < 1000; i++) {
      pace.await(stop);
    }
    assertEquals(1_000_000_000L + 999_000_000L, clock.now, 400_000, "999 intervals, give or take one overshoot");
  }

  @Test
  void aLongIntervalIsWaitedInSlicesSoAStopIsSeenSoon() {
    Pace pace = Pace.perSecond(1, clock);
    pace.await(stop);
    clock.onSleep = () -> {
      if (clock.sleeps.size() == 2) {
        stop.request();
      }
    };
    assertFalse(pace.await(stop), "stopped while waiting: that object is not started");
    assertEquals(List.of(100_000_000L, 100_000_000L), clock.sleeps);
  }

  @Test
  void noLimitNeverWaits() {
    Pace pace = Pace.none();
    for (int i = 0; i < 1000; i++) {
      assertTrue(pace.await(stop));
    }
    assertFalse(pace.limits());
    assertEquals(0, pace.waitedNanos());
  }

  @Test
  void aRateBelowOneIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> Pace.perSecond(0, clock));
  }
}
