package dev.avatarmigrate.engine;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Asks a run to stop taking new objects: set by Ctrl-C/SIGTERM, or by a fatal error in any stage.
 * Objects already in flight finish their current steps, so nothing is left half-done.
 */
public final class StopSignal {
  private final AtomicBoolean requested = new AtomicBoolean();
  private final AtomicReference<RuntimeException> fatal = new AtomicReference<>();

  public void request() {
    requested.set(true);
  }

  public boolean requested() {
    return requested.get();
  }

  /** Records the first fatal error and stops the run; the run rethrows it once it has drained. */
  public void fail(RuntimeException e) {
    fatal.compareAndSet(null, e);
    requested.set(true);
  }

  /** True when stopped by the operator rather than by an error. */
  public boolean interrupted() {
    return requested.get() && fatal.get() == null;
  }

  void rethrowFatal() {
    RuntimeException e = fatal.get();
    if (e != null) {
      throw e;
    }
  }
}
