package dev.avatarmigrate.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs one command to completion and measures its wall time, peak resident memory and CPU time: with GNU time
 * ({@code /usr/bin/time -f "%M %U %S"}) when it is installed, else by polling {@code VmHWM} in {@code /proc} for the
 * process and its descendants (and without CPU time).
 */
final class TimedProcess {
  private static final Path GNU_TIME = Path.of("/usr/bin/time");
  private static final long TIMEOUT_MINUTES = 30;

  /**
   * {@code cpuSeconds} is user + system time, NaN when unknown; {@code cpuByThread} the CPU seconds per kind of
   * thread when asked for (else empty).
   */
  record Result(int exit, double wallSeconds, double peakRssMiB, double cpuSeconds, Map<String, Double> cpuByThread,
      Path stdout, Path stderr) {
    String stdoutText() throws IOException {
      return Files.readString(stdout, StandardCharsets.UTF_8);
    }
  }

  private TimedProcess() {}

  static boolean gnuTimeAvailable() {
    return Files.isExecutable(GNU_TIME);
  }

  /**
   * Runs {@code command} in {@code workDir} with the environment changed by {@code env} (a null value removes the
   * variable); stdout and stderr go to {@code logBase.out} and {@code logBase.err}. With {@code byThread}, the
   * process's threads are looked at every 100 ms to tell its CPU time per kind of thread.
   */
  static Result run(List<String> command, Map<String, String> env, Path workDir, Path logBase, boolean byThread)
      throws IOException, InterruptedException {
    Path out = logBase.resolveSibling(logBase.getFileName() + ".out");
    Path err = logBase.resolveSibling(logBase.getFileName() + ".err");
    Path rss = logBase.resolveSibling(logBase.getFileName() + ".rss");
    boolean gnuTime = gnuTimeAvailable();
    List<String> full = new ArrayList<>();
    if (gnuTime) {
      full.addAll(List.of(GNU_TIME.toString(), "-f", "%M %U %S", "-o", rss.toString()));
    }
    full.addAll(command);
    ProcessBuilder pb = new ProcessBuilder(full).directory(workDir.toFile())
        .redirectOutput(out.toFile()).redirectError(err.toFile());
    env.forEach((k, v) -> {
      if (v == null) {
        pb.environment().remove(k);
      } else {
        pb.environment().put(k, v);
      }
    });
    long started = System.nanoTime();
    Process process = pb.start();
    AtomicLong polledKiB = new AtomicLong();
    Thread poller = gnuTime ? null : startPolling(process, polledKiB);
    Map<Long, ThreadCpu.Sample> threads = new ConcurrentHashMap<>();
    Thread threadWatcher = byThread ? startWatchingThreads(process, threads) : null;
    if (!process.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      throw new IllegalStateException(String.join(" ", command) + " did not finish in " + TIMEOUT_MINUTES + " min");
    }
    double wall = (System.nanoTime() - started) / 1e9;
    if (threadWatcher != null) {
      threadWatcher.interrupt();
      threadWatcher.join();
    }
    long peakKiB;
    double cpu = Double.NaN;
    if (poller != null) {
      poller.interrupt();
      poller.join();
      peakKiB = polledKiB.get();
    } else {
      String[] measured = lastLine(Files.readAllLines(rss, StandardCharsets.UTF_8)).split(" ");
      peakKiB = Long.parseLong(measured[0]);
      cpu = Double.parseDouble(measured[1]) + Double.parseDouble(measured[2]);
    }
    return new Result(process.exitValue(), wall, peakKiB / 1024.0, cpu, ThreadCpu.byKind(threads.values()), out, err);
  }

  private static Thread startPolling(Process process, AtomicLong peakKiB) {
    Thread t = new Thread(() -> {
      while (process.isAlive() && !Thread.currentThread().isInterrupted()) {
        long now = vmHwmKiB(process.pid());
        for (ProcessHandle child : process.descendants().toList()) {
          now = Math.max(now, vmHwmKiB(child.pid()));
        }
        peakKiB.accumulateAndGet(now, Math::max);
        try {
          process.waitFor(20, java.util.concurrent.TimeUnit.MILLISECONDS); // the next sample, or its exit
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "rss-poller");
    t.setDaemon(true);
    t.start();
    return t;
  }

  /** Keeps the latest CPU time of every thread seen (a thread that ends keeps its last reading, up to 100 ms old). */
  private static Thread startWatchingThreads(Process process, Map<Long, ThreadCpu.Sample> threads) {
    Thread t = new Thread(() -> {
      while (process.isAlive() && !Thread.currentThread().isInterrupted()) {
        threads.putAll(ThreadCpu.of(process.pid()));
        process.descendants().forEach(child -> threads.putAll(ThreadCpu.of(child.pid())));
        try {
          process.waitFor(100, java.util.concurrent.TimeUnit.MILLISECONDS); // the next sample, or its exit
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "thread-cpu-watcher");
    t.setDaemon(true);
    t.start();
    return t;
  }

  private static long vmHwmKiB(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException | RuntimeException gone) {
      // the process ended between two looks
    }
    return 0;
  }

  /** GNU time's "%M %U %S" line: the last one (a killed command has "Command terminated by signal" first). */
  private static String lastLine(List<String> lines) {
    for (int i = lines.size() - 1; i >= 0; i--) {
      String l = lines.get(i).strip();
      if (l.matches("\\d+ [0-9.]+ [0-9.]+")) {
        return l;
      }
    }
    return "0 NaN NaN";
  }
}
