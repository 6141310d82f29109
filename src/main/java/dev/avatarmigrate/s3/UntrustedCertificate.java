package dev.avatarmigrate.s3;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.util.Map;
import java.util.Optional;
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
 * IOException, which the SDK would retry; nothing in its causes is an IOException.
 */
final class UntrustedCertificate extends RuntimeException {
  private static final int PROBE_TIMEOUT_MILLIS = 5000;
  // host:port → the certificate failure the JDK's handshake met there, if any: asked once per endpoint and run.
  private static final Map<String, Optional<String>> PROBED = new ConcurrentHashMap<>();

  private UntrustedCertificate(String message, Throwable failure) {
    super(message, failure);
  }

  /** The error the SDK is handed: not retried, and classified as fatal ({@link S3Errors}). */
  static SdkClientException error(String host, int port, String detail) {
    String message = "the TLS certificate of " + host + ":" + port + " is not trusted (" + detail + "): add its CA"
        + " to the JDK's trust store (keytool -importcert -cacerts) or name a trust store with"
        + " -Djavax.net.ssl.trustStore=FILE";
    return SdkClientException.builder().message(message).cause(new UntrustedCertificate(message, null)).build();
  }

  /** The handshake failed on the peer's certificate: {@code e} or one of its causes says so. */
  static boolean isCertificateFailure(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof CertificateException || t instanceof CertPathBuilderException
          || t instanceof CertPathValidatorException || t instanceof SSLPeerUnverifiedException) {
        return true;
      }
    }
    return false;
  }

  /**
   * The CRT's client says only "TLS negotiation failed", for a certificate as for a handshake cut short. The
   * JDK's handshake with the same trust store (the CRT is given the JDK's: {@link HttpStack#trustTheJdkStore})
   * and the same host name check tells which: the certificate failure, if that is what it was. Direct, not
   * through a proxy: where the endpoint cannot be reached so, the answer is empty and the failure is retried.
   */
  static Optional<String> probe(String host, int port) {
    return PROBED.computeIfAbsent(host + ":" + port, k -> handshake(host, port));
  }

  private static Optional<String> handshake(String host, int port) {
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
      return Optional.empty();
    } catch (IOException | RuntimeException e) {
      return isCertificateFailure(e) ? Optional.of(S3Errors.firstLine(e.getMessage())) : Optional.empty();
    }
  }
}
