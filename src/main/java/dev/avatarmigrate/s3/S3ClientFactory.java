package dev.avatarmigrate.s3;

import dev.avatarmigrate.config.HttpsProxy;
import dev.avatarmigrate.config.S3Settings;
import dev.avatarmigrate.config.SdkProxy;
import dev.avatarmigrate.engine.PreflightException;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkSystemSetting;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.http.apache.ApacheSdkHttpService;
import software.amazon.awssdk.http.crt.AwsCrtHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.s3.S3Client;

/** Builds the one S3 client of a run from the settings. */
final class S3ClientFactory {
  // Attempts per request, with exponential backoff and full jitter: rides out a node restart (seven waits of at
  // most 0.1 s doubling to 5 s: 11 s at most) or a throttling burst (SlowDown: at most 1 s doubling to 20 s:
  // 71 s at most) without hiding an outage.
  static final int MAX_ATTEMPTS = 8;
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
  // A server-side copy of a large object answers only when done; S3 keeps the socket alive meanwhile.
  private static final Duration IDLE_TIMEOUT = Duration.ofMinutes(5);

  // The http.proxyHost this process set for the SDK's own clients (proxyCredentialRequests), to tell it from one
  // given with -D.
  private static String proxyHostSet;

  private S3ClientFactory() {}

