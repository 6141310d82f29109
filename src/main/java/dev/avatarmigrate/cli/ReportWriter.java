package dev.avatarmigrate.cli;

import dev.avatarmigrate.engine.MigrationListener;
import dev.avatarmigrate.engine.MoveOutcome;
import dev.avatarmigrate.engine.OrphanRows;
import dev.avatarmigrate.engine.PreflightException;
import dev.avatarmigrate.engine.RunSummary;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
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
  private final Path file;
  private final FileChannel channel;
  private final BufferedWriter out;
  private boolean started;

  /**
   * Opens (or creates) the file, so an unwritable path is a usage error before anything runs; it is emptied
   * only when the first line is written. A run refused at preflight, or by the lock of a run that is writing
   * this same report, leaves it as it was.
   */
  ReportWriter(Path file) {
    this.file = file;
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      out = new BufferedWriter(Channels.newWriter(channel, StandardCharsets.UTF_8));
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
      line.put("rows", f.rowsRewritten());
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
  public void orphanRows(OrphanRows o) {
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("path", o.oldPath());
    line.put("target_key", o.newPath());
    line.put("outcome", o.failed() ? "failed" : o.planned() ? "row_to_rewrite" : "row_rewritten");
    line.put("rows", o.rows());
    if (o.failed()) {
      line.put("stage", "rows");
      line.put("error", o.failure());
    }
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
      if (!started) {
        if (Files.isRegularFile(file)) {
          channel.truncate(0); // not a pipe or a device: those cannot be truncated
        }
        started = true;
      }
      out.write(Json.object(line));
      out.write('\n');
      out.flush();
    } catch (IOException e) {
      // The run cannot keep the record it promised: it stops (exit 3); what it did so far is safe.
      throw new PreflightException("writing the report " + file + " failed (" + e.getMessage() + "); everything done"
          + " so far is safe: free the space or give another --report file, and run again", e);
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
