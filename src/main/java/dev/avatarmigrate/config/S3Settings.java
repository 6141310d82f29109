package dev.avatarmigrate.config;

import java.net.URI;

/**
 * How to reach S3: an optional endpoint (S3-compatible stores), region, profile, path-style addressing,
 * and static keys when the environment or {@code .env} provides them. Without keys, the SDK's default
 * credential chain (profile, SSO, instance role) decides. Secrets never appear in {@link #toString()}.
 *
 * @param httpsProxy the proxy from HTTPS_PROXY for an https endpoint, or null when the SDK's own settings decide
 * @param sdkProxy HTTPS_PROXY and NO_PROXY for the credential requests the SDK makes itself, or null when not set
 *     or when the SDK fetches no credentials (keys given outright)
 */
public record S3Settings(
    URI endpoint,
    String region,
    String profile,
    boolean pathStyle,
    String accessKeyId,
    String secretAccessKey,
    String sessionToken,
    HttpsProxy httpsProxy,
    SdkProxy sdkProxy) {

  public boolean hasStaticKeys() {
    return staticKeys(accessKeyId, secretAccessKey);
  }

  /** Keys given outright: both the key id and the secret, not blank. */
  public static boolean staticKeys(String accessKeyId, String secretAccessKey) {
    return accessKeyId != null && !accessKeyId.isBlank() && secretAccessKey != null && !secretAccessKey.isBlank();
  }

  @Override
  public String toString() {
    return "S3Settings[endpoint=" + (endpoint == null ? "AWS" : endpoint) + ", region=" + region
        + ", profile=" + profile + ", pathStyle=" + pathStyle
        + ", credentials=" + (profile != null ? "profile " + profile : hasStaticKeys() ? "static keys ***" : "default chain")
        + (httpsProxy == null ? "" : ", proxy=" + httpsProxy)
        + (sdkProxy == null ? "" : ", credential requests through " + sdkProxy)
        + "]";
  }
}
