package dev.avatarmigrate.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.avatarmigrate.engine.StoreFailure;
import dev.avatarmigrate.testing.SelfSignedTls;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.util.Optional;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.exception.SdkClientException;

class UntrustedCertificateTest {
  @Test
  void aHandshakeThatFailedOnTheCertificateIsToldFromOneCutShort() {
    SSLHandshakeException pkix = new SSLHandshakeException("PKIX path building failed");
    pkix.initCause(new CertificateException("unable to find valid certification path to requested target"));
    assertTrue(UntrustedCertificate.isCertificateFailure(pkix));
    assertTrue(UntrustedCertificate.isCertificateFailure(
        new IOException("wrapped", new SSLPeerUnverifiedException("peer not authenticated"))));
    assertFalse(UntrustedCertificate.isCertificateFailure(
        new SSLHandshakeException("Remote host terminated the handshake")));
    assertFalse(UntrustedCertificate.isCertificateFailure(new IOException("Connection reset")));
  }

  @Test
  void theErrorIsFatalSaysWhatToDoAndHoldsNoIoExceptionTheSdkWouldRetry() {
    SdkClientException e = UntrustedCertificate.error("s3.example.internal", 443, "PKIX path building failed");
    for (Throwable t = e; t != null; t = t.getCause()) {
      assertFalse(t instanceof IOException, "the SDK retries an IOException anywhere near the top: " + t);
    }
    assertFalse(e.retryable());
    StoreFailure f = S3Errors.classify(e, "bucket legacy-s3");
    assertEquals(StoreFailure.Kind.FATAL, f.kind());
    assertTrue(f.getMessage().startsWith("the TLS certificate of s3.example.internal:443 is not trusted"
        + " (PKIX path building failed)"), f.getMessage());
    assertTrue(f.getMessage().contains("-Djavax.net.ssl.trustStore=FILE"), f.getMessage());
  }

  @Test
  void theJdksHandshakeNamesACertificateItsTrustStoreLacksAndNothingWhereThereIsNoAnswer(@TempDir Path dir)
      throws Exception {
    SelfSignedTls tls = SelfSignedTls.create(dir);
    try (SSLServerSocket server = (SSLServerSocket) tls.serverContext().getServerSocketFactory()
        .createServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
      Thread accept = new Thread(() -> {
        try (SSLSocket s = (SSLSocket) server.accept()) {
          s.startHandshake();
        } catch (IOException expected) {
          // the client refuses the certificate
        }
      });
      accept.start();
      Optional<String> why = UntrustedCertificate.probe("127.0.0.1", server.getLocalPort());
      accept.join(10_000);
      assertTrue(why.isPresent());
      assertTrue(why.get().contains("PKIX"), why.get());
    }

    int closed;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort();
    }
    assertEquals(Optional.empty(), UntrustedCertificate.probe("127.0.0.1", closed));
  }
}
