package dev.avatarmigrate.engine;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * What a bucket holds at a run of keys, found by listing instead of a HEAD per key: the pipelines use it
 * for the target, the sweep of rows left behind for both buckets. The keys come in listing order.
 *
 * <p>Every key between two keys starts with their longest common prefix, so each listing asks for that
 * prefix: the same answer in fewer pages, and a store that reads everything under the prefix it is given
 * (S3Proxy's filesystem store does) reads a slice of the bucket instead of all of it. To keep the prefix
 * long, the keys are listed in groups that share their first character after the base prefix (a run of
 * keys rarely spans more than two): one listing per group.
 */
final class KeyRange {
  /**
   * What a bounded {@link #lookup} saw: the objects that exist, and the keys it stopped short of (neither
   * found nor passed), which are to be looked at one by one.
   */
  record Lookup(Map<String, StoredObject> found, Set<String> unresolved) {}

  private final ObjectStore store;
  private final String bucket;
  private final String basePrefix;

  KeyRange(ObjectStore store, String bucket, String basePrefix) {
    this.store = store;
    this.bucket = bucket;
    this.basePrefix = basePrefix;
  }

  /** The target keys of a plan. */
  static KeyRange target(ObjectStore store, MovePlan plan) {
    return new KeyRange(store, plan.targetBucket(), plan.mapping().targetListPrefix());
  }

  /** The source keys of a plan. */
  static KeyRange source(ObjectStore store, MovePlan plan) {
    return new KeyRange(store, plan.sourceBucket(), plan.mapping().listPrefix());
  }

  /**
   * The objects at {@code keys} (in listing order, all after {@code after}, which may be null) that exist;
   * at most one run's worth is kept. Lists as far as the keys reach, however many other keys lie between.
   */
  Map<String, StoredObject> list(String after, List<String> keys) {
    Map<String, StoredObject> found = new HashMap<>(keys.size() * 2);
    forEachGroup(keys, group -> listGroup(after, group, found, Integer.MAX_VALUE));
    return found;
  }

  /**
   * The objects at {@code keys} (in listing order) that exist, listing at most about {@code budget} keys per
   * group: where the keys are sparse among others, the rest are left {@link Lookup#unresolved} instead of
   * paging through the bucket.
   */
  Lookup lookup(List<String> keys, int budget) {
    Map<String, StoredObject> found = new HashMap<>(keys.size() * 2);
    Set<String> unresolved = new HashSet<>();
    forEachGroup(keys, group -> unresolved.addAll(listGroup(startAfter(group.get(0)), group, found, budget)));
    return new Lookup(found, unresolved);
  }

  private void forEachGroup(List<String> keys, Consumer<List<String>> action) {
    int start = 0;
    while (start < keys.size()) {
      int end = start + 1;
      while (end < keys.size() && sameGroup(keys.get(start), keys.get(end))) {
        end++;
      }
      action.accept(keys.subList(start, end));
      start = end;
    }
  }

  /** Lists one group into {@code found}; returns the keys it stopped short of, when the budget ran out. */
  private List<String> listGroup(String after, List<String> group, Map<String, StoredObject> found, int budget) {
    Set<String> wanted = new HashSet<>(group);
    String last = group.get(group.size() - 1);
    int[] seen = {0};
    int[] listed = {0};
    String[] lastListed = {null};
    boolean[] cut = {false};
    store.list(bucket, prefix(basePrefix, group.get(0), last), after, page -> {
      for (StoredObject o : page) {
        listed[0]++;
        lastListed[0] = o.key();
        if (wanted.contains(o.key())) {
          found.put(o.key(), o);
          seen[0]++;
        }
        // Past the group's last key in both S3's order and UTF-16's (stores differ), or all found: done.
        if (seen[0] == wanted.size() || passed(o.key(), last)) {
          return false;
        }
      }
      cut[0] = listed[0] >= budget;
      return !cut[0];
    });
    if (!cut[0]) {
      return List.of();
    }
    List<String> unresolved = new ArrayList<>();
    for (String key : group) {
      if (!found.containsKey(key) && (lastListed[0] == null || !passed(lastListed[0], key))) {
        unresolved.add(key);
      }
    }
    return unresolved;
  }

  /** {@code listed} lies beyond {@code key} in S3's order and in UTF-16's: a listing that reached it passed key. */
  private static boolean passed(String listed, String key) {
    return KeyOrder.compare(listed, key) > 0 && listed.compareTo(key) > 0;
  }

  private boolean sameGroup(String a, String b) {
    int at = basePrefix.length();
    return a.length() > at && b.length() > at && a.codePointAt(at) == b.codePointAt(at);
  }

  /** A start-after that lists {@code key} and little before it: the key without its last character. */
  static String startAfter(String key) {
    int end = key.offsetByCodePoints(key.length(), -1);
    return end == 0 ? null : key.substring(0, end);
  }

  /**
   * The longest prefix every key between {@code first} and {@code last} shares, never shorter than
   * {@code base}; it ends on a whole character, so it stays valid UTF-8.
   */
  static String prefix(String base, String first, String last) {
    if (first == null || !first.startsWith(base) || !last.startsWith(base)) {
      return base;
    }
    int n = base.length();
    int max = Math.min(first.length(), last.length());
    while (n < max && first.charAt(n) == last.charAt(n)) {
      n++;
    }
    if (n > base.length() && Character.isHighSurrogate(last.charAt(n - 1))) {
      n--;
    }
    return last.substring(0, n);
  }
}
