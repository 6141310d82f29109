package dev.avatarmigrate.cli;

import dev.avatarmigrate.engine.MigrationListener;
import dev.avatarmigrate.engine.MoveOutcome;
import dev.avatarmigrate.engine.RunSummary;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code --report FILE}: JSON Lines, one line per matched object and per row found dangling or repaired,
 * then one summary line. Each line is flushed as it is written, so a killed run leaves a useful file.
 */
final class ReportWriter implements MigrationListener, AutoCloseable {
  private final BufferedWriter out;

  ReportWriter(Path file) {
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
          StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new dev.avatarmigrate.config.ConfigException("--report " + file + " cannot be written: " + e.getMessage());
    }
  }

  @Override
  public void outcome(MoveOutcome o) {
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("key", o.source().key());
    line.put("target_key", o.targetKey());
    line.put("size", o.source().size());
    line.put("etag", o.source().etag());
    line.put("outcome", o.name());
    if (o instanceof MoveOutcome.Moved m) {
      line.put("rows", m.rowsRewritten());
      line.put("source_deleted", m.sourceDeleted());
    } else if (o instanceof MoveOutcome.Planned p) {
      line.put("rows", p.rowsToRewrite());
    } else if (o instanceof MoveOutcome.Conflict c) {
      line.put("rows", 0);
      line.put("error", "a different object is at the target (size " + c.existing().size() + ", ETag "
          + c.existing().etag() + "); both kept, rows untouched");
    } else if (o instanceof MoveOutcome.Failed f) {
      line.put("rows", 0);
      line.put("stage", f.stage().label());
      line.put("error", f.reason());
    }
    write(line);
  }

  @Override
  public void dangling(String path, int rows) {
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("path", path);
    line.put("outcome", "dangling");
    line.put("rows", rows);
    line.put("error", "no object at this path in either bucket; rows left as they are");
    write(line);
  }

  @Override
  public void orphanRowsRewritten(String oldPath, String newPath, int rows) {
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("path", oldPath);
    line.put("target_key", newPath);
    line.put("outcome", "row_rewritten");
    line.put("rows", rows);
    write(line);
  }

  void summary(RunSummary s) {
    Map<String, Object> totals = new LinkedHashMap<>();
    totals.put("listed", s.listed());
    totals.put("matched", s.matched());
    totals.put("copied", s.copied());
    totals.put("already_present", s.alreadyPresent());
    totals.put("would_copy", s.wouldCopy());
    totals.put("rows_rewritten", s.rowsRewritten());
    totals.put("rows_to_rewrite", s.rowsToRewrite());
    totals.put("deleted", s.deleted());
    totals.put("conflicts", s.conflicts());
    totals.put("dangling", s.dangling());
    totals.put("failed", s.failed());
    totals.put("bytes_copied", s.bytesCopied());
    totals.put("dry_run", s.dryRun());
    totals.put("interrupted", s.interrupted());
    totals.put("elapsed_seconds", s.elapsed().toMillis() / 1000.0);
    totals.put("objects_per_second", Math.round(s.objectsPerSecond() * 10) / 10.0);
    write(Map.of("summary", totals));
  }

  private synchronized void write(Map<String, ?> line) {
    try {
      out.write(Json.object(line));
      out.write('\n');
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("writing the report failed", e);
    }
  }

  @Override
  public synchronized void close() {
    try {
      out.close();
    } catch (IOException e) {
      // the lines written so far are flushed already
    }
  }
}
