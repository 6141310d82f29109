package dev.avatarmigrate.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SdkProxyTest {
  @Test
  void httpsProxyIsKeptForTheSdksOwnRequestsEvenWhereNoProxyExemptsTheS3Endpoint() {
    ConfigSource config = ConfigSource.of(Map.of("HTTPS_PROXY", "http://svc:pw@proxy.corp:3128",
        "NO_PROXY", "s3.us-east-1.amazonaws.com"));
    assertSame(HttpsProxy.DIRECT, HttpsProxy.resolve(config, null, "us-east-1"));
    SdkProxy sdk = SdkProxy.resolve(config);
    assertEquals("proxy.corp", sdk.proxy().host());
    assertEquals(3128, sdk.proxy().port());
    assertEquals("svc", sdk.proxy().username());
    assertFalse(sdk.toString().contains("pw"), sdk.toString());
  }

  @Test
  void notSetIsNull() {
    assertNull(SdkProxy.resolve(ConfigSource.of(Map.of("HTTP_PROXY", "http://proxy.corp:3128"))));
    assertNull(SdkProxy.resolve(ConfigSource.of(Map.of("HTTPS_PROXY", " "))));
  }

  @Test
  void noProxyBecomesNonProxyHostsWithEachEntryCoveringTheHostsUnderIt() {
    assertEquals("169.254.169.254|*.169.254.169.254|example.com|*.example.com|internal|*.internal|fd00::5|*.fd00::5",
        sdk("169.254.169.254, .example.com:443,*.internal,[fd00::5]:80").nonProxyHosts());
    assertEquals("*", sdk("localhost,*").nonProxyHosts());
    assertEquals("", sdk("").nonProxyHosts());
  }

  private static SdkProxy sdk(String noProxy) {
    return new SdkProxy(HttpsProxy.parse("HTTPS_PROXY", "http://p:1"), noProxy);
  }

  @Test
  void anHttpEndpointStillGetsNoS3ProxyFromIt() {
    ConfigSource config = ConfigSource.of(Map.of("HTTPS_PROXY", "http://proxy.corp:3128"));
    assertNull(HttpsProxy.resolve(config, URI.create("http://minio.internal:9000"), null));
    assertEquals("proxy.corp", SdkProxy.resolve(config).proxy().host());
  }
}
