package dev.avatarmigrate.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.avatarmigrate.config.S3Settings;
import dev.avatarmigrate.testing.S3ProxyServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/** The S3 adapter's own listing, against S3Proxy. */
class S3ObjectStoreIT {

  @Test
  void aListingGoesOnPastAPageThatWouldEndOnAKeyWithAControlCharacter() {
    // S3Proxy writes a ListObjectsV2 continuation token as the page's raw last key: when that key holds a
    // control character, the answer is not XML. The page is asked for again a key shorter.
    S3ProxyServer server = S3ProxyServer.shared();
    String bucket = "listing-control-char";
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < 1100; i++) {
      keys.add(String.format(Locale.ROOT, "p/k%04d", i));
    }
    keys.add("p/k0997\u0001"); // two in a row, the 999th and 1,000th keys: the first page ends on both
    keys.add("p/k0997\u0002");
    try (S3Client client = server.newClient()) {
      client.createBucket(b -> b.bucket(bucket));
      keys.forEach(k -> client.putObject(b -> b.bucket(bucket).key(k), RequestBody.fromString("x")));
    }

    List<String> listed = new ArrayList<>();
    List<Integer> pages = new ArrayList<>();
    S3Settings settings = new S3Settings(server.endpoint(), server.region(), null, true, server.accessKey(),
        server.secretKey(), null);
    try (S3ObjectStore store = S3ObjectStore.open(settings, 4)) {
      store.list(bucket, "p/", null, page -> {
        pages.add(page.size());
        page.forEach(o -> listed.add(o.key()));
        return true;
      });
    }

    assertEquals(List.copyOf(new TreeSet<>(keys)), listed);
    assertEquals(List.of("p/k0997\u0001", "p/k0997\u0002"), listed.subList(998, 1000));
    assertEquals(List.of(998, 104), pages);
  }
}
