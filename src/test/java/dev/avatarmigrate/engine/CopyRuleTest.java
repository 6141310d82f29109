package dev.avatarmigrate.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
    assertTrue(CopyRule.verified(source, "\"abc\"", new StoredObject("avatar/avatar-1.png", 100, "abc")));
    assertFalse(CopyRule.verified(source, "abc", null));
    assertFalse(CopyRule.verified(source, "abc", new StoredObject("avatar/avatar-1.png", 99, "abc")));
    assertFalse(CopyRule.verified(source, "abc", new StoredObject("avatar/avatar-1.png", 100, "abd")));
  }
}
