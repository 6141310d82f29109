package dev.avatarmigrate.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SourceListingTest {
  private static final String PREFIX = "image/avatar-";

  /** The store with {@code names} under the prefix and a few keys around it, pages of {@code page} keys. */
  private static FakeObjectStore storeWith(int page, List<String> names) {
    return storeWith(new FakeObjectStore(), page, names);
  }

  private static FakeObjectStore storeWith(FakeObjectStore store, int page, List<String> names) {
    store.createBucket("legacy").pageSize(page);
    store.put("legacy", "image/avatar", new byte[1]);
    store.put("legacy", "image/avatas-1.png", new byte[1]);
    store.put("legacy", "image/other-1.png", new byte[1]);
    names.forEach(n -> store.put("legacy", PREFIX + n, new byte[1]));
    return store;
  }

  private static List<String> listed(FakeObjectStore store) {
    return listed(new SourceListing(store, "legacy", PREFIX));
  }

  private static List<String> listed(SourceListing listing) {
    List<String> keys = new ArrayList<>();
    listing.list(page -> {
      page.forEach(o -> keys.add(o.key()));
      return true;
    });
    return keys;
  }

  private static List<String> expected(List<String> names) {
    return expected(names, KeyOrder.S3);
  }

  private static List<String> expected(List<String> names, java.util.Comparator<String> order) {
    TreeSet<String> sorted = new TreeSet<>(order);
    names.forEach(n -> sorted.add(PREFIX + n));
    return List.copyOf(sorted);
  }

  @Test
  void listsEveryKeyOnceInKeyOrderWhateverTheirFirstCharacters() {
    List<String> names = new ArrayList<>(List.of("", "!", " x", "/a/b", "~", "~~", "\u007f", "\u0001ctl", "é.png",
        "é\uD83D\uDE00", "ê", "\uD83D\uDE00", "\uD83D\uDE01", "\uE000", "Z", "a", "b", "d", "zz"));
    IntStream.range(0, 300).forEach(i -> names.add(i + ".png"));
    IntStream.range(0, 40).forEach(i -> names.add("f" + i));
    for (int page : new int[] {1, 2, 3, 7, 50, 1000}) {
      assertEquals(expected(names), listed(storeWith(page, names)), "pages of " + page);
      assertEquals(expected(names), listed(new SourceListing(storeWith(page, names), "legacy", PREFIX).prefetch()),
          "first page asked for ahead, pages of " + page);
      // A store that sorts as Java's strings (S3Proxy): its own order, still every key once.
      assertEquals(expected(names, java.util.Comparator.naturalOrder()),
          listed(storeWith(new FakeObjectStore().listInUtf16Order(), page, names)), "UTF-16 order, pages of " + page);
    }
  }

  @Test
  void asksForEachGroupUnderItsOwnPrefix() {
    List<String> names = IntStream.range(0, 1000).mapToObj(i -> i + ".png").toList();
    FakeObjectStore store = storeWith(50, names);
    assertEquals(expected(names), listed(store));

    List<String> prefixes = store.log().all().stream().filter(e -> e.what().equals("list")).map(FakeObjectStore.Op::detail).toList();
    long underThePrefix = prefixes.stream().filter(PREFIX::equals).count();
    // The first page, and the one after the last guess (':' follows '9' and is empty).
    assertEquals(2, underThePrefix, prefixes.toString());
    // "0.png" is on the first page, with the start of the group of '1'.
    for (char c = '1'; c <= '9'; c++) {
      assertTrue(prefixes.contains(PREFIX + c), prefixes.toString());
    }
  }

  @Test
  void aFirstPageAskedForAheadIsNotAskedForAgain() {
    List<String> names = IntStream.range(0, 30).mapToObj(i -> i + ".png").toList();
    FakeObjectStore store = storeWith(100, names);
    SourceListing listing = new SourceListing(store, "legacy", PREFIX).prefetch();
    assertEquals(expected(names), listed(listing));
    // The prefetched page was not full: one more listing after its last key, which finds nothing.
    List<String> listings = store.log().all().stream().filter(e -> e.what().equals("list"))
        .map(e -> e.keys().isEmpty() ? "empty" : e.keys().get(0)).toList();
    assertEquals(List.of(PREFIX + "0.png", "empty"), listings);
  }

  @Test
  void aFirstPageThatCouldNotBeListedFailsTheListingWhenItIsTaken() {
    FakeObjectStore store = storeWith(10, List.of("1.png")).failListing("legacy", StoreFailure.Kind.FATAL);
    SourceListing listing = new SourceListing(store, "legacy", PREFIX).prefetch();
    assertThrows(StoreFailure.class, () -> listed(listing));
  }

  @Test
  void aStoreThatIgnoresStartAfterFailsTheListingInsteadOfGoingRoundForever() {
    List<String> names = IntStream.range(0, 30).mapToObj(i -> i + ".png").toList();
    FakeObjectStore honest = storeWith(10, names);
    ObjectStore ignoresStartAfter = new ObjectStore() {
      @Override
      public void list(String bucket, String prefix, String startAfter,
          java.util.function.Predicate<List<StoredObject>> page) {
        honest.list(bucket, prefix, null, page);
      }

      @Override
      public int pageKeys() {
        return 10;
      }

      @Override
      public BucketInfo describeBucket(String bucket, String prefix) {
        throw new UnsupportedOperationException();
      }

      @Override
      public DefaultEncryption defaultEncryption(String bucket) {
        throw new UnsupportedOperationException();
      }

      @Override
      public java.util.Optional<StoredObject> head(String bucket, String key) {
        throw new UnsupportedOperationException();
      }

      @Override
      public CopyReceipt copy(String sourceBucket, StoredObject source, String targetBucket, String targetKey,
          boolean replace, dev.avatarmigrate.config.CopySettings settings) {
        throw new UnsupportedOperationException();
      }

      @Override
      public StoredObject awaitExists(String bucket, String key, boolean withChecksum) {
        throw new UnsupportedOperationException();
      }

      @Override
      public List<KeyError> delete(String bucket, List<StoredObject> objects) {
        throw new UnsupportedOperationException();
      }

      @Override
      public void close() {}
    };
    StoreFailure failure = assertThrows(StoreFailure.class,
        () -> listed(new SourceListing(ignoresStartAfter, "legacy", PREFIX)));
    assertTrue(failure.getMessage().contains("ignores start-after"), failure.getMessage());
  }

  @Test
  void stopsWhenThePageReceiverSaysSo() {
    List<String> names = IntStream.range(0, 500).mapToObj(i -> i + ".png").toList();
    FakeObjectStore store = storeWith(10, names);
    List<String> keys = new ArrayList<>();
    new SourceListing(store, "legacy", PREFIX).list(page -> {
      page.forEach(o -> keys.add(o.key()));
      return keys.size() < 35;
    });
    assertEquals(expected(names).subList(0, 40), keys);
  }
}
