package dev.avatarmigrate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.avatarmigrate.engine.OrphanRows;
import dev.avatarmigrate.engine.PreflightException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportWriterTest {

  @Test
  void anExistingReportIsLeftAsItWasUntilTheRunWritesItsFirstLine(@TempDir Path dir) throws Exception {
    // Another run may be writing it: a run refused at preflight or by the run lock must not destroy it.
    Path file = dir.resolve("run.jsonl");
    Files.writeString(file, "{\"line\":1}\n{\"line\":2}\n");

    try (ReportWriter report = new ReportWriter(file)) {
      assertEquals("{\"line\":1}\n{\"line\":2}\n", Files.readString(file));
      report.dangling("image/avatar-gone.png", 1);
    }

    List<String> lines = Files.readAllLines(file);
    assertEquals(1, lines.size(), lines::toString);
    assertTrue(lines.get(0).contains("\"outcome\":\"dangling\""), lines::toString);
  }

  @Test
  void orphanRowsAreReportedAsRewrittenToRewriteOrFailed(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("run.jsonl");
    try (ReportWriter report = new ReportWriter(file)) {
      report.orphanRows(new OrphanRows("image/avatar-1.png", "avatar/avatar-1.png", 2, false, null));
      report.orphanRows(new OrphanRows("image/avatar-2.png", "avatar/avatar-2.png", 1, true, null));
      report.orphanRows(new OrphanRows("image/avatar-3.png", "avatar/avatar-3.png", 0, false, "widen the column"));
    }
    List<String> lines = Files.readAllLines(file);
    assertTrue(lines.get(0).contains("\"outcome\":\"row_rewritten\",\"rows\":2"), lines::toString);
    assertTrue(lines.get(1).contains("\"outcome\":\"row_to_rewrite\",\"rows\":1"), lines::toString);
    assertTrue(lines.get(2).contains("\"outcome\":\"failed\",\"rows\":0,\"stage\":\"rows\",\"error\":\"widen the column\""),
        lines::toString);
  }

  @Test
  void aReportThatCannotBeWrittenStopsTheRunWithOneLineExitThree() {
    Path full = Path.of("/dev/full");
    assumeTrue(Files.isWritable(full), "needs /dev/full");
    try (ReportWriter report = new ReportWriter(full)) {
      PreflightException e = assertThrows(PreflightException.class, () -> report.dangling("image/avatar-1.png", 1));
      assertTrue(e.getMessage().startsWith("writing the report /dev/full failed ("), e.getMessage());
      assertTrue(e.getMessage().contains("everything done so far is safe"), e.getMessage());
      assertEquals(ExitCodes.UNUSABLE, ExitCodes.of(e));
      assertEquals(-1, e.getMessage().indexOf('\n'));
    }
  }
}
