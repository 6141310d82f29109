package dev.avatarmigrate.config;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code HTTPS_PROXY} and {@code NO_PROXY} as given, for the requests the AWS SDK makes on its own to fetch
 * credentials (STS for a profile's role or a web identity, SSO): those clients are built with the SDK's defaults,
 * which take a proxy only from JVM system properties ({@code http.proxyHost}, {@code http.nonProxyHosts}). Unlike
 * {@link HttpsProxy}, which decides for the S3 endpoint alone, this holds the proxy whatever {@code NO_PROXY} says
 * of that endpoint: an S3 reached directly (a VPC endpoint) does not mean STS is. The password never appears in
 * {@link #toString()}.
 *
 * @param noProxy {@code NO_PROXY} (or {@code no_proxy}) as given, "" when not set
 */
public record SdkProxy(HttpsProxy proxy, String noProxy) {

  /** The proxy {@code HTTPS_PROXY} (or {@code https_proxy}) names, or null when it is not set. */
  public static SdkProxy resolve(ConfigSource config) {
    String key = config.get("HTTPS_PROXY").filter(v -> !v.isBlank()).isPresent() ? "HTTPS_PROXY" : "https_proxy";
    String value = config.get(key).map(String::strip).orElse("");
    if (value.isEmpty()) {
      return null;
    }
    String noProxy = config.get("NO_PROXY").filter(v -> !v.isBlank()).or(() -> config.get("no_proxy")).orElse("");
    return new SdkProxy(HttpsProxy.parse(key, value), noProxy.strip());
  }

  /**
   * {@code NO_PROXY} in the form of {@code http.nonProxyHosts}: entries separated by {@code |}, a {@code *} only at
   * either end. As curl reads {@code NO_PROXY}, an entry names that host and every host under it.
   */
  public String nonProxyHosts() {
    List<String> hosts = new ArrayList<>();
    for (String entry : HttpsProxy.noProxyEntries(noProxy)) {
      if (entry.equals("*")) {
        return "*";
      }
      hosts.add(entry);
      hosts.add("*." + entry);
    }
    return String.join("|", hosts);
  }

  @Override
  public String toString() {
    return proxy + (noProxy.isEmpty() ? "" : ", NO_PROXY " + noProxy);
  }
}
