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
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * An https endpoint whose certificate the trust store does not hold: the built jar stops in the preflight with
 * what to do (exit 3), without retrying the handshake, and touches nothing; given the trust store, the same run
 * moves everything. On both HTTP clients.
 */
class UntrustedCertificateIT {
  private static final Duration TIMEOUT = Duration.ofMinutes(3);

  @ParameterizedTest
  @ValueSource(strings = {"crt", "apache"})
  void anUntrustedCertificateStopsTheRunAtOnceWithWhatToDo(String client, @TempDir Path dir) throws Exception {
    SelfSignedTls tls = SelfSignedTls.create(dir);
    AvatarWorld world = AvatarWorld.create();
    List<String> names = world.seedAvatars(3);
    List<String> rowsBefore = world.paths();
    try (TcpRelay https = TcpRelay.startTls("127.0.0.1", S3ProxyServer.shared().endpoint().getPort(),
        tls.serverContext())) {
      String endpoint = "https://127.0.0.1:" + https.port();
      Path run = Files.createDirectory(dir.resolve("run"));
      List<String> jvm = List.of("-Davatarmigrate.httpClient=" + client);

      Result refused = world.runJar(run, TIMEOUT, jvm, "--endpoint-url", endpoint).expectExit(3);
      assertTrue(refused.err().contains("the TLS certificate of 127.0.0.1:" + https.port() + " is not trusted"),
          refused.err());
      assertTrue(refused.err().contains("-Djavax.net.ssl.trustStore=FILE"), refused.err());
      assertEquals(1, refused.err().strip().lines().count(), refused.err());
      // Not retried: Apache's client makes one handshake per request the preflight sends at once (the source's
      // bucket and its first listing page); the CRT's the same, and the JDK's handshake that tells why.
      // Retried, as before, each would have been made eight times.
      assertTrue(https.accepted() <= 3, client + ": " + https.accepted() + " handshakes");
      assertEquals(rowsBefore, world.paths());
      for (String name : names) {
        assertTrue(world.exists(world.legacy, "image/" + name), name);
      }

      // Through HTTPS_PROXY's tunnel, to a host name only the proxy knows (so only a handshake through the tunnel
      // can see the certificate, as with a TLS-inspecting proxy's own): the same.
      try (ConnectProxy proxy = ConnectProxy.requiring("svc").knowing("avatars.internal", "127.0.0.1")) {
        int before = https.accepted();
        Path proxied = Files.createDirectory(dir.resolve("proxied"));
        Files.writeString(proxied.resolve(".env"), "HTTPS_PROXY=http://svc:s3cr3t@127.0.0.1:" + proxy.port() + "\n");
        String internal = "avatars.internal:" + https.port();
        Result through = world.runJar(proxied, TIMEOUT, jvm, "--endpoint-url", "https://" + internal).expectExit(3);
        assertTrue(through.err().contains("the TLS certificate of " + internal + " is not trusted"), through.err());
        assertTrue(https.accepted() - before <= 3, client + ": " + (https.accepted() - before) + " handshakes");
        assertFalse(proxy.tunnels().isEmpty());
        assertTrue(proxy.tunnels().stream().allMatch(t -> t.equals("avatars.internal:" + https.port() + " svc")),
            proxy.tunnels().toString());
      }
      assertEquals(rowsBefore, world.paths());

      List<String> trusted = new ArrayList<>(jvm);
      trusted.addAll(tls.trustOptions());
      world.runJar(run, TIMEOUT, trusted, "--endpoint-url", endpoint).expectExit(0);
      world.assertEveryRowPointsAtAnObject();
      for (String name : names) {
        assertTrue(world.exists(world.production, "avatar/" + name), name);
      }
    }
  }
}
