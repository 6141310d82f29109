package dev.avatarmigrate.it;

import static dev.avatarmigrate.testing.AvatarWorld.avatarBytes;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.avatarmigrate.testing.AvatarWorld;
import dev.avatarmigrate.testing.AvatarWorld.Result;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The built jar, killed at varied moments of a run and started again: after every kill each row still points at
 * an object that exists, nothing else changed, and one plain re-run finishes the job.
 *
 * <p>Each kill waits for observed progress (a phase line, objects at the target, rows rewritten, sources
 * deleted), never for a fixed time, so it lands in the stage it names however fast this machine is.
 */
class KillAndRerunIT {
  // Three listing pages, several row batches and DeleteObjects requests, and three sync chunks.
  private static final int AVATARS = 2500;
  // More than one sync chunk, so the chunk a SIGTERM lets finish leaves work for the re-run.
  private static final int SIGTERM_AVATARS = 1100;
  // Few copy workers, so a kill finds objects in every stage at once rather than between two bursts.
  private static final String CONCURRENCY = "3";
  private static final Duration RUN_TIMEOUT = Duration.ofSeconds(90);
  private static final Duration POLL_TIMEOUT = Duration.ofSeconds(60);
  // 128 + the signal's number: what Process reports for a child SIGKILL ended, and what the JVM exits with
  // once its shutdown hooks have run after a SIGTERM.
  private static final int KILLED_BY_SIGKILL = 128 + 9;
  private static final int STOPPED_BY_SIGTERM = 128 + 15;

  /** What a kill waits for. Thresholds count from the state at that run's start, so every run makes progress. */
  private enum Probe {
    /** The run printed its "moving" phase: preflight is over, the listing starts. */
    MOVING,
    /** New objects under avatar/avatar- in the production bucket. */
    AT_TARGET,
    /** Rows that now hold avatar/avatar- paths. */
    ROWS_REWRITTEN,
    /** Legacy image/avatar- objects gone. */
    SOURCES_DELETED
  }

  private record Kill(String moment, Probe probe, long threshold) {}

  /**
   * Kills in every stage, each run getting further than the last. Sync mode moves a chunk of 1,000 through each
   * stage at once, so this order kills in each stage of the first chunk and in the copies and rows of the second,
   * and leaves the plain re-run that chunk's deletes and the whole third; object mode leaves it most objects.
   */
  private static final List<Kill> KILLS = List.of(
      new Kill("listing", Probe.MOVING, 1),
      new Kill("copying", Probe.AT_TARGET, 25),
      new Kill("rewriting rows", Probe.ROWS_REWRITTEN, 1),
      new Kill("deleting sources", Probe.SOURCES_DELETED, 1),
      new Kill("copying, further on", Probe.AT_TARGET, 420),
      new Kill("rewriting rows, further on", Probe.ROWS_REWRITTEN, 200));

