package dev.avatarmigrate.s3;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateNotYetValidException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * The endpoint's TLS certificate is not one the trust store accepts (unknown CA, expired, another host's name).
 * That does not pass by itself, so it is not retried: the run stops at once with what to do, instead of after
 * eight attempts (about 80 s on the CRT's client, whose every failed handshake waits out its 10 s connection
 * wait) with "check the network".
 *
 * <p>It is the cause of the {@link SdkClientException} the HTTP client throws, in place of the handshake's
 * IOException, which the SDK would retry; nothing in its causes is an IOException (the handshake's failure is
 * kept as a suppressed exception, for {@code -v}).
 */
final class UntrustedCertificate extends RuntimeException {
  private static final int PROBE_TIMEOUT_MILLIS = 5000;
  // host:port → the JDK's definite answer there (a certificate failure, or empty: the handshake completed).
  private static final Map<String, CompletableFuture<Optional<Throwable>>> PROBED = new ConcurrentHashMap<>();

  private UntrustedCertificate(String message) {
    super(message);
  }

  /** The error the SDK is handed: not retried, and classified as fatal ({@link S3Errors}). */
  static SdkClientException error(String host, int port, Throwable failure) {
    String message = "the TLS certificate of " + host + ":" + port + " is not trusted ("
        + S3Errors.firstLine(failure.getMessage()) + "): " + whatToDo(failure);
    UntrustedCertificate cause = new UntrustedCertificate(message);
    cause.addSuppressed(failure);
    return SdkClientException.builder().message(message).cause(cause).build();
  }

  private static String whatToDo(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof CertificateExpiredException || t instanceof CertificateNotYetValidException) {
        return "it is out of its validity period: renew it on the endpoint, or check this machine's clock";
      }
      if (t instanceof SSLPeerUnverifiedException || String.valueOf(t.getMessage()).startsWith("No subject alternative")
          || String.valueOf(t.getMessage()).startsWith("No name matching")) {
        return "it is issued for another name: give --endpoint-url with a host name the certificate holds";
      }
    }
    return "add its CA to the JDK's trust store (keytool -importcert -cacerts) or name a trust store with"
        + " -Djavax.net.ssl.trustStore=FILE";
  }

  /**
   * The handshake failed on the peer's certificate: {@code e} or one of its causes says so. A revocation check
   * that could not be made (the OCSP responder did not answer) is not that: it may pass.
   */
  static boolean isCertificateFailure(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof CertPathValidatorException v
          && v.getReason() == CertPathValidatorException.BasicReason.UNDETERMINED_REVOCATION_STATUS) {
        return false;
      }
    }
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof CertificateException || t instanceof CertPathBuilderException
          || t instanceof CertPathValidatorException
          // The JDK's own "peer not authenticated" follows any failed handshake; Apache's host name check's is
          // about the certificate.
          || t instanceof SSLPeerUnverifiedException && !"peer not authenticated".equals(t.getMessage())) {
        return true;
      }
    }
    return false;
  }

  /**
   * The CRT's client says only "TLS negotiation failed", for a certificate as for a handshake cut short, or that
   * its connection wait ran out first. The JDK's handshake with the same trust store (the CRT is given the JDK's:
   * {@link HttpStack#trustTheJdkStore}) and the same host name check tells which: the certificate failure, if
   * that is what it was. Direct: the caller asks only where the endpoint is reached so. Asked once per endpoint
   * and run while the answers are definite; a handshake that could not be made is asked again next time.
   */
  static Optional<Throwable> probe(String host, int port) {
    String endpoint = host + ":" + port;
    CompletableFuture<Optional<Throwable>> mine = new CompletableFuture<>();
    CompletableFuture<Optional<Throwable>> asked = PROBED.putIfAbsent(endpoint, mine);
    if (asked != null) {
      return asked.join();
    }
    Optional<Throwable> answer = Optional.empty();
    boolean definite = false;
    try (Socket raw = new Socket()) {
      raw.connect(new InetSocketAddress(host, port), PROBE_TIMEOUT_MILLIS);
      raw.setSoTimeout(PROBE_TIMEOUT_MILLIS);
      try (SSLSocket tls = (SSLSocket) ((SSLSocketFactory) SSLSocketFactory.getDefault())
          .createSocket(raw, host, port, false)) {
        SSLParameters parameters = tls.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        tls.setSSLParameters(parameters);
        tls.startHandshake();
      }
      definite = true;
    } catch (IOException | RuntimeException e) {
      if (isCertificateFailure(e)) {
        answer = Optional.of(e);
        definite = true;
      }
    } finally {
      mine.complete(answer);
      if (!definite) {
        PROBED.remove(endpoint, mine);
      }
    }
    return answer;
  }
}
