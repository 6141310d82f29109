package dev.avatarmigrate.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class KeyRangeTest {
  private static final String BASE = "avatar/avatar-";

  @Test
  void withoutAFirstKeyTheBasePrefix() {
    assertEquals(BASE, KeyRange.prefix(BASE, null, "avatar/avatar-1999.png"));
  }

  @Test
  void aRangeListsTheCommonPrefixOfItsEnds() {
    assertEquals("avatar/avatar-1", KeyRange.prefix(BASE, "avatar/avatar-1000.png", "avatar/avatar-1999.png"));
    assertEquals("avatar/avatar-", KeyRange.prefix(BASE, "avatar/avatar-1999.png", "avatar/avatar-2999.png"));
    assertEquals("avatar/avatar-7.png", KeyRange.prefix(BASE, "avatar/avatar-7.png", "avatar/avatar-7.png"));
  }

  @Test
  void neverShorterThanTheBaseNorInsideACharacter() {
    assertEquals(BASE, KeyRange.prefix(BASE, "avatar/avatar", "avatar/avatar-2.png"));
    // U+1F600 and U+1F601 share their high surrogate: the prefix stops before it.
    assertEquals("avatar/avatar-x", KeyRange.prefix(BASE, "avatar/avatar-x\uD83D\uDE00", "avatar/avatar-x\uD83D\uDE01"));
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
        String prefix = KeyRange.prefix(BASE, after, upTo);
        for (String k : sorted.subSet(after, false, upTo, true)) {
          assertTrue(k.startsWith(prefix), k + " in (" + after + ", " + upTo + "] must start with " + prefix);
        }
      }
    }
  }

  @Test
  void aLookupStartsJustBeforeItsFirstKey() {
    assertEquals("image/avatar-1.pn", KeyRange.startAfter("image/avatar-1.png"));
    assertEquals("image/avatar-x", KeyRange.startAfter("image/avatar-x\uD83D\uDE00"));
    assertNull(KeyRange.startAfter("a"));
  }

  @Test
  void aLookupOfKeysCloseTogetherAnswersForAllOfThemByListing() {
    FakeObjectStore store = new FakeObjectStore().createBucket("legacy");
    for (int i = 100; i < 400; i++) {
      store.put("legacy", "image/avatar-" + i + ".png", "x");
    }
    List<String> keys = List.of("image/avatar-150.png", "image/avatar-150a.png", "image/avatar-151.png",
        "image/avatar-399.png");

    KeyRange.Lookup seen = new KeyRange(store, "legacy", "image/avatar-").lookup(keys, 1000);

    assertEquals(Set.of("image/avatar-150.png", "image/avatar-151.png", "image/avatar-399.png"),
        seen.found().keySet());
    assertEquals(Set.of(), seen.unresolved(), "the absent key was passed by the listing: it is absent");
    assertEquals(0, store.log().all().stream().filter(op -> op.what().equals("head")).count());
  }

  @Test
  void aLookupOfKeysFarApartStopsAtItsBudgetAndLeavesTheRestUnresolved() {
    FakeObjectStore store = new FakeObjectStore().createBucket("legacy").pageSize(100);
    for (int i = 1000; i < 4000; i++) {
      store.put("legacy", "image/avatar-1-" + i + ".png", "x");
    }
    List<String> keys = List.of("image/avatar-1-1000.png", "image/avatar-1-1000a.png", "image/avatar-1-3999.png",
        "image/avatar-1-3999a.png");

    KeyRange.Lookup seen = new KeyRange(store, "legacy", "image/avatar-").lookup(keys, 500);

    assertEquals(Set.of("image/avatar-1-1000.png"), seen.found().keySet());
    assertEquals(Set.of("image/avatar-1-3999.png", "image/avatar-1-3999a.png"), seen.unresolved());
    long listed = store.log().all().stream().filter(op -> op.what().equals("list"))
        .mapToLong(op -> op.keys().size()).sum();
    assertTrue(listed <= 600, "listed " + listed + " keys for a budget of 500");
  }
}
