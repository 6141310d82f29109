package dev.avatarmigrate.cli;

import dev.avatarmigrate.config.ByteSize;
import dev.avatarmigrate.engine.MigrationListener;
import dev.avatarmigrate.engine.MoveOutcome;
import dev.avatarmigrate.engine.OrphanRows;
import dev.avatarmigrate.engine.SummaryCounter;
import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the operator sees on stderr while a run goes: warnings, the first failures, and progress, as a
 * live line on a terminal or a log line every few seconds otherwise. {@code -q} keeps only errors.
 */
final class Console implements MigrationListener {
  // Past this many, individual failures go only to the report; the summary still counts them all.
  private static final int PROBLEM_LINES = 20;
  private static final long LOG_EVERY_MILLIS = 5_000;
  private static final long REDRAW_MILLIS = 250;

  private final long logEveryMillis;
  private final PrintStream err;
  private final boolean terminal;
  private final int verbosity;
  private final AtomicInteger problems = new AtomicInteger();
  private volatile SummaryCounter counter;
  private volatile long started = System.nanoTime();
  // No progress during the preflight: its error must stay the one line of a run that never started.
  private volatile boolean pastPreflight;
  private Thread ticker;
  private int lastWidth;

  /** @param verbosity -1 quiet, 0 normal, 1 and up verbose */
  Console(PrintStream err, boolean terminal, int verbosity) {
    this(err, terminal, verbosity, LOG_EVERY_MILLIS);
  }

  Console(PrintStream err, boolean terminal, int verbosity, long logEveryMillis) {
    this.logEveryMillis = logEveryMillis;
    this.err = err;
    this.terminal = terminal;
    this.verbosity = verbosity;
  }

  void startProgress(SummaryCounter counter) {
    this.counter = counter;
    this.started = System.nanoTime();
    if (verbosity < 0) {
      return;
    }
    ticker = new Thread(() -> {
      long lastLog = System.currentTimeMillis();
      while (!Thread.currentThread().isInterrupted()) {
        try {
          Thread.sleep(Math.min(REDRAW_MILLIS, logEveryMillis));
        } catch (InterruptedException e) {
          return;
        }
        if (!pastPreflight) {
          lastLog = System.currentTimeMillis();
        } else if (terminal) {
          redraw();
        } else if (System.currentTimeMillis() - lastLog >= logEveryMillis) {
          lastLog = System.currentTimeMillis();
          line("progress: " + progressText());
        }
      }
    }, "avatarMigrate-progress");
    ticker.setDaemon(true);
    ticker.start();
  }

  void stopProgress() {
    if (ticker != null) {
      ticker.interrupt();
      try {
        ticker.join(1000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    clearLine();
  }

  String progressText() {
    return progressTextOf(counter);
  }

  String progressTextOf(SummaryCounter c) {
    // One reading of each counter; whether the total is known is read first, so a known total is a whole one.
    boolean known = c.totalKnown();
    long total = c.matched();
    long done = c.done();
    // Sync mode finishes objects a chunk of 1,000 at a time, after their copies: the pace is the copies'.
    long pastCopy = Math.max(done, c.pastCopy());
    double seconds = Math.max(0.001, (System.nanoTime() - started) / 1e9);
    double rate = pastCopy / seconds;
    // The listing goes only a few thousand objects ahead of the work: until it ends, the total is what it found
    // so far, and the time taken is shown instead of an ETA that would be wrong.
    String time = known
        ? "ETA " + (rate > 0 && total > pastCopy ? formatDuration((long) ((total - pastCopy) / rate)) : "--:--")
        : "elapsed " + formatDuration((long) seconds);
    String copied = pastCopy > done ? String.format(Locale.ROOT, " (%d copied)", pastCopy) : "";
    return String.format(Locale.ROOT, "%d/%d%s objects%s  %.0f obj/s  %s  %s  failures %d",
        done, total, known ? "" : "+", copied, rate, ByteSize.format(c.bytes()), time, c.failures());
  }

  private synchronized void redraw() {
    String text = progressText();
    StringBuilder b = new StringBuilder("\r").append(text);
    for (int i = text.length(); i < lastWidth; i++) {
      b.append(' ');
    }
    lastWidth = text.length();
    err.print(b);
    err.flush();
  }

  private synchronized void clearLine() {
    if (terminal && lastWidth > 0) {
      err.print("\r" + " ".repeat(lastWidth) + "\r");
      err.flush();
      lastWidth = 0;
    }
  }

  /** A log line, printed above the live progress line. */
  synchronized void line(String text) {
    clearLine();
    err.println("avatarMigrate: " + text);
    err.flush();
  }

  @Override
  public void phase(String name) {
    if (!pastPreflight && !name.equals("preflight")) {
      started = System.nanoTime(); // objects/s and the ETA count from the first listing, not the preflight
      pastPreflight = true;
    }
    if (verbosity > 0) {
      line(name);
    }
  }

  @Override
  public void note(String message) {
    if (verbosity > 0) {
      line(message);
    }
  }

  @Override
  public void warning(String message) {
    if (verbosity >= 0) {
      line("warning: " + message);
    }
  }

  @Override
  public void outcome(MoveOutcome o) {
    if (o instanceof MoveOutcome.Failed f) {
      problem("failed at " + f.stage().label() + ": " + f.source().key() + ": " + f.reason());
    } else if (o instanceof MoveOutcome.Conflict c) {
      problem("conflict: " + c.targetKey() + " already holds a different object (size " + c.existing().size()
          + " vs " + c.source().size() + "); both kept, rows untouched (--on-conflict overwrite replaces it)");
    } else if (verbosity > 1) {
      line(o.name() + ": " + o.source().key() + " -> " + o.targetKey());
    }
  }

  @Override
  public void dangling(String path, int rows) {
    problem("dangling: " + rows + " row(s) point at " + path + ", which is in neither bucket; left alone");
  }

  @Override
  public void orphanRows(OrphanRows o) {
    if (o.failed()) {
      problem("failed at rows: the rows of " + o.oldPath() + ", whose object had already moved to " + o.newPath()
          + ": " + o.failure());
    } else if (verbosity > 0) {
      line((o.planned() ? "would rewrite " : "rewrote ") + o.rows() + " row(s) of " + o.oldPath()
          + " whose object had already moved to " + o.newPath());
    }
  }

  private void problem(String text) {
    int n = problems.incrementAndGet();
    if (verbosity > 0 || n <= PROBLEM_LINES) {
      line(text);
    } else if (n == PROBLEM_LINES + 1) {
      line("more problems follow; the summary counts them and --report lists each");
    }
  }

  static String formatDuration(long seconds) {
    return seconds >= 3600
        ? String.format(Locale.ROOT, "%d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60)
        : String.format(Locale.ROOT, "%02d:%02d", seconds / 60, seconds % 60);
  }
}
