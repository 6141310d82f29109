package dev.avatarmigrate.engine;

/**
 * An S3 error, classified once by the adapter. The SDK has already retried what is retryable
 * (throttling, 5xx, timeouts, resets) by the time one of these is thrown.
 */
public final class StoreFailure extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public enum Kind {
    /** 412: the source changed since it was listed; re-read it and try again. */
    CHANGED,
    /** 404 on this key: it vanished. */
    NOT_FOUND,
    /** 403 on this key, or another permanent error for this object only. */
    REJECTED,
    /** Retries exhausted on a transient error. This object fails; a re-run retries it. */
    TRANSIENT,
    /** Nothing sensible can continue: credentials, a bucket gone. */
    FATAL
  }

  private final Kind kind;

  public StoreFailure(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
