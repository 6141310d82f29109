package dev.avatarmigrate.engine;

/**
 * Something the run needs is unusable: a bucket, a credential, the table, the column, the run lock.
 * Thrown before the first write, or when such a thing disappears mid-run. Exit code 3.
 */
public final class PreflightException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public PreflightException(String message) {
    super(message);
  }

  public PreflightException(String message, Throwable cause) {
    super(message, cause);
  }
}
