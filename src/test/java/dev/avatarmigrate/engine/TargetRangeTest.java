package dev.avatarmigrate.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class TargetRangeTest {
  private static final String BASE = "avatar/avatar-";

  @Test
  void withoutAFirstKeyTheBasePrefix() {
    assertEquals(BASE, TargetRange.prefix(BASE, null, "avatar/avatar-1999.png"));
  }

  @Test
  void aRangeListsTheCommonPrefixOfItsEnds() {
    assertEquals("avatar/avatar-1", TargetRange.prefix(BASE, "avatar/avatar-1000.png", "avatar/avatar-1999.png"));
    assertEquals("avatar/avatar-", TargetRange.prefix(BASE, "avatar/avatar-1999.png", "avatar/avatar-2999.png"));
    assertEquals("avatar/avatar-7.png", TargetRange.prefix(BASE, "avatar/avatar-7.png", "avatar/avatar-7.png"));
  }

  @Test
  void neverShorterThanTheBaseNorInsideACharacter() {
    assertEquals(BASE, TargetRange.prefix(BASE, "avatar/avatar", "avatar/avatar-2.png"));
    // U+1F600 and U+1F601 share their high surrogate: the prefix stops before it.
    assertEquals("avatar/avatar-x", TargetRange.prefix(BASE, "avatar/avatar-x\uD83D\uDE00", "avatar/avatar-x\uD83D\uDE01"));
  }

  @Test
  void everyKeyBetweenTheEndsStartsWithThePrefix() {
    List<String> keys = List.of("avatar/avatar-1", "avatar/avatar-10", "avatar/avatar-100.png", "avatar/avatar-11 b.png",
        "avatar/avatar-19", "avatar/avatar-2", "avatar/avatar-é.png", "avatar/avatar-é\uD83D\uDE00.png",
        "avatar/avatar-ê", "avatar/avatar-\uD83D\uDE00");
    TreeSet<String> sorted = new TreeSet<>(KeyOrder.S3);
    sorted.addAll(keys);
    for (String after : sorted) {
      for (String upTo : sorted.tailSet(after, true)) {
        String prefix = TargetRange.prefix(BASE, after, upTo);
        for (String k : sorted.subSet(after, false, upTo, true)) {
          assertTrue(k.startsWith(prefix), k + " in (" + after + ", " + upTo + "] must start with " + prefix);
        }
      }
    }
  }
}
