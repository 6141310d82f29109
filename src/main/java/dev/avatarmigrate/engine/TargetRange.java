package dev.avatarmigrate.engine;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * What the target holds for one run of consecutive source keys, found by listing instead of a HEAD per
 * key; both pipelines use it. Source keys arrive in listing order and the key mapping keeps that order, so
 * the target keys of a page of sources lie in the range (after, upTo] of the previous page's last target key
 * and this page's last one.
 *
 * <p>Every key in such a range starts with the longest common prefix of its two ends, so the listing asks
 * for that prefix: the same answer in fewer pages, and a store that reads everything under the prefix it
 * is given (S3Proxy's filesystem store does) reads a slice of the target instead of all of it.
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

  /** The target objects in (after, upTo] whose keys are wanted; at most one page's worth is kept. */
  Map<String, StoredObject> list(String after, String upTo, Set<String> wanted) {
    Map<String, StoredObject> found = new HashMap<>(wanted.size() * 2);
    store.list(bucket, prefix(basePrefix, after, upTo), after, page -> {
      for (StoredObject o : page) {
        if (KeyOrder.compare(o.key(), upTo) > 0) {
          return false;
        }
        if (wanted.contains(o.key())) {
          found.put(o.key(), o);
        }
      }
      return true;
    });
    return found;
  }

  /**
   * The longest prefix every key in (after, upTo] shares, never shorter than {@code base}; it ends on a
   * whole character, so it stays valid UTF-8.
   */
  static String prefix(String base, String after, String upTo) {
    if (after == null || !after.startsWith(base) || !upTo.startsWith(base)) {
      return base;
    }
    int n = base.length();
    int max = Math.min(after.length(), upTo.length());
    while (n < max && after.charAt(n) == upTo.charAt(n)) {
      n++;
    }
    if (n > base.length() && Character.isHighSurrogate(upTo.charAt(n - 1))) {
      n--;
    }
    return upTo.substring(0, n);
  }
}
