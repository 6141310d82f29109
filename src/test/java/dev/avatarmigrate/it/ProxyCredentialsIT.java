package dev.avatarmigrate.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.avatarmigrate.testing.AvatarWorld;
import dev.avatarmigrate.testing.AvatarWorld.Result;
import dev.avatarmigrate.testing.ConnectProxy;
import dev.avatarmigrate.testing.S3ProxyServer;
import dev.avatarmigrate.testing.SelfSignedTls;
import dev.avatarmigrate.testing.TcpRelay;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Behind a proxy, the credentials of an AWS profile that assumes a role are fetched through the proxy that
 * HTTPS_PROXY names, as the S3 requests are: the STS request the SDK makes itself goes through the tunnel too.
 * STS here is a stand-in on https (a TLS relay in front of a small HTTP server answering AssumeRole).
 */
class ProxyCredentialsIT {
  private static final Duration TIMEOUT = Duration.ofMinutes(2);

  @Test
  void aProfilesAssumeRoleGoesThroughHttpsProxyToo(@TempDir Path dir) throws Exception {
    SelfSignedTls tls = SelfSignedTls.create(dir);
    S3ProxyServer s3 = S3ProxyServer.shared();
    AtomicInteger assumed = new AtomicInteger();
    HttpServer sts = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    sts.createContext("/", exchange -> {
      exchange.getRequestBody().readAllBytes();
      assumed.incrementAndGet();
      byte[] body = assumeRoleResponse(s3.accessKey(), s3.secretKey()).getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "text/xml");
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    sts.start();
    try (TcpRelay s3Https = TcpRelay.startTls("127.0.0.1", s3.endpoint().getPort(), tls.serverContext());
        TcpRelay stsHttps = TcpRelay.startTls("127.0.0.1", sts.getAddress().getPort(), tls.serverContext());
        ConnectProxy proxy = ConnectProxy.requiring("svc")) {
      AvatarWorld world = AvatarWorld.create();
      List<String> names = world.seedAvatars(5);
      Path config = dir.resolve("aws-config");
      Files.writeString(config, String.join("\n",
          "[profile base]",
          "aws_access_key_id = base-key",
          "aws_secret_access_key = base-secret",
          "[profile migrate]",
          "role_arn = arn:aws:iam::123456789012:role/avatar-migrate",
          "source_profile = base",
          "region = " + s3.region(),
          ""));
      Path run = Files.createDirectory(dir.resolve("run"));
      Files.writeString(run.resolve(".env"), "HTTPS_PROXY=http://svc:s3cr3t@127.0.0.1:" + proxy.port() + "\n");
      List<String> jvm = new ArrayList<>(tls.trustOptions());
      jvm.add("-Daws.configFile=" + config);
      jvm.add("-Daws.sharedCredentialsFile=" + dir.resolve("no-credentials"));
      jvm.add("-Daws.endpointUrlSts=https://127.0.0.1:" + stsHttps.port());

      // S3Proxy refuses any request that carries a session token (501: it knows no x-amz-security-token), so the
      // run stops at its first S3 request, with the role's credentials in hand: what is checked is how they came.
      Result r = world.runJar(run, TIMEOUT, jvm, "--profile", "migrate",
          "--endpoint-url", "https://127.0.0.1:" + s3Https.port()).expectExit(3);
      assertTrue(r.err().contains("HTTP 501"), r.err());
      for (String name : names) {
        assertTrue(world.exists(world.legacy, "image/" + name), name);
      }
      assertEquals(1, assumed.get(), "the role was not assumed once");
      List<String> tunnels = proxy.tunnels();
      assertTrue(tunnels.contains("127.0.0.1:" + stsHttps.port() + " svc"),
          "the STS request did not go through the proxy: " + tunnels);
      assertEquals(assumed.get(), tunnels.stream().filter(t -> t.startsWith("127.0.0.1:" + stsHttps.port())).count(),
          "an STS request went around the proxy: " + tunnels);

      // An http S3 endpoint is reached directly, as before, on either HTTP client: HTTPS_PROXY is for https, and
      // the proxy set for the SDK's own requests is not the S3 client's. Through the proxy, S3Proxy's 501 would
      // not be the answer.
      int assumedBefore = assumed.get();
      for (String client : List.of("crt", "apache")) {
        List<String> options = new ArrayList<>(jvm);
        options.add("-Davatarmigrate.httpClient=" + client);
        Result plain = world.runJar(run, TIMEOUT, options, "-v", "--profile", "migrate",
            "--endpoint-url", s3.endpoint().toString()).expectExit(3);
        assertTrue(plain.err().contains("HTTP 501"), client + ": " + plain.err());
        assertTrue(plain.err().contains("credential requests through http://svc:***@127.0.0.1:" + proxy.port()),
            plain.err());
        assertFalse(plain.err().contains("s3cr3t") || plain.out().contains("s3cr3t"), "the proxy password was shown");
      }
      assertEquals(assumedBefore + 2, assumed.get());
      assertTrue(proxy.tunnels().stream().noneMatch(t -> t.startsWith("127.0.0.1:" + s3.endpoint().getPort())),
          proxy.tunnels().toString());
      assertFalse(r.err().contains("s3cr3t") || r.out().contains("s3cr3t"), "the proxy password was shown");
    } finally {
      sts.stop(0);
    }
  }

  private static String assumeRoleResponse(String key, String secret) {
    return "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><AssumeRoleResult>"
        + "<Credentials><AccessKeyId>" + key + "</AccessKeyId><SecretAccessKey>" + secret + "</SecretAccessKey>"
        + "<SessionToken>session-token</SessionToken><Expiration>2099-01-01T00:00:00Z</Expiration></Credentials>"
        + "<AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/avatar-migrate/run</Arn>"
        + "<AssumedRoleId>AROAEXAMPLE:run</AssumedRoleId></AssumedRoleUser></AssumeRoleResult>"
        + "<ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></AssumeRoleResponse>";
  }
}
