package dev.avatarmigrate.cli;

import dev.avatarmigrate.config.Settings;
import dev.avatarmigrate.db.MariaDbPathTable;
import dev.avatarmigrate.db.MariaDbReplicas;
import dev.avatarmigrate.engine.MigrationListener;
import dev.avatarmigrate.engine.Migration;
import dev.avatarmigrate.engine.RunSummary;
import dev.avatarmigrate.engine.StopSignal;
import dev.avatarmigrate.s3.S3ObjectStore;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Wires one run: the adapters, the listeners, Ctrl-C handling, and the summary at the end. */
final class Runner implements AvatarMigrateCommand.Run {
  // On Ctrl-C or SIGTERM, in-flight objects get this long to finish their steps before the JVM exits.
  private static final long DRAIN_SECONDS = 60;

  private final PrintStream out;
  private final PrintStream err;
  private final boolean terminal;
  private final boolean handleSignals;

  Runner(PrintStream out, PrintStream err, boolean terminal, boolean handleSignals) {
    this.out = out;
    this.err = err;
    this.terminal = terminal;
    this.handleSignals = handleSignals;
  }

  @Override
  public int execute(Settings settings, int verbosity) {
    Console console = new Console(err, terminal, verbosity);
    if (verbosity > 0) {
      console.line("settings: " + settings.describe());
      console.line("s3: " + S3ObjectStore.httpClient());
    }
    List<MigrationListener> listeners = new ArrayList<>(List.of(console));
    ReportWriter report = settings.report() == null ? null : new ReportWriter(settings.report());
    if (report != null) {
      listeners.add(report);
    }
    StopSignal stop = new StopSignal();
    CountDownLatch finished = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      stop.request();
      console.line("stopping: letting in-flight objects finish; kill -9 is safe too, a re-run completes the job");
      try {
        finished.await(DRAIN_SECONDS, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "avatarMigrate-stop");
    if (handleSignals) {
      Runtime.getRuntime().addShutdownHook(hook);
    }
    boolean[] running = {false};
    try (S3ObjectStore store = S3ObjectStore.open(settings.s3(), settings.concurrency());
        MariaDbPathTable table = MariaDbPathTable.open(settings.database(), settings.table(), settings.column());
        MariaDbReplicas replicas = MariaDbReplicas.open(table, settings.replicas(), settings.table(), settings.column())) {
      Migration migration = new Migration(settings, store, table, replicas, MigrationListener.all(listeners));
      console.startProgress(migration.progress());
      RunSummary summary;
      try {
        running[0] = true;
        summary = migration.run(stop);
      } finally {
        console.stopProgress();
      }
      out.print(SummaryTable.render(summary, settings.method().name().toLowerCase(Locale.ROOT)));
      out.flush();
      if (report != null) {
        report.summary(summary);
      }
      return ExitCodes.of(summary);
    } catch (RuntimeException e) {
      if (running[0] || !stop.interrupted() || !handleSignals) {
        throw e;
      }
      // Ctrl-C or SIGTERM came while the clients were being opened, and opening failed as the JVM shut down (the
      // CRT tears itself down in a hook of its own). Said here, since once this returns the stop hook lets the JVM
      // halt, and the caller's error handler might never print.
      console.line("stopped before the run began (" + e.getMessage() + "); nothing was done: run again");
      return ExitCodes.INTERRUPTED;
    } finally {
      if (report != null) {
        report.close();
      }
      finished.countDown();
      if (handleSignals) {
        try {
          Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
          // already shutting down: the hook is running and has just been released
        }
      }
    }
  }
}
