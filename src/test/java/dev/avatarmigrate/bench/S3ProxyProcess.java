package dev.avatarmigrate.bench;

import dev.avatarmigrate.testing.S3ProxyServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * S3Proxy as its own process ({@code java -jar s3proxy-jar-with-dependencies.jar --properties FILE}) with the
 * filesystem store, so the benchmark's server does not share a JVM (heap, GC, JIT threads) with anything.
 * Same credentials and region as the in-process {@link S3ProxyServer} fixture.
 */
final class S3ProxyProcess implements AutoCloseable {
  private final Process process;
  private final URI endpoint;
  private final Path log;
  private final S3Client client;

  private S3ProxyProcess(Process process, URI endpoint, Path log) {
    this.process = process;
    this.endpoint = endpoint;
    this.log = log;
    this.client = S3Client.builder()
        .endpointOverride(endpoint)
        .forcePathStyle(true)
        .region(Region.of(S3ProxyServer.REGION))
        .credentialsProvider(StaticCredentialsProvider.create(
            AwsBasicCredentials.create(S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY)))
        .build();
  }

  /** Starts S3Proxy on a free loopback port with its store under {@code basedir}; returns once it answers. */
  static S3ProxyProcess start(Path jar, Path basedir, Path workDir, List<String> jvmOptions) throws IOException {
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException("S3Proxy jar missing: " + jar + " (bench/run fetches it)");
    }
    Files.createDirectories(basedir);
    int port = freePort();
    URI endpoint = URI.create("http://127.0.0.1:" + port);
    Path properties = workDir.resolve("s3proxy.properties");
    Files.writeString(properties, String.join("\n",
        "s3proxy.endpoint=" + endpoint,
        "s3proxy.authorization=aws-v2-or-v4",
        "s3proxy.identity=" + S3ProxyServer.ACCESS_KEY,
        "s3proxy.credential=" + S3ProxyServer.SECRET_KEY,
        "jclouds.provider=filesystem",
        "jclouds.filesystem.basedir=" + basedir.toAbsolutePath(),
        ""), StandardCharsets.UTF_8);
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.addAll(List.of("-jar", jar.toString(), "--properties", properties.toString()));
    Path log = workDir.resolve("s3proxy.log");
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("LOG_LEVEL", "warn"); // S3Proxy logs every request at its default level
    Process process = pb.start();
    S3ProxyProcess s3 = new S3ProxyProcess(process, endpoint, log);
    Runtime.getRuntime().addShutdownHook(new Thread(s3::close, "s3proxy-process-stop"));
    s3.awaitReady();
    return s3;
  }

  URI endpoint() {
    return endpoint;
  }

  long pid() {
    return process.pid();
  }

  /** CPU time (user + system) the server has used so far, to tell what each tool costs the server. */
  double cpuSeconds() {
    return process.toHandle().info().totalCpuDuration().map(d -> d.toNanos() / 1e9).orElse(Double.NaN);
  }

  /** CPU seconds used so far per kind of thread (request threads, JIT compilers, GC, ...). */
  Map<String, Double> cpuSecondsByThread() {
    return ThreadCpu.byKind(ThreadCpu.of(process.pid()).values());
  }

  /** Starts a JFR recording in the server (profile settings), to be written by {@link #stopRecording}. */
  void startRecording() throws IOException, InterruptedException {
    jcmd("JFR.start", "name=bench", "settings=profile");
  }

  /** Stops the recording {@link #startRecording} started and writes it to {@code file}. */
  void stopRecording(Path file) throws IOException, InterruptedException {
    jcmd("JFR.stop", "name=bench", "filename=" + file.toAbsolutePath());
  }

  private void jcmd(String... command) throws IOException, InterruptedException {
    List<String> full = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
        String.valueOf(process.pid())));
    full.addAll(List.of(command));
    Process p = new ProcessBuilder(full).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .start();
    if (p.waitFor() != 0) {
      throw new IOException(String.join(" ", full) + " exited with " + p.exitValue());
    }
  }

  /** A client for seeding and checking; closed with this. */
  S3Client client() {
    return client;
  }

  private void awaitReady() {
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("S3Proxy exited with " + process.exitValue() + "; see " + log);
      }
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", endpoint.getPort()), 200);
        client.listBuckets();
        return;
      } catch (IOException | RuntimeException notYet) {
        awaitExit(100); // the next try, or S3Proxy's exit, which the loop reports
      }
    }
    throw new IllegalStateException("S3Proxy did not answer within 60 s; see " + log);
  }

  @Override
  public void close() {
    try {
      client.close();
    } catch (RuntimeException ignored) {
      // best effort
    }
    process.destroy();
    try {
      process.waitFor();
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void awaitExit(long millis) {
    try {
      process.waitFor(millis, java.util.concurrent.TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
