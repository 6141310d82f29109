package dev.avatarmigrate.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.avatarmigrate.engine.ObjectStore.KeyError;
import org.junit.jupiter.api.Test;

/**
 * How S3's per-key answers to a conditional delete are read. S3Proxy (the ITs) deletes a missing key without a
 * word and never answers a conflict; S3 answers NoSuchKey to a conditional delete of a key that is gone, and 409
 * ConditionalRequestConflict when a write to the key races it.
 */
class DeleteAnswersTest {

  @Test
  void aKeyAlreadyGoneCountsAsDeleted() {
    assertTrue(S3ObjectStore.keyError("image/avatar-1.png", "NoSuchKey", "NoSuchKey: The specified key does not exist.")
        .isEmpty());
  }

  @Test
  void aFailedPreconditionOrAConflictingWriteMeansTheObjectChanged() {
    for (String code : new String[] {"PreconditionFailed", "ConditionalRequestConflict"}) {
      KeyError e = S3ObjectStore.keyError("image/avatar-1.png", code, code + ": ...").orElseThrow();
      assertTrue(e.changed(), code);
      assertEquals(code + ": ...", e.reason());
    }
  }

  @Test
  void anythingElseIsAFailureOfThatKey() {
    KeyError e = S3ObjectStore.keyError("image/avatar-1.png", "AccessDenied", "AccessDenied: Access Denied")
        .orElseThrow();
    assertFalse(e.changed());
    assertEquals("AccessDenied: Access Denied", e.reason());
  }
}
