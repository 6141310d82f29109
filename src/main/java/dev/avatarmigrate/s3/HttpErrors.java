package dev.avatarmigrate.s3;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
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
  private final SdkHttpClient delegate;

  HttpErrors(SdkHttpClient delegate) {
    this.delegate = delegate;
  }

  /** A builder for the S3 client's own use: it builds the HTTP client with the SDK's defaults, then wraps it. */
  static SdkHttpClient.Builder<?> wrapping(SdkHttpClient.Builder<?> http) {
    return new Wrapping(http);
  }

  private record Wrapping(SdkHttpClient.Builder<?> http) implements SdkHttpClient.Builder<Wrapping> {
    @Override
    public SdkHttpClient buildWithDefaults(AttributeMap serviceDefaults) {
      return new HttpErrors(http.buildWithDefaults(serviceDefaults));
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
   * Throws {@link UntrustedCertificate}'s error where the handshake failed on the endpoint's certificate. Apache's client says so
   * in the exception's causes. The CRT's says only "TLS negotiation failed" or, as often, that its connection
   * wait ran out first: there a JDK handshake with the same trust store tells whether the certificate is why.
   */
  private static void throwIfUntrusted(SdkHttpRequest sent, Exception e) {
    Optional<String> certificate = Optional.empty();
    if (UntrustedCertificate.isCertificateFailure(e)) {
      certificate = Optional.of(S3Errors.firstLine(e.getMessage()));
    } else if ((e instanceof HttpException || e.getCause() instanceof HttpException)
        && "https".equals(sent.protocol())) {
      certificate = UntrustedCertificate.probe(sent.host(), sent.port());
    }
    if (certificate.isPresent()) {
      throw UntrustedCertificate.error(sent.host(), sent.port(), certificate.get());
    }
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
