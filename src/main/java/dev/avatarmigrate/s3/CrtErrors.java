package dev.avatarmigrate.s3;

import java.io.IOException;
import software.amazon.awssdk.crt.http.HttpException;
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
        try {
          return prepared.call();
        } catch (HttpException e) {
          throw new IOException(e.getMessage(), e);
        }
      }

      @Override
      public void abort() {
        prepared.abort();
      }
    };
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
