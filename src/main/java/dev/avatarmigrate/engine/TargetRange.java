package dev.avatarmigrate.engine;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the target holds at a run of target keys, found by listing instead of a HEAD per key; both pipelines
 * use it. The keys come in listing order (the key mapping keeps the source's order), so they lie after the
 * previous run's last key.
 *
 * <p>Every key between two keys starts with their longest common prefix, so each listing asks for that
 * prefix: the same answer in fewer pages, and a store that reads everything under the prefix it is given
 * (S3Proxy's filesystem store does) reads a slice of the target instead of all of it. To keep the prefix
 * long, the keys are listed in groups that share their first character after the base prefix (a run of
 * keys rarely spans more than two): one listing per group.
 */
final class TargetRange {
  private final ObjectStore store;
  private final String bucket;
  private final String basePrefix;

  TargetRange(ObjectStore store, MovePlan plan) {
    this.store = store;
    this.bucket = plan.targetBucket();
    this.basePrefix = plan.mapping().target().prefix() + plan.mapping().match();
  }

  /**
   * The target objects at {@code keys} (in listing order, all after {@code after}, which may be null) that
   * exist; at most one run's worth is kept.
   */
  Map<String, StoredObject> list(String after, List<String> keys) {
    Map<String, StoredObject> found = new HashMap<>(keys.size() * 2);
    int start = 0;
    while (start < keys.size()) {
      int end = start + 1;
      while (end < keys.size() && sameGroup(keys.get(start), keys.get(end))) {
        end++;
      }
      listGroup(after, keys.subList(start, end), found);
      start = end;
    }
    return found;
  }

  private void listGroup(String after, List<String> group, Map<String, StoredObject> found) {
    Set<String> wanted = new HashSet<>(group);
    String last = group.get(group.size() - 1);
    int[] seen = {0};
    store.list(bucket, prefix(basePrefix, group.get(0), last), after, page -> {
      for (StoredObject o : page) {
        if (wanted.contains(o.key())) {
          found.put(o.key(), o);
          seen[0]++;
        }
        // Past the group's last key in both S3's order and UTF-16's (stores differ), or all found: done.
        if (seen[0] == wanted.size() || (KeyOrder.compare(o.key(), last) > 0 && o.key().compareTo(last) > 0)) {
          return false;
        }
      }
      return true;
    });
  }

  private boolean sameGroup(String a, String b) {
    int at = basePrefix.length();
    return a.length() > at && b.length() > at && a.codePointAt(at) == b.codePointAt(at);
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
