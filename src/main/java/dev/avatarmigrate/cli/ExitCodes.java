package dev.avatarmigrate.cli;

import dev.avatarmigrate.config.ConfigException;
import dev.avatarmigrate.engine.PreflightException;
import dev.avatarmigrate.engine.RunSummary;

/** The one place that maps results and errors to exit codes; documented in --help and the README. */
public final class ExitCodes {
  /** Everything matched was moved and verified (or, with --dry-run, planned). */
  public static final int OK = 0;
  /** Finished, but some objects failed, conflicted or dangle; the report says which; a re-run retries. */
  public static final int INCOMPLETE = 1;
  /** Usage or configuration error, found before any network call. */
  public static final int USAGE = 2;
  /**
   * A bucket, credential, endpoint certificate, table, column, the run lock, the database or the report file is
   * unusable.
   */
  public static final int UNUSABLE = 3;
  /** Stopped by Ctrl-C (SIGINT); in-flight objects finished their steps; a re-run completes the job. */
  public static final int INTERRUPTED = 130;
  /** A bug: the stack trace goes to stderr. */
  public static final int SOFTWARE = 70;

  private ExitCodes() {}

  static int of(RunSummary summary) {
    if (summary.interrupted()) {
      return INTERRUPTED;
    }
    return summary.complete() ? OK : INCOMPLETE;
  }

  static int of(Throwable error) {
    if (error instanceof ConfigException) {
      return USAGE;
    }
    if (error instanceof PreflightException) {
      return UNUSABLE;
    }
    return SOFTWARE;
  }
}
