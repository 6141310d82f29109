package dev.avatarmigrate.testing;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.opentest4j.TestAbortedException;

/**
 * One {@link MotoServer} for a test class: {@code @RegisterExtension static final MotoExtension moto = new
 * MotoExtension();} starts it before the class and stops it after. Where moto is not installed, every test
 * of the class is reported skipped with the reason (an assumption per test, so the reports count them as
 * Testcontainers' skipped tests are counted), never failed.
 */
public final class MotoExtension implements BeforeAllCallback, BeforeEachCallback, AfterAllCallback {
  private MotoServer server;
  private String unavailable;

  @Override
  public void beforeAll(ExtensionContext context) {
    try {
      server = MotoServer.start();
    } catch (TestAbortedException e) {
      unavailable = e.getMessage();
    }
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    Assumptions.assumeTrue(server != null, unavailable);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (server != null) {
      server.close();
      server = null;
    }
  }

  /** The running server; only inside a test (which is skipped when there is none). */
  public MotoServer server() {
    if (server == null) {
      throw new IllegalStateException("moto is not running: " + unavailable);
    }
    return server;
  }
}
