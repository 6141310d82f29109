package dev.avatarmigrate.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.avatarmigrate.config.HttpsProxy;
import dev.avatarmigrate.engine.StoreFailure;
import dev.avatarmigrate.testing.SelfSignedTls;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Deque;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.crt.http.HttpException;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.SdkHttpResponse;

class UntrustedCertificateTest {
  private static final int TLS_NEGOTIATION_FAILURE = 1029;
  private static final int SOCKET_CLOSED = 1051;

  @Test
  void aHandshakeThatFailedOnTheCertificateIsToldFromOneCutShort() {
    SSLHandshakeException pkix = new SSLHandshakeException("PKIX path building failed");
    pkix.initCause(new CertificateException("unable to find valid certification path to requested target"));
    assertTrue(UntrustedCertificate.isCertificateFailure(pkix));
    assertTrue(UntrustedCertificate.isCertificateFailure(new SSLPeerUnverifiedException(
        "Certificate for <s3.internal> doesn't match any of the subject alternative names: [minio.internal]")));
    // The JDK's own words after any failed handshake, and a revocation check that could not be made: may pass.
    assertFalse(UntrustedCertificate.isCertificateFailure(
        new IOException("wrapped", new SSLPeerUnverifiedException("peer not authenticated"))));
    SSLHandshakeException ocsp = new SSLHandshakeException("revocation");
    ocsp.initCause(new CertPathValidatorException("OCSP responder not reachable", null, null, -1,
        CertPathValidatorException.BasicReason.UNDETERMINED_REVOCATION_STATUS));
    assertFalse(UntrustedCertificate.isCertificateFailure(ocsp));
    assertFalse(UntrustedCertificate.isCertificateFailure(
        new SSLHandshakeException("Remote host terminated the handshake")));
    assertFalse(UntrustedCertificate.isCertificateFailure(new IOException("Connection reset")));
  }

  @Test
  void theErrorIsFatalEvenWrappedOnceMoreSaysWhatToDoAndHoldsNoIoExceptionTheSdkWouldRetry() {
    SSLHandshakeException pkix = new SSLHandshakeException("PKIX path building failed");
    pkix.initCause(new CertificateException("unable to find valid certification path to requested target"));
    SdkClientException e = UntrustedCertificate.error("s3.example.internal", 443, pkix);
    for (Throwable t = e; t != null; t = t.getCause()) {
      assertFalse(t instanceof IOException, "the SDK retries an IOException anywhere near the top: " + t);
    }
    assertFalse(e.retryable());
    // As the HeadObject waiter hands it on: wrapped once more.
    SdkClientException waited = SdkClientException.create("An exception was thrown and did not match any waiter"
        + " acceptors", e);
    for (SdkClientException thrown : new SdkClientException[] {e, waited}) {
      StoreFailure f = S3Errors.classify(thrown, "bucket legacy-s3");
      assertEquals(StoreFailure.Kind.FATAL, f.kind());
      assertTrue(f.getMessage().startsWith("the TLS certificate of s3.example.internal:443 is not trusted"
          + " (PKIX path building failed): add its CA"), f.getMessage());
      assertTrue(f.getMessage().contains("-Djavax.net.ssl.trustStore=FILE"), f.getMessage());
    }
  }

  @Test
  void theAdviceFitsTheReason() {
    SSLHandshakeException expired = new SSLHandshakeException("PKIX path validation failed");
    expired.initCause(new CertificateExpiredException("NotAfter: Mon Nov 23 00:00:00 UTC 2026"));
    assertTrue(UntrustedCertificate.error("h", 443, expired).getMessage().contains("renew it"));
    SSLHandshakeException name = new SSLHandshakeException("No subject alternative names matching IP address");
    name.initCause(new CertificateException("No subject alternative names matching IP address 10.0.0.5 found"));
    assertTrue(UntrustedCertificate.error("10.0.0.5", 443, name).getMessage().contains("issued for another name"));
  }

  @Test
  void theJdksHandshakeNamesACertificateItsTrustStoreLacksAndNothingWhereThereIsNoAnswer(@TempDir Path dir)
      throws Exception {
    try (UntrustedServer server = new UntrustedServer(dir)) {
      Optional<Throwable> why = UntrustedCertificate.probe("127.0.0.1", server.port(), null);
      assertTrue(why.isPresent());
      assertTrue(why.get().getMessage().contains("PKIX"), why.get().getMessage());
    }
    assertEquals(Optional.empty(), UntrustedCertificate.probe("127.0.0.1", closedPort(), null));
  }

  @Test
  void theCrtsFailedHandshakeIsAskedAboutOnlyWhileTheEndpointHasNotAnsweredAndTheWayIsKnown(@TempDir Path dir)
      throws Exception {
    try (UntrustedServer server = new UntrustedServer(dir)) {
      // As the SDK's CRT client hands a failed negotiation on: an SSLHandshakeException around the CRT's error.
      SSLHandshakeException negotiation = new SSLHandshakeException("TLS (SSL) negotiation failed");
      negotiation.initCause(new HttpException(TLS_NEGOTIATION_FAILURE));

      // Any other CRT error is a network error, retried: the endpoint is not asked.
      ScriptedClient other = new ScriptedClient(new IOException("closed", new HttpException(SOCKET_CLOSED)));
      assertThrows(IOException.class, () -> call(new HttpErrors(other, HttpErrors.Route.DIRECT), server.port()));

      ScriptedClient first = new ScriptedClient(negotiation);
      SdkClientException untrusted = assertThrows(SdkClientException.class,
          () -> call(new HttpErrors(first, HttpErrors.Route.DIRECT), server.port()));
      assertTrue(untrusted.getMessage().contains("is not trusted (PKIX"), untrusted.getMessage());

      // Through a proxy that only the SDK's own settings name, the JDK's handshake cannot take the CRT's way:
      // retried as before.
      ScriptedClient proxied = new ScriptedClient(negotiation);
      assertThrows(IOException.class, () -> call(new HttpErrors(proxied, HttpErrors.Route.UNKNOWN), server.port()));

      // Once the endpoint has answered, its certificate was accepted: a failed handshake later is the network's.
      ScriptedClient later = new ScriptedClient(null, negotiation);
      HttpErrors answered = new HttpErrors(later, HttpErrors.Route.DIRECT);
      call(answered, server.port());
      assertThrows(IOException.class, () -> call(answered, server.port()));
    }
  }