  @ParameterizedTest
  @ValueSource(strings = {"object", "sync"})
  void killNineAtAnyMomentLeavesEveryRowPointingAtAnObjectAndOnePlainRerunFinishes(String method,
      @TempDir Path dir) throws Exception {
    Seeded world = seed(AVATARS);
    AvatarWorld w = world.w;

    int landed = 0;
    try (Progress progress = new Progress(w)) {
      for (int i = 0; i < KILLS.size(); i++) {
        Kill kill = KILLS.get(i);
        long atStart = progress.value(kill.probe, null);
        long started = System.nanoTime();
        try (RunningJar run = RunningJar.start(w, dir, "-v", "--method", method, "--concurrency", CONCURRENCY)) {
          long seen = awaitAtLeast(kill.moment, atStart + kill.threshold, () -> progress.value(kill.probe, run), run);
          if (seen == FINISHED_FIRST) {
            // Earlier kills can leave less to do than this moment needs (sync mode moves whole chunks of
            // 1,000): the job completed before it. The invariant is still checked below.
            System.out.println(method + " kill " + (i + 1) + ", " + kill.moment + ": overtaken, the run finished first");
            w.assertEveryRowPointsAtAnObject();
            world.assertOnlyTheMoveChangedAnything();
            continue;
          }
          landed++;
          run.process.destroyForcibly();
          assertEquals(KILLED_BY_SIGKILL, run.awaitExit(), "destroyForcibly() sends SIGKILL");
          System.out.println(String.format(Locale.ROOT, "%s kill %d, %s: %s %+d (wanted %+d) after %.1f s; then %s",
              method, i + 1, kill.moment, kill.probe, seen - atStart, kill.threshold,
              (System.nanoTime() - started) / 1e9, progress.state()));
        }
        w.assertEveryRowPointsAtAnObject();
        world.assertOnlyTheMoveChangedAnything();
      }
    }

    assertTrue(landed >= 4, "only " + landed + " of " + KILLS.size() + " kills landed before the run finished");
    Result finish = RunningJar.start(w, dir, "--method", method).awaitResult().expectExit(0);
    System.out.println(method + " plain re-run: copied " + finish.count("copied") + ", already present "
        + finish.count("already present") + ", rows rewritten " + finish.count("rows rewritten") + ", deleted "
        + finish.count("deleted"));
    world.assertComplete();

    Map<String, String> legacyAfter = etags(w, w.legacy);
    Map<String, String> productionAfter = etags(w, w.production);
    List<String> rowsAfter = w.paths();
    Result again = RunningJar.start(w, dir, "--method", method).awaitResult().expectExit(0);
    assertEquals(0, again.count("matched"));
    assertEquals(0, again.count("copied"));
    assertEquals(0, again.count("rows rewritten"));
    assertEquals(0, again.count("deleted"));
    assertEquals(legacyAfter, etags(w, w.legacy));
    assertEquals(productionAfter, etags(w, w.production));
    assertEquals(rowsAfter, w.paths());
  }

  @ParameterizedTest
  @ValueSource(strings = {"object", "sync"})
  void sigtermLetsInFlightObjectsFinishPrintsInterruptedAndARerunCompletes(String method, @TempDir Path dir)
      throws Exception {
    Seeded world = seed(SIGTERM_AVATARS);
    AvatarWorld w = world.w;

    Result stopped;
    try (Progress progress = new Progress(w);
        RunningJar run = RunningJar.start(w, dir, "--method", method, "--concurrency", CONCURRENCY)) {
      long seen = awaitAtLeast("copying", 100, () -> progress.value(Probe.AT_TARGET, run), run);
      // SIGTERM, as Process.destroy() sends it; but destroy() also closes our ends of the child's stdout and
      // stderr, and the summary the run prints while it drains would be lost. The handle only signals.
      run.process.toHandle().destroy();
      stopped = run.awaitResult();
      System.out.println(method + " SIGTERM at " + seen + " objects at the target; then " + progress.state());
    }

    stopped.expectExit(STOPPED_BY_SIGTERM);
    assertTrue(stopped.out().contains("INTERRUPTED"), stopped.out());
    assertTrue(stopped.err().contains("stopping: letting in-flight objects finish"), stopped.err());
    w.assertEveryRowPointsAtAnObject();
    world.assertOnlyTheMoveChangedAnything();

    RunningJar.start(w, dir, "--method", method).awaitResult().expectExit(0);
    world.assertComplete();
  }

  // ---- the world: avatars, odd keys, and things that must stay as they are -------------------------------

