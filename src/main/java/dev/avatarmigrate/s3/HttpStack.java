package dev.avatarmigrate.s3;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import dev.avatarmigrate.engine.PreflightException;
import software.amazon.awssdk.crt.CRT;
import software.amazon.awssdk.crt.CrtResource;

/**
 * Which HTTP client the run's S3 client uses, decided once per process: the AWS CRT's where its native library
 * loads, Apache's where it does not or where {@code -Davatarmigrate.httpClient=apache} asks for it.
 */
enum HttpStack {
  CRT_CLIENT("AWS CRT"),
  APACHE("Apache");

  static final String PROPERTY = "avatarmigrate.httpClient";
  private static final String TRUST_STORE = "javax.net.ssl.trustStore";
  // At most this long at close for the CRT's native threads to end; the JVM's own exit then need not wait for them.
  private static final long RELEASE_MILLIS = 2000;

  private static volatile HttpStack current;
  private static volatile String why = "";
  private static int open; // S3 clients on the CRT, opened and not yet closed

  private final String label;

  HttpStack(String label) {
    this.label = label;
  }

  static HttpStack current() {
    HttpStack stack = current;
    if (stack == null) {
      synchronized (HttpStack.class) {
        if (current == null) {
          current = decide();
        }
        stack = current;
      }
    }
    return stack;
  }

  /** For {@code -v}: the client, and why Apache's where it is. */
  static String describe() {
    HttpStack stack = current();
    return stack.label + " HTTP client" + (why.isEmpty() ? "" : " (" + why + ")");
  }

  private static HttpStack decide() {
    String asked = System.getProperty(PROPERTY, "").strip();
    if (asked.equalsIgnoreCase("apache")) {
      why = "-D" + PROPERTY + "=apache";
      return APACHE;
    }
    // The CRT prints its own stack trace when its native library does not load (no build for this platform, or
    // java.io.tmpdir mounted noexec): that goes to a buffer, and the run says it in one line under -v.
    PrintStream stderr = System.err;
    ByteArrayOutputStream said = new ByteArrayOutputStream();
    System.setErr(new PrintStream(said, true, StandardCharsets.UTF_8));
    try {
      CRT.checkLoaded();
      CRT.awsLastError(); // a native call: throws UnsatisfiedLinkError unless the library is really there
      return CRT_CLIENT;
    } catch (RuntimeException | LinkageError e) {
      String first = said.toString(StandardCharsets.UTF_8).lines().findFirst().orElse(String.valueOf(e.getMessage()));
      why = "the AWS CRT cannot load here: " + first;
      return APACHE;
    } finally {
      System.setErr(stderr);
    }
  }

  /**
   * Apache's client trusts the JDK's store ({@code jssecacerts} where present, else {@code cacerts}) unless
   * {@code -Djavax.net.ssl.trustStore} names another; the CRT would trust the operating system's. Names the JDK's
   * file for it, so a CA added with {@code keytool -cacerts} counts on both. The JDK's own default is the same file.
   */
  static void trustTheJdkStore() {
    if (System.getProperty(TRUST_STORE) != null) {
      return;
    }
    Path security = Path.of(System.getProperty("java.home"), "lib", "security");
    for (String name : List.of("jssecacerts", "cacerts")) {
      if (Files.isReadable(security.resolve(name))) {
        System.setProperty(TRUST_STORE, security.resolve(name).toString());
        return;
      }
    }
  }

  /**
   * An S3 client on this stack is being built. The CRT tears its threads down in a JVM shutdown hook, which on
   * SIGTERM would run beside the run's own hook and fail the copies that hook lets finish: each client holds
   * that teardown back until {@link #closed}.
   */
  static synchronized void opened() {
    if (current() == CRT_CLIENT) {
      try {
        CRT.acquireShutdownRef();
        open++;
      } catch (RuntimeException e) {
        // The CRT's hook has torn it down: the JVM is shutting down (Ctrl-C or SIGTERM as the run started). A
        // client on it would wait for ever for its first answer, holding the exit up for the whole drain.
        throw new PreflightException("the AWS CRT was shut down with the process", e);
      }
    }
  }

  /**
   * An S3 client is closed. After the last, lets the CRT's native threads end (bounded), so the JVM exits at once
   * instead of waiting a second for them; then hands the CRT its teardown back.
   */
  static synchronized void closed() {
    if (open == 0) {
      return;
    }
    if (--open == 0) {
      Thread t = new Thread(() -> {
        try {
          CrtResource.waitForNoResources();
        } catch (RuntimeException e) {
          // still busy after its own limit: the JVM's exit waits for what is left, as it would have anyway
        }
      }, "avatarMigrate-crt-release");
      t.setDaemon(true);
      t.start();
      try {
        t.join(RELEASE_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    CRT.releaseShutdownRef();
  }
}