  @Test
  void theJdksHandshakeGoesThroughTheProxysTunnelAndAProxyThatRefusesGivesNoAnswer(@TempDir Path dir)
      throws Exception {
    SSLContext endpoint = SelfSignedTls.create(dir).serverContext();
    // A proxy whose 200 has no reason phrase, which then speaks TLS as the endpoint with an untrusted certificate.
    try (ServerSocket proxy = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
      Thread serve = new Thread(() -> {
        try (Socket client = proxy.accept()) {
          String head = readHead(client);
          assertTrue(head.startsWith("CONNECT avatars.internal:443 HTTP/1.1\r\n"), head);
          assertTrue(head.contains("Proxy-Authorization: Basic "
              + Base64.getEncoder().encodeToString("svc:pw".getBytes(StandardCharsets.UTF_8))), head);
          client.getOutputStream().write("HTTP/1.1 200\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
          try (SSLSocket tls = (SSLSocket) endpoint.getSocketFactory().createSocket(client, null, true)) {
            tls.setUseClientMode(false);
            tls.startHandshake();
          }
        } catch (IOException expected) {
          // the client refuses the certificate
        }
      });
      serve.setDaemon(true);
      serve.start();
      HttpsProxy via = new HttpsProxy("http", "127.0.0.1", proxy.getLocalPort(), "svc", "pw");
      Optional<Throwable> why = UntrustedCertificate.probe("avatars.internal", 443, via);
      assertTrue(why.isPresent());
      assertTrue(why.get().getMessage().contains("PKIX"), why.get().getMessage());
    }
    // A 407: no answer, retried as before.
    try (ServerSocket proxy = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
      Thread serve = new Thread(() -> {
        try (Socket client = proxy.accept()) {
          readHead(client);
          client.getOutputStream().write(("HTTP/1.1 407 Proxy Authentication Required\r\n"
              + "Proxy-Authenticate: Basic realm=\"corp\"\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        } catch (IOException ignored) {
          // the client has gone
        }
      });
      serve.setDaemon(true);
      serve.start();
      HttpsProxy via = new HttpsProxy("http", "127.0.0.1", proxy.getLocalPort(), null, null);
      assertEquals(Optional.empty(), UntrustedCertificate.probe("avatars.internal", 443, via));
    }
  }

  private static String readHead(Socket client) throws IOException {
    StringBuilder head = new StringBuilder();
    InputStream in = client.getInputStream();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        break;
      }
      head.append((char) b);
    }
    return head.toString();
  }

  private static void call(SdkHttpClient client, int port) throws IOException {
    SdkHttpRequest request = SdkHttpRequest.builder().protocol("https").host("127.0.0.1").port(port)
        .method(SdkHttpMethod.HEAD).encodedPath("/bucket").build();
    client.prepareRequest(HttpExecuteRequest.builder().request(request).build()).call();
  }

  private static int closedPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** An HTTP client whose calls answer 200 (null) or throw the given exceptions, in turn. */
  private static final class ScriptedClient implements SdkHttpClient {
    private final Deque<Optional<Exception>> script = new ArrayDeque<>();

    ScriptedClient(Exception... outcomes) {
      for (Exception e : outcomes) {
        script.add(Optional.ofNullable(e));
      }
    }

    @Override
    public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
      Optional<Exception> outcome = script.remove();
      return new ExecutableHttpRequest() {
        @Override
        public HttpExecuteResponse call() throws IOException {
          if (outcome.isEmpty()) {
            return HttpExecuteResponse.builder().response(SdkHttpResponse.builder().statusCode(200).build()).build();
          }
          if (outcome.get() instanceof IOException io) {
            throw io;
          }
          throw (RuntimeException) outcome.get();
        }

        @Override
        public void abort() {}
      };
    }

    @Override
    public void close() {}
  }

  /** A TLS server on 127.0.0.1 with a self-signed certificate, which completes no handshake a JDK client makes. */
  private static final class UntrustedServer implements AutoCloseable {
    private final SSLServerSocket socket;

    UntrustedServer(Path dir) throws Exception {
      socket = (SSLServerSocket) SelfSignedTls.create(dir).serverContext().getServerSocketFactory()
          .createServerSocket(0, 5, InetAddress.getLoopbackAddress());
      Thread accept = new Thread(() -> {
        while (!socket.isClosed()) {
          try (SSLSocket s = (SSLSocket) socket.accept()) {
            s.startHandshake();
          } catch (IOException expected) {
            // the client refuses the certificate, or the server is closed
          }
        }
      }, "untrusted-server");
      accept.setDaemon(true);
      accept.start();
    }

    int port() {
      return socket.getLocalPort();
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
