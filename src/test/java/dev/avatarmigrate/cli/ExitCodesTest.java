package dev.avatarmigrate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.avatarmigrate.config.ConfigException;
import dev.avatarmigrate.engine.PreflightException;
import dev.avatarmigrate.engine.RunSummary;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ExitCodesTest {

  private static RunSummary summary(long conflicts, long dangling, long failed, boolean interrupted) {
    return new RunSummary(10, 10, 10, 0, 10, 10, conflicts, dangling, failed, 100, 0, 0, false, interrupted,
        Duration.ofSeconds(1));
  }

  @Test
  void aCompleteRunExitsZero() {
    assertEquals(0, ExitCodes.of(summary(0, 0, 0, false)));
  }

  @Test
  void conflictsDanglingRowsOrFailuresExitOne() {
    assertEquals(1, ExitCodes.of(summary(1, 0, 0, false)));
    assertEquals(1, ExitCodes.of(summary(0, 1, 0, false)));
    assertEquals(1, ExitCodes.of(summary(0, 0, 1, false)));
  }

  @Test
  void anInterruptedRunExits130() {
    assertEquals(130, ExitCodes.of(summary(0, 0, 0, true)));
    assertEquals(130, ExitCodes.of(summary(3, 0, 0, true)));
  }

  @Test
  void errorsMapToUsageUnusableOrBug() {
    assertEquals(2, ExitCodes.of(new ConfigException("bad")));
    assertEquals(3, ExitCodes.of(new PreflightException("no bucket")));
    assertEquals(70, ExitCodes.of(new IllegalStateException("bug")));
  }
}
