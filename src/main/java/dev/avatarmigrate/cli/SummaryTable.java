package dev.avatarmigrate.cli;

import dev.avatarmigrate.config.ByteSize;
import dev.avatarmigrate.engine.RunSummary;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** The table printed at the end of a run. */
final class SummaryTable {
  private SummaryTable() {}

  static String render(RunSummary s, String method) {
    Map<String, String> rows = new LinkedHashMap<>();
    rows.put("listed", n(s.listed()));
    rows.put("matched", n(s.matched()));
    if (s.dryRun()) {
      rows.put("would copy", n(s.wouldCopy()));
      rows.put("already present", n(s.alreadyPresent()));
      rows.put("rows to rewrite", n(s.rowsToRewrite()));
    } else {
      rows.put("copied", n(s.copied()) + " (" + ByteSize.format(s.bytesCopied()) + ")");
      rows.put("already present", n(s.alreadyPresent()));
      rows.put("rows rewritten", n(s.rowsRewritten()));
      rows.put("deleted", n(s.deleted()));
    }
    rows.put("conflicts", n(s.conflicts()));
    rows.put("dangling", n(s.dangling()));
    rows.put("failed", n(s.failed()));
    double seconds = s.elapsed().toMillis() / 1000.0;
    rows.put("elapsed", String.format(Locale.ROOT, "%.1f s", seconds));
    rows.put("throughput", String.format(Locale.ROOT, "%.0f objects/s", s.objectsPerSecond()));

    StringBuilder b = new StringBuilder();
    String title = "avatarMigrate " + (s.dryRun() ? "dry run, nothing written" : "summary") + " (" + method
        + " mode)" + (s.interrupted() ? ": INTERRUPTED, run again to finish" : "");
    b.append(title).append('\n');
    rows.forEach((k, v) -> b.append(String.format(Locale.ROOT, "  %-20s %s%n", k, v)));
    return b.toString();
  }

  private static String n(long v) {
    return String.format(Locale.ROOT, "%,d", v);
  }
}
