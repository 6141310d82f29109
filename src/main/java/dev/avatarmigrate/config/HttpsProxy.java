package dev.avatarmigrate.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The proxy for an {@code https} S3 endpoint (AWS itself included), taken from {@code HTTPS_PROXY} (or
 * {@code https_proxy}) the way curl, the AWS CLI and rclone take it, with {@code NO_PROXY} (or {@code no_proxy})
 * naming hosts reached directly. The AWS SDK on its own reads only {@code HTTP_PROXY} and {@code -Dhttp.proxyHost},
 * for every endpoint; it still does where {@code HTTPS_PROXY} is not set, or the endpoint is {@code http}.
 *
 * <p>{@link #DIRECT} is an endpoint that {@code NO_PROXY} exempts: no proxy at all, whatever else is set.
 * The password never appears in {@link #toString()}.
 */
public record HttpsProxy(String scheme, String host, int port, String username, String password) {

  /** Reach the endpoint directly: {@code NO_PROXY} names it. */
  public static final HttpsProxy DIRECT = new HttpsProxy(null, null, 0, null, null);

  private static final String SHAPE = "a proxy address such as http://proxy.example.com:3128 (or"
      + " http://user:password@host:port)";

  /**
   * The proxy for {@code endpoint} (null: AWS, reached over https in {@code region}, which may be null), or null
   * when {@code HTTPS_PROXY} does not apply (not set, or an http endpoint): the SDK's own settings then decide.
   *
   * @throws ConfigException when {@code HTTPS_PROXY} is not a proxy address
   */
  public static HttpsProxy resolve(ConfigSource config, URI endpoint, String region) {
    boolean https = endpoint == null || "https".equalsIgnoreCase(endpoint.getScheme());
    SdkProxy configured = https ? SdkProxy.resolve(config) : null;
    if (configured == null) {
      return null;
    }
    String host = endpoint != null ? unbracketed(endpoint.getHost())
        : region == null || region.isBlank() ? "s3.amazonaws.com" : "s3." + region.strip() + ".amazonaws.com";
    if (host != null && exempts(configured.noProxy(), host)) {
      return DIRECT;
    }
    return configured.proxy();
  }

  static HttpsProxy parse(String key, String value) {
    URI uri;
    try {
      uri = new URI(value.contains("://") ? value : "http://" + value);
    } catch (URISyntaxException e) {
      // The value may hold a password: it is not repeated.
      throw new ConfigException(key + " is not " + SHAPE);
    }
    String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new ConfigException(key + " names a " + scheme + " proxy: only http:// and https:// proxies are supported");
    }
    if (uri.getHost() == null) {
      throw new ConfigException(key + " is not " + SHAPE);
    }
    int port = uri.getPort() >= 0 ? uri.getPort() : scheme.equals("https") ? 443 : 80;
    String username = null;
    String password = null;
    String userInfo = uri.getRawUserInfo();
    if (userInfo != null && !userInfo.isEmpty()) {
      int colon = userInfo.indexOf(':');
      username = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
      // A user without a password is Basic authentication with an empty one, as curl sends it.
      password = colon < 0 ? "" : decode(userInfo.substring(colon + 1));
    }
    return new HttpsProxy(scheme, unbracketed(uri.getHost()), port, username, password);
  }

  /** An IPv6 address without the brackets a URI writes it in. */
  private static String unbracketed(String host) {
    return host != null && host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
  }

  /**
   * Whether {@code NO_PROXY} names {@code host}, as curl reads it: {@code *} names every host, and an entry names
   * that host and every host under it ({@code example.com} and {@code .example.com} both cover
   * {@code s3.example.com}). A port after an entry is ignored.
   */
  static boolean exempts(String noProxy, String host) {
    String h = host.toLowerCase(Locale.ROOT);
    for (String entry : noProxyEntries(noProxy)) {
      if (entry.equals("*") || h.equals(entry) || h.endsWith("." + entry)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The hosts and domains {@code NO_PROXY} names, lower case, without a port, brackets or a leading {@code .} or
   * {@code *.}; {@code *} (every host) stays as it is.
   */
  static List<String> noProxyEntries(String noProxy) {
    List<String> entries = new ArrayList<>();
    for (String raw : noProxy.split(",")) {
      String entry = raw.strip().toLowerCase(Locale.ROOT);
      if (entry.startsWith("[")) {
        entry = entry.substring(1, Math.max(1, entry.indexOf(']')));
      } else if (entry.indexOf(':') == entry.lastIndexOf(':') && entry.contains(":")) {
        entry = entry.substring(0, entry.indexOf(':'));
      }
      if (entry.startsWith("*.")) {
        entry = entry.substring(1);
      }
      if (entry.startsWith(".")) {
        entry = entry.substring(1);
      }
      if (!entry.isEmpty()) {
        entries.add(entry);
      }
    }
    return entries;
  }

  private static String decode(String s) {
    return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  public boolean direct() {
    return host == null;
  }

  @Override
  public String toString() {
    if (direct()) {
      return "none (NO_PROXY names the endpoint)";
    }
    String shownHost = host.contains(":") ? "[" + host + "]" : host;
    return scheme + "://" + (username == null ? "" : username + (password.isEmpty() ? "" : ":***") + "@") + shownHost
        + ":" + port + " (HTTPS_PROXY)";
  }
}
