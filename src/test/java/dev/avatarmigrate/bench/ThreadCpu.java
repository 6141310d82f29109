package dev.avatarmigrate.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * CPU time per thread of a process, from {@code /proc/PID/task/TID/stat}, grouped by kind of thread (the thread's
 * name less its trailing number: "C1 CompilerThre", "S3Proxy-Jetty", "avatarMigrate-copy", ...). Linux only; empty
 * elsewhere. A diagnostic: it tells whether a process's CPU goes to its own work, the JIT or the GC.
 */
final class ThreadCpu {
  /** One thread: its kind and the CPU seconds it has used so far. */
  record Sample(String kind, double seconds) {}

  private ThreadCpu() {}

  /** Thread id → sample, for every live thread of {@code pid}. */
  static Map<Long, Sample> of(long pid) {
    Map<Long, Sample> threads = new HashMap<>();
    try (var tasks = Files.list(Path.of("/proc", String.valueOf(pid), "task"))) {
      for (Path task : tasks.toList()) {
        String stat;
        try {
          stat = Files.readString(task.resolve("stat"));
        } catch (IOException gone) {
          continue;
        }
        // tid (comm) state ppid ...: utime and stime are fields 14 and 15, in clock ticks (100 a second)
        String comm = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        double seconds = (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0;
        threads.put(Long.parseLong(task.getFileName().toString()),
            new Sample(comm.replaceAll("[#0-9 -]+$", ""), seconds));
      }
    } catch (IOException | RuntimeException e) {
      return Map.of();
    }
    return threads;
  }

  static Map<String, Double> byKind(Collection<Sample> samples) {
    Map<String, Double> kinds = new TreeMap<>();
    samples.forEach(s -> kinds.merge(s.kind(), s.seconds(), Double::sum));
    return kinds;
  }

  /** "kind 1.2, kind 0.4, ...", largest first, leaving out what used under 0.05 s. */
  static String describe(Map<String, Double> seconds) {
    StringBuilder sb = new StringBuilder();
    seconds.entrySet().stream()
        .filter(e -> e.getValue() >= 0.05)
        .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
        .forEach(e -> sb.append(sb.length() == 0 ? "" : ", ")
            .append(String.format(Locale.ROOT, "%s %.1f", e.getKey(), e.getValue())));
    return sb.toString();
  }
}
