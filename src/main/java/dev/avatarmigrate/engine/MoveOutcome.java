package dev.avatarmigrate.engine;

/** How one matched object ended. Exactly one outcome is reported for every matched object. */
public sealed interface MoveOutcome {

  StoredObject source();

  String targetKey();

  /** A short name for reports and logs: copied, already_present, conflict, failed, would_copy, ... */
  String name();

  /**
   * The object is at the target, verified, and its rows are rewritten.
   *
   * @param copied false when an identical object was already at the target
   * @param sourceDeleted false with {@code --keep-source}
   */
  record Moved(StoredObject source, String targetKey, boolean copied, int rowsRewritten, boolean sourceDeleted)
      implements MoveOutcome {
    @Override
    public String name() {
      return copied ? "copied" : "already_present";
    }
  }

  /** A different object sits at the target key; neither object nor rows were touched. */
  record Conflict(StoredObject source, String targetKey, StoredObject existing) implements MoveOutcome {
    @Override
    public String name() {
      return "conflict";
    }
  }

  /**
   * The object could not be moved; what was done is safe (at worst a verified copy whose rows were not
   * yet rewritten, or rows rewritten whose source was not yet deleted). A re-run retries it.
   */
  /**
   * @param rowsRewritten rows already rewritten to the target (an object that stopped at its delete)
   * @param copyMade true when this run made the copy before the object stopped (at its rows or its delete)
   */
  record Failed(StoredObject source, String targetKey, Stage stage, String reason, int rowsRewritten,
      boolean copyMade) implements MoveOutcome {
    public Failed(StoredObject source, String targetKey, Stage stage, String reason) {
      this(source, targetKey, stage, reason, 0, false);
    }

    @Override
    public String name() {
      return "failed";
    }
  }

  /** A dry run's verdict: what a real run would do. */
  record Planned(StoredObject source, String targetKey, boolean wouldCopy, int rowsToRewrite) implements MoveOutcome {
    @Override
    public String name() {
      return wouldCopy ? "would_copy" : "would_keep_copy";
    }
  }

  /** Where in the safety order an object stopped. */
  enum Stage {
    COPY,
    VERIFY,
    ROWS,
    DELETE;

    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }
}