  static S3Client create(S3Settings s, int concurrency) {
    boolean proxiedCredentials = proxyCredentialRequests(s.sdkProxy());
    var builder = S3Client.builder()
        .region(region(s))
        .credentialsProvider(credentials(s))
        .httpClientBuilder(httpClient(concurrency, s.httpsProxy(), proxiedCredentials))
        .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder()
            .maxAttempts(MAX_ATTEMPTS)
            .backoffStrategy(BackoffStrategy.exponentialDelay(Duration.ofMillis(100), Duration.ofSeconds(5)))
            // S3 asks a client that gets SlowDown to back off harder; the SDK's own throttling delays, stated here.
            .throttlingBackoffStrategy(BackoffStrategy.exponentialDelay(Duration.ofSeconds(1), Duration.ofSeconds(20)))
            // The token bucket would stop retrying under a sustained error rate; the bounded attempts
            // and backoff already protect the server, and the tool must finish.
            .circuitBreakerEnabled(false)
            .build()))
        .forcePathStyle(s.pathStyle());
    if (s.endpoint() != null) {
      builder.endpointOverride(s.endpoint());
    } else {
      // Each bucket is addressed in its own region, whatever --region says.
      builder.crossRegionAccessEnabled(true);
      if (blankEndpointVariable(System.getenv())) {
        // An exported but empty AWS_ENDPOINT_URL (what `set -a; . ./.env` makes of an empty line) means no
        // endpoint, as it does to the tool; the SDK would read it as one and fail on its missing scheme.
        System.setProperty(SdkSystemSetting.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS.property(), "true");
      }
    }
    S3Client client;
    try {
      client = builder.build();
    } catch (IllegalStateException e) {
      // The CRT reads the trust store as the client is built (Apache's at the first connection).
      if (!String.valueOf(e.getMessage()).contains("trust store")) {
        throw e;
      }
      throw new PreflightException(S3Errors.firstLine(e.getMessage())
          + "; check -Djavax.net.ssl.trustStore and -Djavax.net.ssl.trustStorePassword", e);
    }
    HttpStack.opened();
    return client;
  }

  /**
   * True when the endpoint variable the SDK would take (AWS_ENDPOINT_URL_S3 before AWS_ENDPOINT_URL) is set but
   * empty; a non-empty one it takes as it always did.
   */
  static boolean blankEndpointVariable(Map<String, String> env) {
    String s3 = env.get("AWS_ENDPOINT_URL_S3");
    String taken = s3 != null ? s3 : env.get("AWS_ENDPOINT_URL");
    return taken != null && taken.isBlank();
  }

  /**
   * The AWS CRT's HTTP client where its native library loads (Linux, macOS and Windows on x86_64 and arm64):
   * it takes about a fifth less CPU per request than Apache's, which a run of small copies is made of. Apache's
   * elsewhere, or when {@code -Davatarmigrate.httpClient=apache} asks for it (e.g. to debug TLS with
   * {@code -Djavax.net.debug}). Both trust the JDK's trust store, or the one {@code -Djavax.net.ssl.trustStore}
   * names.
   *
   * <p>The proxy: {@code proxy} where HTTPS_PROXY gave one (or NO_PROXY exempted the endpoint), else what the SDK
   * reads itself (HTTP_PROXY, {@code -Dhttp.proxyHost}); but not the {@code http.proxyHost} that
   * {@link #proxyCredentialRequests} set ({@code ownProperties}), which is HTTPS_PROXY's, for https only.
   */
  static SdkHttpClient.Builder<?> httpClient(int concurrency, HttpsProxy proxy, boolean ownProperties) {
    // One connection per copy worker, plus headroom for listings, multipart parts and deletes.
    int connections = concurrency * 2 + 8;
    if (HttpStack.current() == HttpStack.CRT_CLIENT) {
      HttpStack.trustTheJdkStore();
      AwsCrtHttpClient.Builder crt = AwsCrtHttpClient.builder()
          .maxConcurrency(connections)
          .connectionTimeout(CONNECT_TIMEOUT)
          .useTrustStoreSystemProperties(true)
          .proxyConfiguration(p -> {
            if (proxy == null) {
              // As Apache's client does by default (the SDK reads HTTP_PROXY / http.proxyHost, for https too).
              p.useSystemPropertyValues(!ownProperties).useEnvironmentVariableValues(true);
            } else {
              p.useSystemPropertyValues(false).useEnvironmentVariableValues(false);
              if (!proxy.direct()) {
                p.scheme(proxy.scheme()).host(proxy.host()).port(proxy.port())
                    .username(proxy.username()).password(proxy.password());
              }
            }
          })
          // As Apache's socket timeout: a connection that carries nothing for this long is given up.
          .connectionHealthConfiguration(h -> h.minimumThroughputInBps(1L).minimumThroughputTimeout(IDLE_TIMEOUT));
      return HttpErrors.wrapping(crt, route(proxy, ownProperties));
    }
    ApacheHttpClient.Builder apache = ApacheHttpClient.builder();
    if (proxy == null && ownProperties) {
      apache.proxyConfiguration(software.amazon.awssdk.http.apache.ProxyConfiguration.builder()
          .useSystemPropertyValues(false).useEnvironmentVariableValues(true).build());
    } else if (proxy != null) {
      var p = software.amazon.awssdk.http.apache.ProxyConfiguration.builder()
          .useSystemPropertyValues(false).useEnvironmentVariableValues(false);
      if (!proxy.direct()) {
        String host = proxy.host().contains(":") ? "[" + proxy.host() + "]" : proxy.host();
        p.endpoint(URI.create(proxy.scheme() + "://" + host + ":" + proxy.port()))
            .username(proxy.username()).password(proxy.password());
      }
      apache.proxyConfiguration(p.build());
    }
    return HttpErrors.wrapping(apache
        .maxConnections(connections)
        .connectionTimeout(CONNECT_TIMEOUT)
        .socketTimeout(IDLE_TIMEOUT), route(proxy, ownProperties));
  }

  /** The way the client takes to the endpoint: HTTPS_PROXY's proxy, directly, or one the SDK's settings name. */
  private static HttpErrors.Route route(HttpsProxy proxy, boolean ownProperties) {
    if (proxy != null) {
      return proxy.direct() ? HttpErrors.Route.DIRECT
          : proxy.scheme().equals("http") ? HttpErrors.Route.through(proxy) : HttpErrors.Route.UNKNOWN;
    }
    boolean property = !ownProperties && System.getProperty("http.proxyHost") != null;
    return property || System.getenv("HTTP_PROXY") != null || System.getenv("http_proxy") != null
        ? HttpErrors.Route.UNKNOWN : HttpErrors.Route.DIRECT;
  }

  /**
   * The clients the SDK builds on its own to fetch credentials (STS, for a profile's role or a web identity; SSO)
   * take its defaults, which read a proxy only from {@code -Dhttp.proxyHost} and the like (for https too) and
   * HTTP_PROXY. So HTTPS_PROXY, with NO_PROXY, is set there, as the AWS CLI would use it for those requests,
   * and Apache's client is named as the SDK's default, whose reading of them is known. Not where
   * {@code -Dhttp.proxyHost} is given already, nor for an https:// proxy, which those properties cannot name.
   *
   * @return whether the properties were set
   */
  static synchronized boolean proxyCredentialRequests(SdkProxy sdk) {
    if (sdk == null || !"http".equals(sdk.proxy().scheme())) {
      return false;
    }
    String given = System.getProperty("http.proxyHost");
    if (given != null) {
      return given.equals(proxyHostSet); // set by an earlier client of this run, or given by the user
    }
    String defaultClient = SdkSystemSetting.SYNC_HTTP_SERVICE_IMPL.property();
    if (System.getProperty(defaultClient) == null) {
      System.setProperty(defaultClient, ApacheSdkHttpService.class.getName());
    }
    HttpsProxy proxy = sdk.proxy();
    System.setProperty("http.proxyHost", proxy.host());
    System.setProperty("http.proxyPort", String.valueOf(proxy.port()));
    if (proxy.username() != null) {
      System.setProperty("http.proxyUser", proxy.username());
      System.setProperty("http.proxyPassword", proxy.password());
    }
    if (!sdk.nonProxyHosts().isEmpty()) {
      System.setProperty("http.nonProxyHosts", sdk.nonProxyHosts());
    }
    proxyHostSet = proxy.host();
    return true;
  }

  static Region region(S3Settings s) {
    if (s.region() != null) {
      return Region.of(s.region());
    }
    try {
      return DefaultAwsRegionProviderChain.builder().profileName(s.profile()).build().getRegion();
    } catch (SdkClientException e) {
      // As the AWS CLI does for S3: us-east-1 when nothing says otherwise; cross-region access finds the rest.
      return Region.US_EAST_1;
    }
  }

  static AwsCredentialsProvider credentials(S3Settings s) {
    if (s.profile() != null) {
      return ProfileCredentialsProvider.create(s.profile());
    }
    if (s.hasStaticKeys()) {
      return StaticCredentialsProvider.create(s.sessionToken() == null || s.sessionToken().isBlank()
          ? AwsBasicCredentials.create(s.accessKeyId(), s.secretAccessKey())
          : AwsSessionCredentials.create(s.accessKeyId(), s.secretAccessKey(), s.sessionToken()));
    }
    return DefaultCredentialsProvider.builder().build();
  }
}
