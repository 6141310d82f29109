package dev.avatarmigrate.testing;

import java.net.URI;
import java.security.SecureRandom;
import java.util.Locale;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * An S3 server the tests run against: {@link S3ProxyServer} in this JVM, or {@link MotoServer} as a child
 * process. {@link AvatarWorld} needs nothing more of it.
 */
public interface S3Endpoint {

  /** e.g. {@code http://127.0.0.1:41234} */
  URI endpoint();

  String accessKey();

  String secretKey();

  String region();

  /** A client for this server, shared by all callers: do not close it, it is closed with the server. */
  S3Client client();

  /** Creates {@code bucket} through the S3 API and returns its name. */
  default String createBucket(String bucket) {
    client().createBucket(b -> b.bucket(bucket));
    return bucket;
  }

  /**
   * Creates and returns a bucket named {@code prefix-<random>}: lowercase, 3..63 characters, never used
   * before on this server. {@code prefix} must be lowercase letters, digits and hyphens (it is truncated so
   * the name fits).
   */
  default String uniqueBucket(String prefix) {
    String p = prefix == null ? "" : prefix.toLowerCase(Locale.ROOT);
    if (!p.isEmpty() && !p.matches("[a-z0-9][a-z0-9-]*")) {
      throw new IllegalArgumentException("bucket prefix must be lowercase letters, digits and hyphens: " + prefix);
    }
    String suffix = randomSuffix(12);
    int room = 63 - suffix.length() - 1;
    if (p.length() > room) {
      p = p.substring(0, room);
    }
    String name = p.isEmpty() ? "b" + suffix : (p.endsWith("-") ? p + suffix : p + "-" + suffix);
    return createBucket(name);
  }

  private static String randomSuffix(int length) {
    char[] alphabet = "abcdefghijklmnopqrstuvwxyz0123456789".toCharArray();
    SecureRandom random = new SecureRandom();
    char[] chars = new char[length];
    for (int i = 0; i < length; i++) {
      chars[i] = alphabet[random.nextInt(alphabet.length)];
    }
    return new String(chars);
  }
}
