package dev.avatarmigrate.s3;

import dev.avatarmigrate.config.HttpsProxy;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.crt.CRT;
import software.amazon.awssdk.crt.http.HttpException;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.utils.AttributeMap;

/**
 * The HTTP client (the CRT's or Apache's) with its errors given the form the SDK's retries and the run's messages
 * expect:
 * <ul>
 *   <li>the CRT's errors (a host name that does not resolve, a failed TLS handshake) as {@link IOException}, as
 *       Apache's client throws them. The SDK wraps only IOExceptions into its client exception; the CRT's bare
 *       runtime exception would pass through the SDK's retries and the run's error messages alike;</li>
 *   <li>a certificate the trust store does not accept as {@link UntrustedCertificate}, which is not retried.</li>
 * </ul>
 */
final class HttpErrors implements SdkHttpClient {
  // The CRT's two ways of saying a handshake failed: its own, and its connection wait running out first.
  private static final Set<String> CRT_HANDSHAKE_FAILURES = Set.of(
      "AWS_IO_TLS_ERROR_NEGOTIATION_FAILURE", "AWS_ERROR_HTTP_CONNECTION_MANAGER_ACQUISITION_TIMEOUT");

  private final SdkHttpClient delegate;
  private final Route route;
  // Some request has had an answer: the endpoint's certificate was accepted, so a later failed handshake is not it.
  private volatile boolean answered;

  /**
   * How the client reaches the endpoint, for a handshake of the JDK's to take the same way: directly, through the
   * proxy HTTPS_PROXY names, or a way it cannot take (a proxy the SDK's own settings name).
   */
  record Route(boolean known, HttpsProxy proxy) {
    static final Route DIRECT = new Route(true, null);
    static final Route UNKNOWN = new Route(false, null);

    static Route through(HttpsProxy proxy) {
      return new Route(true, proxy);
    }
  }

  HttpErrors(SdkHttpClient delegate, Route route) {
    this.delegate = delegate;
    this.route = route;
  }

  /** A builder for the S3 client's own use: it builds the HTTP client with the SDK's defaults, then wraps it. */
  static SdkHttpClient.Builder<?> wrapping(SdkHttpClient.Builder<?> http, Route route) {
    return new Wrapping(http, route);
  }

  private record Wrapping(SdkHttpClient.Builder<?> http, Route route) implements SdkHttpClient.Builder<Wrapping> {
    @Override
    public SdkHttpClient buildWithDefaults(AttributeMap serviceDefaults) {
      return new HttpErrors(http.buildWithDefaults(serviceDefaults), route);
    }
  }

  @Override
  public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
    ExecutableHttpRequest prepared = delegate.prepareRequest(request);
    return new ExecutableHttpRequest() {
      @Override
      public HttpExecuteResponse call() throws IOException {
        HttpExecuteResponse response;
        SdkHttpRequest sent = request.httpRequest();
        try {
          response = prepared.call();
        } catch (HttpException e) {
          throwIfUntrusted(sent, e);
          throw new IOException(e.getMessage(), e);
        } catch (IOException e) {
          throwIfUntrusted(sent, e);
          throw e;
        }
        if (!answered) {
          answered = true;
        }
        // The body streams after the headers (S3 sends a copy's 200 early and its result last): the same there.
        return response.responseBody().isEmpty() ? response : HttpExecuteResponse.builder()
            .response(response.httpResponse())
            .responseBody(AbortableInputStream.create(new Body(response.responseBody().get()),
                response.responseBody().get()))
            .build();
      }

      @Override
      public void abort() {
        prepared.abort();
      }
    };
  }

  /**
   * Throws {@link UntrustedCertificate}'s error where the handshake failed on the endpoint's certificate. Apache's
   * client says so in the exception's causes. The CRT's says only that the handshake failed, or that its
   * connection wait ran out first: there, while the endpoint has not answered yet, a JDK handshake with the same
   * trust store, taking the same way (directly or through HTTPS_PROXY's tunnel), tells whether the certificate is
   * why. Through a proxy only the SDK's own settings name, the CRT's failure is retried as a network error.
   */
  private void throwIfUntrusted(SdkHttpRequest sent, Exception e) {
    Optional<Throwable> certificate = Optional.empty();
    if (UntrustedCertificate.isCertificateFailure(e)) {
      certificate = Optional.of(e);
    } else if (route.known() && !answered && "https".equals(sent.protocol()) && isCrtHandshakeFailure(e)) {
      certificate = UntrustedCertificate.probe(sent.host(), sent.port(), route.proxy());
    }
    if (certificate.isPresent()) {
      throw UntrustedCertificate.error(sent.host(), sent.port(), certificate.get());
    }
  }

  private static boolean isCrtHandshakeFailure(Exception e) {
    HttpException crt = e instanceof HttpException h ? h : e.getCause() instanceof HttpException h ? h : null;
    return crt != null && CRT_HANDSHAKE_FAILURES.contains(CRT.awsErrorName(crt.getErrorCode()));
  }

  /** A response body whose CRT errors are IOExceptions. */
  private static final class Body extends FilterInputStream {
    Body(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      try {
        return super.read();
      } catch (HttpException e) {
        throw new IOException(e.getMessage(), e);
      }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      try {
        return super.read(b, off, len);
      } catch (HttpException e) {
        throw new IOException(e.getMessage(), e);
      }
    }
  }

  @Override
  public String clientName() {
    return delegate.clientName();
  }

  @Override
  public void close() {
    delegate.close();
  }
}
