package dev.avatarmigrate.engine;

import java.time.Duration;

/**
 * The totals of one run. {@code complete} is true when everything matched was moved and verified and
 * nothing conflicted, failed or dangles: exit code 0.
 */
public record RunSummary(
    long listed,
    long matched,
    long copied,
    long alreadyPresent,
    long rowsRewritten,
    long deleted,
    long conflicts,
    long dangling,
    long failed,
    long bytesCopied,
    long wouldCopy,
    long rowsToRewrite,
    boolean dryRun,
    boolean interrupted,
    Duration elapsed) {

  public boolean complete() {
    return !interrupted && conflicts == 0 && dangling == 0 && failed == 0;
  }

  public double objectsPerSecond() {
    double seconds = elapsed.toMillis() / 1000.0;
    return seconds <= 0 ? 0 : (copied + alreadyPresent + wouldCopy) / seconds;
  }
}
