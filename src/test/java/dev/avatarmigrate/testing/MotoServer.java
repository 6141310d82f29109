package dev.avatarmigrate.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * moto ({@code moto_server}, an AWS emulation) as a child process on 127.0.0.1 and a free port, for what
 * S3Proxy lacks: object tagging, storage classes, SSE-S3 and SSE-KMS (with moto's KMS on the same port),
 * canned ACLs and additional checksums. Test classes get one through {@link MotoExtension}.
 *
 * <p>{@code moto_server} is taken from {@code AVATARMIGRATE_TEST_MOTO} when set, else from the PATH. Where it
 * is not installed, {@link #start()} throws a JUnit assumption failure with the reason, so the tests that
 * need it are reported skipped: never failed, and never passed.
 *
 * <p>What moto 5.2.1 does differently from S3 (probed when FidelityIT was written): it ignores
 * {@code x-amz-copy-source-if-match} on CopyObject and UploadPartCopy and {@code If-None-Match} on
 * CopyObject; canned ACL {@code bucket-owner-full-control} is accepted but grants nothing beyond the owner's
 * FULL_CONTROL; the completion of a multipart upload neither checks a full-object checksum it is given nor
 * reports one (a HEAD with checksum mode shows it); part copies report no part checksums; SSE-KMS keeps the
 * MD5 ETag; and without the optional Python packages {@code crc32c} and {@code awscrt} it computes CRC32C
 * and CRC64NVME as plain CRC32, so only CRC32, SHA1 and SHA256 checksums are right.
 */
public final class MotoServer implements S3Endpoint, AutoCloseable {
  public static final String EXECUTABLE_ENV = "AVATARMIGRATE_TEST_MOTO";
  // moto imports every AWS service it emulates before it listens: a few seconds, far more on a busy machine.
  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
  // Another process may take the free port between our probe and moto's bind.
  private static final int START_ATTEMPTS = 3;
  // What a shell (or a pyenv shim) exits with when the command does not exist.
  private static final int COMMAND_NOT_FOUND = 127;
  private static final String ACCESS_KEY = "testing";
  private static final String SECRET_KEY = "testing";
  private static final String REGION = "us-east-1";

  private final Process process;
  private final Path log;
  private final URI endpoint;
  private final Thread shutdownHook;
  private volatile S3Client client;

  private MotoServer(Process process, Path log, int port) {
    this.process = process;
    this.log = log;
    this.endpoint = URI.create("http://127.0.0.1:" + port);
    this.shutdownHook = new Thread(process::destroyForcibly, "moto-shutdown");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /**
   * Starts {@code moto_server} and returns once it answers HTTP. Aborts the calling test class (skipped,
   * with the reason) when moto is not installed; fails when it is installed but does not start.
   */
  public static MotoServer start() {
    Path executable = executable();
    IllegalStateException last = null;
    for (int attempt = 0; attempt < START_ATTEMPTS; attempt++) {
      try {
        return startOn(executable, freePort());
      } catch (PortTaken e) {
        last = e;
      }
    }
    throw last;
  }

  private static MotoServer startOn(Path executable, int port) {
    Path log;
    Process process;
    try {
      log = Files.createTempFile("moto-server", ".log");
      process = new ProcessBuilder(executable.toString(), "-H", "127.0.0.1", "-p", String.valueOf(port))
          .redirectErrorStream(true)
          .redirectOutput(log.toFile())
          .start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + executable, e);
    }
    MotoServer server = new MotoServer(process, log, port);
    try {
      Poll.until("moto_server to answer on port " + port, START_TIMEOUT, server::answers);
      return server;
    } catch (RuntimeException | Error e) {
      server.close();
      throw e;
    } catch (Exception e) {
      server.close();
      throw new IllegalStateException("moto_server did not start: " + e.getMessage() + "\n" + server.logTail(), e);
    }
  }

  /** True once moto answers; aborts or fails at once when the process has ended instead. */
  private boolean answers() throws InterruptedException {
    if (!process.isAlive()) {
      String output = logTail();
      if (process.exitValue() == COMMAND_NOT_FOUND) {
        Assumptions.abort("moto_server is on the PATH but not runnable here (" + output.strip()
            + "): the moto tests are skipped");
      }
      if (output.contains("Address already in use")) {
        throw new PortTaken(endpoint.getPort());
      }
      throw new IllegalStateException("moto_server exited with " + process.exitValue() + ":\n" + output);
    }
    try {
      HttpResponse<Void> response = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(endpoint.resolve("/moto-api/")).timeout(Duration.ofSeconds(2)).GET().build(),
          HttpResponse.BodyHandlers.discarding());
      return response.statusCode() == 200;
    } catch (IOException e) {
      return false; // not listening yet
    }
  }

  /** {@code AVATARMIGRATE_TEST_MOTO}, else {@code moto_server} on the PATH; aborts the test class without it. */
  static Path executable() {
    String named = System.getenv(EXECUTABLE_ENV);
    if (named != null && !named.isBlank()) {
      Path path = Path.of(named);
      Assumptions.assumeTrue(Files.isExecutable(path),
          () -> EXECUTABLE_ENV + "=" + named + " is not an executable file: the moto tests are skipped");
      return path;
    }
    String pathVariable = System.getenv().getOrDefault("PATH", "");
    for (String dir : pathVariable.split(File.pathSeparator)) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "moto_server"))) {
        return Path.of(dir, "moto_server");
      }
    }
    Assumptions.abort("moto_server is not installed (pip install 'moto[server]'), nor named by "
        + EXECUTABLE_ENV + ": the moto tests are skipped");
    throw new AssertionError("unreachable");
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port", e);
    }
  }

  @Override
  public URI endpoint() {
    return endpoint;
  }

  @Override
  public String accessKey() {
    return ACCESS_KEY;
  }

  @Override
  public String secretKey() {
    return SECRET_KEY;
  }

  @Override
  public String region() {
    return REGION;
  }

  @Override
  public S3Client client() {
    S3Client c = client;
    if (c == null) {
      synchronized (this) {
        c = client;
        if (c == null) {
          c = S3Client.builder()
              .endpointOverride(endpoint)
              .forcePathStyle(true)
              .region(Region.of(REGION))
              .credentialsProvider(credentials())
              .build();
          client = c;
        }
      }
    }
    return c;
  }

  /** Creates a symmetric key in moto's KMS and returns its id. */
  public String createKmsKey(String description) {
    try (KmsClient kms = KmsClient.builder()
        .endpointOverride(endpoint)
        .region(Region.of(REGION))
        .credentialsProvider(credentials())
        .build()) {
      return kms.createKey(b -> b.description(description)).keyMetadata().keyId();
    }
  }

  private static StaticCredentialsProvider credentials() {
    return StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY));
  }

  private String logTail() {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  /** Stops moto (SIGTERM, then SIGKILL after 10 s) and its client. */
  @Override
  public void close() {
    S3Client c = client;
    if (c != null) {
      c.close();
    }
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException e) {
      // the JVM is already shutting down: the hook runs anyway
    }
    try {
      Files.deleteIfExists(log);
    } catch (IOException e) {
      // a temp file; best effort
    }
  }

  @Override
  public String toString() {
    return "MotoServer[" + endpoint + "]";
  }

  private static final class PortTaken extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    PortTaken(int port) {
      super("port " + port + " was taken before moto_server could bind it");
    }
  }
}
