package dev.avatarmigrate.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.avatarmigrate.config.OnConflict;
import dev.avatarmigrate.engine.CopyRule.Verdict;
import org.junit.jupiter.api.Test;

class CopyRuleTest {
  private final StoredObject source = new StoredObject("image/avatar-1.png", 100, "abc");

  @Test
  void copiesWhenNothingIsAtTheTarget() {
    assertEquals(Verdict.COPY, CopyRule.decide(source, null, OnConflict.SKIP));
    assertEquals(Verdict.COPY, CopyRule.decide(source, null, OnConflict.OVERWRITE));
  }

  @Test
  void sameSizeAndEtagIsAlreadyPresent() {
    StoredObject target = new StoredObject("avatar/avatar-1.png", 100, "\"abc\"");
    assertEquals(Verdict.ALREADY_PRESENT, CopyRule.decide(source, target, OnConflict.SKIP));
    assertEquals(Verdict.ALREADY_PRESENT, CopyRule.decide(source, target, OnConflict.OVERWRITE));
  }

  @Test
  void aDifferentEtagIsAConflictUnlessOverwriteIsAsked() {
    StoredObject target = new StoredObject("avatar/avatar-1.png", 100, "def");
    assertEquals(Verdict.CONFLICT, CopyRule.decide(source, target, OnConflict.SKIP));
    assertEquals(Verdict.OVERWRITE, CopyRule.decide(source, target, OnConflict.OVERWRITE));
  }

  @Test
  void aDifferentSizeWithTheSameEtagIsStillAConflict() {
    StoredObject target = new StoredObject("avatar/avatar-1.png", 101, "abc");
    assertEquals(Verdict.CONFLICT, CopyRule.decide(source, target, OnConflict.SKIP));
  }

  @Test
  void aMultipartCopyIsIdenticalThroughTheSourceEtagItRecorded() {
    StoredObject multipartCopy = new StoredObject("avatar/avatar-1.png", 100, "ffff-3", null, "abc");
    assertTrue(CopyRule.identical(source, multipartCopy));
    StoredObject otherSize = new StoredObject("avatar/avatar-1.png", 99, "ffff-3", null, "abc");
    assertFalse(CopyRule.identical(source, otherSize));
    StoredObject otherSource = new StoredObject("avatar/avatar-1.png", 100, "ffff-3", null, "zzz");
    assertFalse(CopyRule.identical(source, otherSource));
  }

  @Test
  void aCopyVerifiesOnlyWithTheSourcesSizeAndThePromisedEtag() {
    CopyReceipt promised = CopyReceipt.etagOnly("\"abc\"");
    assertTrue(CopyRule.verified(source, promised, new StoredObject("avatar/avatar-1.png", 100, "abc")));
    assertFalse(CopyRule.verified(source, promised, null));
    assertFalse(CopyRule.verified(source, promised, new StoredObject("avatar/avatar-1.png", 99, "abc")));
    assertFalse(CopyRule.verified(source, promised, new StoredObject("avatar/avatar-1.png", 100, "abd")));
  }

  // ---- additional checksums ----------------------------------------------------------------------

  private static final Checksum SOURCE_CRC = new Checksum("CRC32", "2voLnQ==");

  private static StoredObject observed(Checksum checksum) {
    return new StoredObject("avatar/avatar-1.png", 100, "ffff-3", null, "abc", checksum);
  }

  @Test
  void theEtagOnlyCaseNeedsNoChecksumAndNoExtraLook() {
    CopyReceipt plain = CopyReceipt.etagOnly("abc");
    assertFalse(CopyRule.needsChecksumObservation(plain));
    assertNull(CopyRule.checksumMismatch(plain, observed(new Checksum("CRC32", "other=="))));
  }

  @Test
  void aCopyWhoseReportedChecksumEqualsTheSourcesVerifies() {
    CopyReceipt copy = new CopyReceipt("ffff-3", SOURCE_CRC, new Checksum("CRC32", "2voLnQ=="));
    assertFalse(CopyRule.needsChecksumObservation(copy), "the copy's answer already says it");
    assertTrue(CopyRule.verified(source, copy, observed(null)));
    assertTrue(CopyRule.verified(source, copy, observed(SOURCE_CRC)));
  }

  @Test
  void aChecksumMismatchFailsVerificationEvenWhenSizeAndEtagAgree() {
    CopyReceipt reported = new CopyReceipt("ffff-3", SOURCE_CRC, new Checksum("CRC32", "AAAAAA=="));
    assertFalse(CopyRule.verified(source, reported, observed(null)));
    assertEquals("CRC32 AAAAAA== vs CRC32 2voLnQ==", CopyRule.checksumMismatch(reported, observed(null)));

    CopyReceipt unreported = new CopyReceipt("ffff-3", SOURCE_CRC, null);
    assertTrue(CopyRule.needsChecksumObservation(unreported));
    assertFalse(CopyRule.verified(source, unreported, observed(new Checksum("CRC32", "AAAAAA=="))));
    assertTrue(CopyRule.verified(source, unreported, observed(SOURCE_CRC)));
  }

  @Test
  void whereNoComparableChecksumIsSeenSizeAndEtagDecideAsBefore() {
    CopyReceipt unreported = new CopyReceipt("ffff-3", SOURCE_CRC, null);
    assertTrue(CopyRule.verified(source, unreported, observed(null)), "a store that keeps no checksums");
    assertTrue(CopyRule.verified(source, unreported, observed(new Checksum("SHA256", "x="))), "another algorithm");
    assertFalse(CopyRule.verified(source, unreported,
        new StoredObject("avatar/avatar-1.png", 100, "eeee-3", null, "abc", SOURCE_CRC)), "the ETag still counts");
  }
}
