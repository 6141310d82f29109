package dev.avatarmigrate.s3;

import dev.avatarmigrate.config.HttpsProxy;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateNotYetValidException;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
 * kept as a suppressed exception; the message carries its first line).
 */
final class UntrustedCertificate extends RuntimeException {
  private static final int PROBE_TIMEOUT_MILLIS = 5000;
  // host:port and the way → the JDK's definite answer there (a certificate failure, or empty: it completed).
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
   * that is what it was. It takes the CRT's way: directly, or through the CONNECT tunnel of {@code via} (where a
   * TLS-inspecting proxy shows its own certificate). Asked once per endpoint and run while the answers are
   * definite; a handshake that could not be made is asked again next time.
   *
   * @param via the proxy from HTTPS_PROXY, or null for a direct connection
   */
  static Optional<Throwable> probe(String host, int port, HttpsProxy via) {
    String endpoint = host + ":" + port + (via == null ? "" : " via " + via.host() + ":" + via.port());
    CompletableFuture<Optional<Throwable>> mine = new CompletableFuture<>();
    CompletableFuture<Optional<Throwable>> asked = PROBED.putIfAbsent(endpoint, mine);
    if (asked != null) {
      try {
        return asked.get(3L * PROBE_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return Optional.empty();
      } catch (ExecutionException | TimeoutException e) {
        return Optional.empty(); // no answer in time: a network error, retried
      }
    }
    Optional<Throwable> answer = Optional.empty();
    boolean definite = false;
    // Proxy.NO_PROXY: the CRT takes no -DsocksProxyHost either.
    try (Socket raw = new Socket(Proxy.NO_PROXY)) {
      raw.setSoTimeout(PROBE_TIMEOUT_MILLIS);
      if (via == null) {
        raw.connect(new InetSocketAddress(host, port), PROBE_TIMEOUT_MILLIS);
      } else {
        raw.connect(new InetSocketAddress(via.host(), via.port()), PROBE_TIMEOUT_MILLIS);
        if (!tunnel(raw, host, port, via)) {
          return answer;
        }
      }
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

  /** Asks the proxy on {@code raw} for a tunnel to host:port, as the CRT does (Basic credentials at once). */
  private static boolean tunnel(Socket raw, String host, int port, HttpsProxy via) throws IOException {
    String target = (host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host) + ":" + port;
    StringBuilder request = new StringBuilder("CONNECT " + target + " HTTP/1.1\r\nHost: " + target + "\r\n");
    if (via.username() != null) {
      String user = via.username() + ":" + via.password();
      request.append("Proxy-Authorization: Basic ")
          .append(Base64.getEncoder().encodeToString(user.getBytes(StandardCharsets.UTF_8))).append("\r\n");
    }
    request.append("\r\n");
    OutputStream out = raw.getOutputStream();
    out.write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
    // The answer's head, byte by byte, to its empty line: what follows it is the endpoint's TLS.
    InputStream in = raw.getInputStream();
    StringBuilder statusLine = new StringBuilder();
    int matched = 0; // of "\r\n\r\n"
    for (int read = 0; matched < 4; read++) {
      int b = in.read();
      if (b < 0 || read > 16 * 1024) {
        return false;
      }
      matched = b == (matched % 2 == 0 ? '\r' : '\n') ? matched + 1 : b == '\r' ? 1 : 0;
      if (statusLine.indexOf("\n") < 0) {
        statusLine.append((char) b);
      }
    }
    // "HTTP/1.1 200 Connection established": any 2xx opens the tunnel.
    String[] status = statusLine.toString().strip().split(" ");
    return status.length > 1 && status[1].length() == 3 && status[1].startsWith("2");
  }
}
