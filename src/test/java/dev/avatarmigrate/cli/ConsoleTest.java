package dev.avatarmigrate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.avatarmigrate.engine.MoveOutcome;
import dev.avatarmigrate.engine.StoredObject;
import dev.avatarmigrate.engine.SummaryCounter;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class ConsoleTest {
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final PrintStream err = new PrintStream(bytes, true, StandardCharsets.UTF_8);

  private String err() {
    return bytes.toString(StandardCharsets.UTF_8);
  }

  private static SummaryCounter counterWithProgress() {
    SummaryCounter counter = new SummaryCounter(false);
    counter.listed(10, 10);
    StoredObject o = new StoredObject("image/avatar-1.png", 2048, "e");
    counter.outcome(new MoveOutcome.Moved(o, "avatar/avatar-1.png", true, 1, true));
    counter.outcome(new MoveOutcome.Failed(o, "avatar/avatar-1.png", MoveOutcome.Stage.COPY, "x"));
    counter.listingDone();
    return counter;
  }

  private static void await(Supplier<Boolean> condition) {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
    while (!condition.get()) {
      assertTrue(Instant.now().isBefore(deadline), "condition not met in time");
      Thread.onSpinWait();
    }
  }

  @Test
  void progressTextShowsDoneTotalBytesAndFailures() {
    Console console = new Console(err, false, 0);
    console.startProgress(counterWithProgress());
    String text = console.progressText();
    console.stopProgress();
    assertTrue(text.startsWith("2/10 objects"), text);
    assertTrue(text.contains("2.0 KiB"), text);
    assertTrue(text.endsWith("failures 1"), text);
  }

  @Test
  void whileTheListingGoesOnTheTotalIsALowerBoundAndNoEtaIsGiven() {
    SummaryCounter counter = new SummaryCounter(false);
    counter.listed(1000, 1000);
    StoredObject o = new StoredObject("image/avatar-1.png", 2048, "e");
    counter.outcome(new MoveOutcome.Moved(o, "avatar/avatar-1.png", true, 1, true));
    Console console = new Console(err, false, 0);

    String listing = console.progressTextOf(counter);
    counter.listingDone();
    String listed = console.progressTextOf(counter);

    assertTrue(listing.startsWith("1/1000+ objects"), listing);
    assertFalse(listing.contains("ETA"), "an ETA from a partial total would be wrong: " + listing);
    assertTrue(listing.contains("elapsed 00:0"), listing);
    assertTrue(listed.startsWith("1/1000 objects"), listed);
    assertTrue(listed.contains("ETA ") && !listed.contains("ETA --:--"), listed);
  }

  @Test
  void inSyncModeTheLineCountsCopiesAheadOfTheirChunksRowsAndDeletes() {
    // With --max-rate 50, a chunk of 1,000 takes 20 s to copy: the line must not read 0 objects meanwhile.
    SummaryCounter counter = counterWithProgress();
    for (int i = 0; i < 7; i++) {
      counter.copyStepDone();
    }
    Console console = new Console(err, false, 0);
    console.startProgress(counter);
    String text = console.progressText();
    console.stopProgress();
    assertTrue(text.startsWith("2/10 objects (7 copied)  "), text);
    assertFalse(text.contains("ETA --:--"), "the ETA follows the copies: " + text);

    String objectMode = new Console(err, false, 0).progressTextOf(counterWithProgress());
    assertFalse(objectMode.contains("copied"), objectMode);
  }

  @Test
  void withoutATerminalProgressIsAPlainLogLine() {
    Console console = new Console(err, false, 0, 20);
    console.startProgress(counterWithProgress());
    console.phase("moving");
    await(() -> err().contains("avatarMigrate: progress: 2/10 objects"));
    console.stopProgress();
    assertFalse(err().contains("\r"), "no carriage returns in a log: " + err());
  }

  @Test
  void noProgressIsShownDuringThePreflightSoItsErrorStaysOneLine() throws Exception {
    Console console = new Console(err, false, 0, 20);
    console.startProgress(counterWithProgress());
    console.phase("preflight");
    Thread.sleep(300); // fifteen log intervals
    console.stopProgress();
    assertEquals("", err());
  }

  @Test
  void onATerminalProgressRedrawsOneLineAndClearsItForLogLines() {
    Console console = new Console(err, true, 0);
    console.startProgress(counterWithProgress());
    console.phase("moving");
    await(() -> err().contains("\r2/10 objects"));
    console.warning("no index");
    console.stopProgress();
    assertTrue(err().contains("avatarMigrate: warning: no index\n"), err());
  }

  @Test
  void quietPrintsNoProgressButStillTheProblems() {
    Console console = new Console(err, true, -1, 20);
    console.startProgress(counterWithProgress());
    console.dangling("image/avatar-gone.png", 2);
    console.stopProgress();
    assertEquals("avatarMigrate: dangling: 2 row(s) point at image/avatar-gone.png, which is in neither bucket;"
        + " left alone\n", err());
  }

  @Test
  void notesAndPhasesAreShownAtVerboseOnly() {
    new Console(err, false, 0).note("bucket prod encrypts new objects with SSE-KMS by default");
    assertEquals("", err());
    Console verbose = new Console(err, false, 1);
    verbose.phase("preflight");
    verbose.note("bucket prod encrypts new objects with SSE-KMS by default");
    assertEquals("avatarMigrate: preflight\navatarMigrate: bucket prod encrypts new objects with SSE-KMS by default\n",
        err());
  }
}
