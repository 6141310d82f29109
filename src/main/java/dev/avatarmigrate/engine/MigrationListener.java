package dev.avatarmigrate.engine;

import java.util.List;

/**
 * What the engine tells the outside world. The engine never prints; the CLI turns these events into
 * the progress line, the log, the report and the summary. Called from several threads.
 */
public interface MigrationListener {

  /** A phase begins: preflight, listing, moving, sweeping rows. */
  default void phase(String name) {}

  /** Something the operator should read, e.g. a missing index with the statement to create it. */
  default void warning(String message) {}

  /** Something the preflight found that changes how the run goes, though nothing is wrong (shown at -v). */
  default void note(String message) {}

  /** A page of the source listing arrived; {@code matched} of them will be moved. */
  default void listed(int listed, int matched) {}

  /** The source listing has reached its end: the matched count is the run's total. */
  default void listingDone() {}

  /**
   * Sync mode: one matched object's copy step has ended (copied, found already present, or stopped there); its
   * {@link #outcome} follows with its chunk's rows and deletes, up to a few chunks later. Shown by the progress line.
   */
  default void copyStepDone() {}

  /** One matched object's final outcome. */
  default void outcome(MoveOutcome outcome) {}

  /**
   * Rows that still carry the legacy path but whose object is in neither bucket; left alone.
   *
   * @param rows how many rows carry this path
   */
  default void dangling(String path, int rows) {}

  /**
   * Rows whose legacy object was already gone but whose target exists: rewritten by the sweep, counted in a
   * dry run, or failed (see {@link OrphanRows}).
   */
  default void orphanRows(OrphanRows orphan) {}

  /** Listeners fan out. */
  static MigrationListener all(List<MigrationListener> listeners) {
    return new MigrationListener() {
      @Override
      public void phase(String name) {
        listeners.forEach(l -> l.phase(name));
      }

      @Override
      public void warning(String message) {
        listeners.forEach(l -> l.warning(message));
      }

      @Override
      public void note(String message) {
        listeners.forEach(l -> l.note(message));
      }

      @Override
      public void listed(int listed, int matched) {
        listeners.forEach(l -> l.listed(listed, matched));
      }

      @Override
      public void listingDone() {
        listeners.forEach(MigrationListener::listingDone);
      }

      @Override
      public void copyStepDone() {
        listeners.forEach(MigrationListener::copyStepDone);
      }

      @Override
      public void outcome(MoveOutcome outcome) {
        listeners.forEach(l -> l.outcome(outcome));
      }

      @Override
      public void dangling(String path, int rows) {
        listeners.forEach(l -> l.dangling(path, rows));
      }

      @Override
      public void orphanRows(OrphanRows orphan) {
        listeners.forEach(l -> l.orphanRows(orphan));
      }
    };
  }
}
