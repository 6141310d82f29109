package dev.avatarmigrate.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.avatarmigrate.config.S3Settings;
import dev.avatarmigrate.engine.ObjectStore.KeyError;
import dev.avatarmigrate.engine.StoredObject;
import dev.avatarmigrate.testing.S3ProxyServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/** The S3 adapter's own listing and deletes, against S3Proxy. */
class S3ObjectStoreIT {

  @Test
  void aDeleteKeepsAnObjectRewrittenSinceItsEtagWasSeen() {
    // Conditional deletes: DeleteObjects names each key's ETag; a key with a control character goes alone, with
    // If-Match.
    S3ProxyServer server = S3ProxyServer.shared();
    String bucket = "conditional-delete";
    List<String> keys = List.of("image/avatar-kept.png", "image/avatar-gone.png", "image/avatar-odd\u0001.png",
        "image/avatar-odd-gone\u0001.png");
    List<StoredObject> seen = new ArrayList<>();
    try (S3Client client = server.newClient()) {
      client.createBucket(b -> b.bucket(bucket));
      for (String k : keys) {
        String etag = client.putObject(b -> b.bucket(bucket).key(k), RequestBody.fromString("v1 " + k)).eTag();
        seen.add(new StoredObject(k, 3 + k.length(), etag));
      }
      // Their writer uploads again after they were seen: the first and third change.
      client.putObject(b -> b.bucket(bucket).key(keys.get(0)), RequestBody.fromString("v2"));
      client.putObject(b -> b.bucket(bucket).key(keys.get(2)), RequestBody.fromString("v2"));
    }

    List<KeyError> errors;
    try (S3ObjectStore store = S3ObjectStore.open(settings(server), 4)) {
      errors = store.delete(bucket, seen);
    }

    assertEquals(Set.of(keys.get(0), keys.get(2)), errors.stream().map(KeyError::key).collect(Collectors.toSet()));
    assertTrue(errors.stream().allMatch(KeyError::changed), errors.toString());
    try (S3Client client = server.newClient()) {
      for (String k : keys) {
        boolean changed = k.equals(keys.get(0)) || k.equals(keys.get(2));
        assertEquals(changed, exists(client, bucket, k), k);
        if (changed) {
          assertEquals("v2", client.getObjectAsBytes(b -> b.bucket(bucket).key(k)).asUtf8String());
        }
      }
    }
  }

  private static boolean exists(S3Client client, String bucket, String key) {
    try {
      client.headObject(b -> b.bucket(bucket).key(key));
      return true;
    } catch (NoSuchKeyException e) {
      return false;
    }
  }

  private static S3Settings settings(S3ProxyServer server) {
    return new S3Settings(server.endpoint(), server.region(), null, true, server.accessKey(), server.secretKey(), null,
        null, null);
  }

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
    try (S3ObjectStore store = S3ObjectStore.open(settings(server), 4)) {
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