  /** A world seeded with avatars and bystanders, and what it looked like before any run. */
  private record Seeded(AvatarWorld w, Map<String, byte[]> avatars, List<String> rowsBefore,
      Map<String, String> legacyBefore, Map<String, String> productionBefore) {

    /** Rows changed only by the one rewrite, bystander objects unchanged, nothing new but moved avatars. */
    void assertOnlyTheMoveChangedAnything() {
      List<String> rows = w.paths();
      assertEquals(rowsBefore.size(), rows.size(), "rows added or lost");
      for (int i = 0; i < rows.size(); i++) {
        String before = rowsBefore.get(i);
        String now = rows.get(i);
        boolean moved = isAvatar(before) && now.equals("avatar/" + before.substring("image/".length()));
        assertTrue(now.equals(before) || moved, "row " + (i + 1) + " was " + before + ", is " + now);
      }
      Map<String, String> legacy = etags(w, w.legacy);
      legacyBefore.forEach((key, etag) -> {
        if (!isAvatar(key)) {
          assertEquals(etag, legacy.get(key), "a non-avatar changed: " + key);
        }
      });
      legacy.keySet().forEach(key -> assertTrue(legacyBefore.containsKey(key), "appeared in legacy: " + key));
      Map<String, String> production = etags(w, w.production);
      productionBefore.forEach((key, etag) -> assertEquals(etag, production.get(key), "production changed: " + key));
      production.keySet().forEach(key -> assertTrue(productionBefore.containsKey(key)
          || avatars.containsKey(key.substring("avatar/".length())), "unexpected at the target: " + key));
    }

    /** Every avatar moved byte-identical with its rows; no legacy avatar left; bystanders as they were. */
    void assertComplete() {
      w.assertAllMoved(avatars);
      assertOnlyTheMoveChangedAnything();
      assertTrue(w.paths().stream().noneMatch(KillAndRerunIT::isAvatar), "a row still holds a legacy avatar path");
      assertTrue(etags(w, w.legacy).keySet().stream().noneMatch(KillAndRerunIT::isAvatar),
          "a legacy avatar is left");
    }
  }

  private static Seeded seed(int count) {
    AvatarWorld w = AvatarWorld.create();
    Map<String, byte[]> avatars = new LinkedHashMap<>();
    for (int i = 0; i < count; i++) {
      String name = "avatar-" + i + ".png";
      avatars.put(name, avatarBytes(name, 200 + i % 900));
    }
    MigrationIT.ODD_NAMES.forEach(name -> avatars.put(name, avatarBytes(name, 333)));
    avatars.put("avatar-empty.png", new byte[0]);
    avatars.forEach((name, bytes) -> w.put(w.legacy, "image/" + name, bytes));

    List<String> rows = new ArrayList<>();
    avatars.keySet().forEach(name -> rows.add("image/" + name));
    rows.add(1, "image/avatar-0.png"); // two rows sharing one path
    // Bystanders: not avatars, or already modern; the run must leave them and their rows alone.
    w.put(w.legacy, "image/other.png", avatarBytes("other", 10));
    w.put(w.legacy, "image/thumb-avatar-1.png", avatarBytes("thumb", 10));
    w.put(w.legacy, "image/avatar.png", avatarBytes("no dash", 10));
    w.put(w.legacy, "images/avatar-1.png", avatarBytes("other prefix", 10));
    w.put(w.production, "avatar/avatar-modern.png", avatarBytes("modern", 50));
    rows.add("image/other.png");
    rows.add("avatar/avatar-modern.png");
    rows.add("image/avatar.png");
    w.rows(rows);
    return new Seeded(w, avatars, w.paths(), etags(w, w.legacy), etags(w, w.production));
  }

  private static boolean isAvatar(String key) {
    return key.startsWith("image/avatar-");
  }

  /** Key → ETag of every object in {@code bucket}. */
  private static Map<String, String> etags(AvatarWorld w, String bucket) {
    Map<String, String> all = new TreeMap<>();
    for (S3Object o : w.listAll(bucket)) {
      all.put(o.key(), o.eTag());
    }
    return all;
  }

  // ---- observing a run --------------------------------------------------------------------------------------

  /** Reads the progress of a run where a user would see it: the buckets, the table, stderr. */
  private static final class Progress implements AutoCloseable {
    private final AvatarWorld w;
    private final Connection db;

    Progress(AvatarWorld w) throws SQLException {
      this.w = w;
      this.db = w.db.connection(w.database);
    }

    long value(Probe probe, RunningJar run) {
      return switch (probe) {
        case MOVING -> run != null && run.err().contains("avatarMigrate: moving") ? 1 : 0;
        case AT_TARGET -> count(w.production, "avatar/avatar-");
        case ROWS_REWRITTEN -> rowsLike("avatar/avatar-%");
        case SOURCES_DELETED -> -count(w.legacy, "image/avatar-");
      };
    }

    String state() {
      return "at target " + count(w.production, "avatar/avatar-") + ", rows rewritten " + rowsLike("avatar/avatar-%")
          + ", legacy avatars left " + count(w.legacy, "image/avatar-");
    }

