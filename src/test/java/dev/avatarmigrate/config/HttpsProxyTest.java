package dev.avatarmigrate.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HttpsProxyTest {
  private static final URI HTTPS_ENDPOINT = URI.create("https://minio.internal.example:9000");

  private static HttpsProxy resolve(Map<String, String> env, URI endpoint, String region) {
    return HttpsProxy.resolve(ConfigSource.of(env), endpoint, region);
  }

  @Test
  void anHttpsEndpointGoesThroughHttpsProxy() {
    HttpsProxy p = resolve(Map.of("HTTPS_PROXY", "http://proxy.corp:3128"), HTTPS_ENDPOINT, null);
    assertEquals(new HttpsProxy("http", "proxy.corp", 3128, null, null), p);
  }

  @Test
  void awsItselfIsAnHttpsEndpoint() {
    HttpsProxy p = resolve(Map.of("https_proxy", "proxy.corp:8080"), null, "eu-west-1");
    assertEquals(new HttpsProxy("http", "proxy.corp", 8080, null, null), p);
  }

  @Test
  void anHttpEndpointOrNoHttpsProxyLeavesItToTheSdk() {
    assertNull(resolve(Map.of("HTTPS_PROXY", "http://proxy.corp:3128"), URI.create("http://127.0.0.1:9000"), null));
    assertNull(resolve(Map.of("HTTP_PROXY", "http://proxy.corp:3128"), HTTPS_ENDPOINT, null));
    assertNull(resolve(Map.of("HTTPS_PROXY", "  "), HTTPS_ENDPOINT, null));
  }

  @Test
  void noProxyNamingTheEndpointMeansDirect() {
    for (String noProxy : new String[] {"internal.example", ".internal.example", "*.internal.example",
        "localhost, minio.internal.example:9000", "*"}) {
      assertSame(HttpsProxy.DIRECT, resolve(Map.of("HTTPS_PROXY", "http://proxy.corp:3128", "NO_PROXY", noProxy),
          HTTPS_ENDPOINT, null), noProxy);
    }
    assertSame(HttpsProxy.DIRECT, resolve(Map.of("HTTPS_PROXY", "http://p:1", "no_proxy", ".amazonaws.com"), null,
        "us-east-1"));
  }

  @Test
  void noProxyNamingOtherHostsKeepsTheProxy() {
    for (String noProxy : new String[] {"xample", "nal.example", "localhost,127.0.0.1", "minio.internal.example.org"}) {
      HttpsProxy p = resolve(Map.of("HTTPS_PROXY", "http://proxy.corp:3128", "NO_PROXY", noProxy), HTTPS_ENDPOINT,
          null);
      assertFalse(p.direct(), noProxy);
    }
  }

  @Test
  void credentialsAreTakenDecodedAndNeverShown() {
    HttpsProxy p = HttpsProxy.parse("HTTPS_PROXY", "http://svc%40corp:p%3Ass+w@proxy.corp:3128/");
    assertEquals("svc@corp", p.username());
    assertEquals("p:ss+w", p.password());
    assertEquals("http://svc@corp:***@proxy.corp:3128 (HTTPS_PROXY)", p.toString());
    assertFalse(new S3Settings(null, null, null, false, null, null, null, p, null).toString().contains("ss+w"));
  }

  @Test
  void ipv6HostsLoseTheirBrackets() {
    HttpsProxy p = HttpsProxy.parse("HTTPS_PROXY", "http://[fd00::1]:3128");
    assertEquals("fd00::1", p.host());
    assertEquals("http://[fd00::1]:3128 (HTTPS_PROXY)", p.toString());
    assertSame(HttpsProxy.DIRECT, resolve(Map.of("HTTPS_PROXY", "http://p:1", "NO_PROXY", "[fd00::5]"),
        URI.create("https://[fd00::5]:9000"), null));
  }

  @Test
  void aUserWithoutAPasswordSendsAnEmptyOne() {
    HttpsProxy p = HttpsProxy.parse("HTTPS_PROXY", "http://svc@proxy.corp:3128");
    assertEquals("svc", p.username());
    assertEquals("", p.password());
    assertEquals("http://svc@proxy.corp:3128 (HTTPS_PROXY)", p.toString());
  }

  @Test
  void theDefaultPortIsTheProxySchemes() {
    assertEquals(80, HttpsProxy.parse("HTTPS_PROXY", "http://proxy.corp").port());
    assertEquals(443, HttpsProxy.parse("HTTPS_PROXY", "https://proxy.corp").port());
  }

  @Test
  void somethingElseIsAConfigurationErrorThatDoesNotRepeatTheValue() {
    ConfigException socks = assertThrows(ConfigException.class,
        () -> HttpsProxy.parse("HTTPS_PROXY", "socks5://u:secret@proxy.corp:1080"));
    assertTrue(socks.getMessage().contains("only http:// and https://"), socks.getMessage());
    assertFalse(socks.getMessage().contains("secret"));
    ConfigException garbage = assertThrows(ConfigException.class,
        () -> HttpsProxy.parse("HTTPS_PROXY", "http://u:se cret@"));
    assertTrue(garbage.getMessage().startsWith("HTTPS_PROXY is not a proxy address"), garbage.getMessage());
    assertFalse(garbage.getMessage().contains("se cret"));
  }
}
