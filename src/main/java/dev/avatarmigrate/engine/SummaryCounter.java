package dev.avatarmigrate.engine;

import java.time.Duration;
import java.util.concurrent.atomic.LongAdder;

/** Counts events into a {@link RunSummary}; also serves the live progress line. */
public final class SummaryCounter implements MigrationListener {
  private final LongAdder listed = new LongAdder();
  private final LongAdder matched = new LongAdder();
  private final LongAdder copied = new LongAdder();
  private final LongAdder alreadyPresent = new LongAdder();
  private final LongAdder rowsRewritten = new LongAdder();
  private final LongAdder deleted = new LongAdder();
  private final LongAdder conflicts = new LongAdder();
  private final LongAdder dangling = new LongAdder();
  private final LongAdder failed = new LongAdder();
  private final LongAdder bytes = new LongAdder();
  private final LongAdder wouldCopy = new LongAdder();
  private final LongAdder rowsToRewrite = new LongAdder();
  private final LongAdder done = new LongAdder();
  private final LongAdder copySteps = new LongAdder();
  private volatile boolean listingDone;
  private final boolean dryRun;

  /** @param dryRun rows found by the sweep are then counted as rows to rewrite, not rewritten */
  public SummaryCounter(boolean dryRun) {
    this.dryRun = dryRun;
  }

  @Override
  public void listed(int listedCount, int matchedCount) {
    listed.add(listedCount);
    matched.add(matchedCount);
  }

  @Override
  public void listingDone() {
    listingDone = true;
  }

  /** Whether {@link #matched()} is the run's total yet: the listing goes on as the run does. */
  public boolean totalKnown() {
    return listingDone;
  }

  @Override
  public void copyStepDone() {
    copySteps.increment();
  }

  @Override
  public void outcome(MoveOutcome outcome) {
    done.increment();
    if (outcome instanceof MoveOutcome.Moved m) {
      (m.copied() ? copied : alreadyPresent).increment();
      if (m.copied()) {
        bytes.add(m.source().size());
      }
      rowsRewritten.add(m.rowsRewritten());
      if (m.sourceDeleted()) {
        deleted.increment();
      }
    } else if (outcome instanceof MoveOutcome.Conflict) {
      conflicts.increment();
    } else if (outcome instanceof MoveOutcome.Failed f) {
      failed.increment();
      if (f.copyMade()) { // the copy stays, and a re-run finds it already present
        copied.increment();
        bytes.add(f.source().size());
      }
      rowsRewritten.add(f.rowsRewritten()); // an object that stopped at its delete has its rows rewritten
    } else if (outcome instanceof MoveOutcome.Planned p) {
      (p.wouldCopy() ? wouldCopy : alreadyPresent).increment();
      rowsToRewrite.add(p.rowsToRewrite());
    }
  }

  @Override
  public void dangling(String path, int rows) {
    dangling.increment();
  }

  @Override
  public void orphanRows(OrphanRows orphan) {
    if (orphan.failed()) {
      failed.increment();
    } else {
      (orphan.planned() ? rowsToRewrite : rowsRewritten).add(orphan.rows());
    }
  }

  /** Objects with a final outcome so far. */
  public long done() {
    return done.sum();
  }

  /** Objects past their copy step (sync mode), done or not. */
  public long pastCopy() {
    return copySteps.sum();
  }

  public long matched() {
    return matched.sum();
  }

  public long failures() {
    return failed.sum() + conflicts.sum();
  }

  public long bytes() {
    return bytes.sum();
  }

  public RunSummary summary(boolean dryRun, boolean interrupted, Duration elapsed) {
    return new RunSummary(listed.sum(), matched.sum(), copied.sum(), alreadyPresent.sum(), rowsRewritten.sum(),
        deleted.sum(), conflicts.sum(), dangling.sum(), failed.sum(), bytes.sum(), wouldCopy.sum(),
        rowsToRewrite.sum(), dryRun, interrupted, elapsed);
  }
}