    /** Counts by listing (in V1 pages: see {@link AvatarWorld#listAll(String)}). */
    private long count(String bucket, String prefix) {
      return w.listAll(bucket, prefix).size();
    }

    private long rowsLike(String pattern) {
      try (PreparedStatement s = db.prepareStatement(
          "SELECT COUNT(*) FROM " + AvatarWorld.TABLE + " WHERE " + AvatarWorld.COLUMN + " LIKE ?")) {
        s.setString(1, pattern);
        try (ResultSet rs = s.executeQuery()) {
          rs.next();
          return rs.getLong(1);
        }
      } catch (SQLException e) {
        throw new IllegalStateException(e);
      }
    }

    @Override
    public void close() throws SQLException {
      db.close();
    }
  }

  /**
   * Polls {@code measure} until it reaches {@code threshold} and returns the value seen; fails when the run ends
   * first or the threshold is not reached within a minute. Between two looks it pauses twice as long as a look
   * took (5 ms at least), so polling the servers the run works against takes at most a third of a core from it
   * on a small machine. The one sleep of this class: it paces a poll, it never stands in for a result.
   */
  /** What {@link #awaitAtLeast} returns when the run completed (exit 0) before the value was reached. */
  private static final long FINISHED_FIRST = Long.MIN_VALUE;

  private static long awaitAtLeast(String what, long threshold, LongSupplier measure, RunningJar run)
      throws InterruptedException {
    long deadline = System.nanoTime() + POLL_TIMEOUT.toNanos();
    while (true) {
      long looked = System.nanoTime();
      long value = measure.getAsLong();
      long tookMillis = (System.nanoTime() - looked) / 1_000_000;
      if (value >= threshold) {
        return value;
      }
      if (!run.process.isAlive() && run.process.exitValue() == 0 && value < threshold) {
        return FINISHED_FIRST;
      }
      if (!run.process.isAlive()) {
        fail("the run ended (exit " + run.process.exitValue() + ") before " + what + " reached " + threshold
            + " (at " + value + ")\nstdout:\n" + run.out() + "\nstderr:\n" + run.err());
      }
      if (System.nanoTime() > deadline) {
        fail("no " + what + " within " + POLL_TIMEOUT + ": at " + value + ", waiting for " + threshold);
      }
      // Paces the poll; returns at once if the run ends, which the next round reports.
      run.process.waitFor(Math.max(5, 2 * tookMillis), java.util.concurrent.TimeUnit.MILLISECONDS);
    }
  }

  /** The jar running as its own process, its stdout and stderr collected as they come. */
  private static final class RunningJar implements AutoCloseable {
    final Process process;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final Thread outPump;
    private final Thread errPump;

    private RunningJar(Process process) {
      this.process = process;
      this.outPump = pump(process.getInputStream(), out);
      this.errPump = pump(process.getErrorStream(), err);
    }

    static RunningJar start(AvatarWorld w, Path workDir, String... options) throws IOException {
      return new RunningJar(w.startJar(workDir, options));
    }

    String out() {
      return out.toString(UTF_8);
    }

    String err() {
      return err.toString(UTF_8);
    }

    int awaitExit() throws InterruptedException {
      if (!process.waitFor(RUN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        fail("the run did not end within " + RUN_TIMEOUT + "\nstderr:\n" + err());
      }
      outPump.join();
      errPump.join();
      return process.exitValue();
    }

    Result awaitResult() throws InterruptedException {
      int exit = awaitExit();
      return new Result(exit, out(), err());
    }

    /** A test that fails half-way leaves no process behind. */
    @Override
    public void close() throws InterruptedException {
      if (process.isAlive()) {
        process.destroyForcibly().waitFor();
      }
    }

    private static Thread pump(InputStream from, ByteArrayOutputStream to) {
      Thread t = new Thread(() -> {
        try {
          from.transferTo(to);
        } catch (IOException e) {
          // the process is gone; what it wrote so far is kept
        }
      }, "jar-output");
      t.setDaemon(true);
      t.start();
      return t;
    }
  }
}
