package dev.avatarmigrate.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.avatarmigrate.testing.AvatarWorld;
import dev.avatarmigrate.testing.AvatarWorld.Result;
import dev.avatarmigrate.testing.ConnectProxy;
import dev.avatarmigrate.testing.S3ProxyServer;
import dev.avatarmigrate.testing.SelfSignedTls;
import dev.avatarmigrate.testing.TcpRelay;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built jar reaches an https endpoint through the proxy HTTPS_PROXY names (here from .env), and directly when
 * NO_PROXY names the endpoint. The endpoint is a TLS relay, with a certificate of its own, in front of S3Proxy; the
 * proxy asks for its user as a corporate one does (Apache's client answers the 407, the CRT's sends it at once).
 */
class ProxyIT {
  private static final Duration TIMEOUT = Duration.ofMinutes(2);

  @Test
  void anHttpsEndpointIsReachedThroughHttpsProxyUnlessNoProxyNamesIt(@TempDir Path dir) throws Exception {
    SelfSignedTls tls = SelfSignedTls.create(dir);
    S3ProxyServer s3 = S3ProxyServer.shared();
    try (TcpRelay https = TcpRelay.startTls("127.0.0.1", s3.endpoint().getPort(), tls.serverContext());
        ConnectProxy proxy = ConnectProxy.requiring("svc")) {
      String endpoint = "https://127.0.0.1:" + https.port();
      List<String> trust = tls.trustOptions();

      // Each HTTP client the tool may run on: the CRT's, and Apache's.
      for (String client : List.of("crt", "apache")) {
        int tunnelsBefore = proxy.tunnels().size();
        AvatarWorld through = AvatarWorld.create();
        Map<String, byte[]> avatars = seed(through, 20);
        Path run = Files.createDirectory(dir.resolve("through-" + client));
        Files.writeString(run.resolve(".env"), "HTTPS_PROXY=http://svc:s3cr3t@127.0.0.1:" + proxy.port() + "\n");
        List<String> jvm = new java.util.ArrayList<>(trust);
        jvm.add("-Davatarmigrate.httpClient=" + client);
        Result r = through.runJar(run, TIMEOUT, jvm, "-v", "--method", "sync", "--endpoint-url", endpoint)
            .expectExit(0);
        assertTrue(r.err().contains("proxy=http://svc:***@127.0.0.1:" + proxy.port() + " (HTTPS_PROXY)"), r.err());
        assertTrue(r.err().contains(client.equals("crt") ? "s3: AWS CRT HTTP client" : "s3: Apache HTTP client"),
            r.err());
        assertFalse(r.err().contains("s3cr3t") || r.out().contains("s3cr3t"), "the proxy password was shown");
        through.assertAllMoved(avatars);
        through.assertEveryRowPointsAtAnObject();
        List<String> tunnels = proxy.tunnels().subList(tunnelsBefore, proxy.tunnels().size());
        assertFalse(tunnels.isEmpty(), client + ": no request went through the proxy");
        assertTrue(tunnels.stream().allMatch(t -> t.equals("127.0.0.1:" + https.port() + " svc")), tunnels.toString());
      }

      int before = proxy.tunnels().size();
      AvatarWorld direct = AvatarWorld.create();
      Map<String, byte[]> more = seed(direct, 5);
      Path run2 = Files.createDirectory(dir.resolve("direct"));
      Files.writeString(run2.resolve(".env"), "HTTPS_PROXY=http://127.0.0.1:" + proxy.port() + "\nNO_PROXY=localhost,127.0.0.1\n");
      direct.runJar(run2, TIMEOUT, trust, "--endpoint-url", endpoint).expectExit(0);
      direct.assertAllMoved(more);
      assertEquals(before, proxy.tunnels().size(), "NO_PROXY names the endpoint, yet the run went through the proxy");
    }
  }

  private static Map<String, byte[]> seed(AvatarWorld w, int n) {
    Map<String, byte[]> avatars = new HashMap<>();
    for (String name : w.seedAvatars(n)) {
      avatars.put(name, w.bytes(w.legacy, "image/" + name).orElseThrow());
    }
    return avatars;
  }
}
