package dev.avatarmigrate.s3;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import software.amazon.awssdk.crt.http.HttpException;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.utils.AttributeMap;

/**
 * The CRT's HTTP client with the errors it does not count as retryable (a host name that does not resolve, a
 * failed TLS handshake) thrown as {@link IOException}, as Apache's client throws them. The SDK wraps only
 * IOExceptions into its client exception; the CRT's bare runtime exception would pass through the SDK's retries
 * and the run's error messages alike.
 */
final class CrtErrors implements SdkHttpClient {
  private final SdkHttpClient delegate;

  CrtErrors(SdkHttpClient delegate) {
    this.delegate = delegate;
  }

  /** A builder for the S3 client's own use: it builds the CRT's client with the SDK's defaults, then wraps it. */
  static SdkHttpClient.Builder<?> wrapping(SdkHttpClient.Builder<?> crt) {
    return new Wrapping(crt);
  }

  private record Wrapping(SdkHttpClient.Builder<?> crt) implements SdkHttpClient.Builder<Wrapping> {
    @Override
    public SdkHttpClient buildWithDefaults(AttributeMap serviceDefaults) {
      return new CrtErrors(crt.buildWithDefaults(serviceDefaults));
    }
  }

  @Override
  public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
    ExecutableHttpRequest prepared = delegate.prepareRequest(request);
    return new ExecutableHttpRequest() {
      @Override
      public HttpExecuteResponse call() throws IOException {
        HttpExecuteResponse response;
        try {
          response = prepared.call();
        } catch (HttpException e) {
          throw new IOException(e.getMessage(), e);
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
