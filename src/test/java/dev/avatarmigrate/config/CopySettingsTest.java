package dev.avatarmigrate.config;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CopySettingsTest {
  private static CopySettings sse(String sse) {
    return new CopySettings(5L << 30, 512L << 20, null, sse, null, null);
  }

  @Test
  void copiesAreKmsEncryptedBySseKms() {
    assertTrue(sse("aws:kms").encryptsWithKms());
    assertTrue(sse("aws:kms:dsse").encryptsWithKms());
    assertTrue(sse("aws:kms").withTargetDefaultsToKms().encryptsWithKms());
  }

  @Test
  void withoutSseTheTargetBucketsDefaultDecides() {
    assertFalse(sse(null).encryptsWithKms());
    assertTrue(sse(null).withTargetDefaultsToKms().encryptsWithKms());
  }

  @Test
  void sseS3OverridesAKmsDefault() {
    assertFalse(sse("AES256").encryptsWithKms());
    assertFalse(sse("AES256").withTargetDefaultsToKms().encryptsWithKms());
  }
}
