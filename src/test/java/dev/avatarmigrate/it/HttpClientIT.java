package dev.avatarmigrate.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.avatarmigrate.testing.AvatarWorld;
import dev.avatarmigrate.testing.AvatarWorld.Result;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The built jar moves everything on either HTTP client: the AWS CRT's, and Apache's where the CRT's native library
 * cannot load (simulated with the CRT's own architecture override) or where the operator asks for it.
 */
class HttpClientIT {
  private static final Duration TIMEOUT = Duration.ofMinutes(2);

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "-Dunused=1                        | s3: AWS CRT HTTP client",
      "-Daws.crt.arch=no-such-arch       | s3: Apache HTTP client (the AWS CRT cannot load here: ",
      "-Davatarmigrate.httpClient=apache | s3: Apache HTTP client (-Davatarmigrate.httpClient=apache)"})
  void movesEverythingOnEitherClient(String jvmOption, String said, @TempDir Path dir) throws Exception {
    for (String method : List.of("object", "sync")) {
      AvatarWorld w = AvatarWorld.create();
      Map<String, byte[]> avatars = new HashMap<>();
      for (String name : w.seedAvatars(40)) {
        avatars.put(name, w.bytes(w.legacy, "image/" + name).orElseThrow());
      }
      Result r = w.runJar(dir, TIMEOUT, List.of(jvmOption), "-v", "--method", method).expectExit(0);
      assertTrue(r.err().contains(said), r.err());
      // The CRT prints a stack trace of its own when its library does not load: not shown to the operator.
      assertFalse(r.err().contains("\tat "), r.err());
      w.assertAllMoved(avatars);
      w.assertEveryRowPointsAtAnObject();
    }
  }

  @Test
  void aTrustStoreThatCannotBeReadIsOneLineBeforeAnyWrite(@TempDir Path dir) throws Exception {
    AvatarWorld w = AvatarWorld.create();
    w.seedAvatars(2);
    // The CRT reads it as the client is built; that used to end as "unexpected error" with a stack trace (exit 70).
    Result r = w.runJar(dir, TIMEOUT, List.of("-Djavax.net.ssl.trustStore=" + dir.resolve("missing.jks"))).expectExit(3);
    assertTrue(r.err().contains("check -Djavax.net.ssl.trustStore"), r.err());
    assertEquals(1, r.err().strip().lines().count(), r.err());
    assertEquals(2, w.objects(w.legacy).size(), "nothing was moved");
  }
}
