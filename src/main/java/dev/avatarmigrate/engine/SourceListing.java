package dev.avatarmigrate.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Predicate;

/**
 * Lists every key under a prefix, page by page in key order, exactly as {@link ObjectStore#list} would, but
 * asks for each group of keys that share their first character after the prefix under that longer prefix.
 *
 * <p>Why: a store that reads everything under the prefix it is given for every page (S3Proxy's filesystem
 * store does, about 45 µs an object) pays for the whole bucket on each of its pages, which over a run is the
 * bucket's size squared over 1,000; asked for one group at a time, it reads that group instead. On S3 a page
 * costs the same whatever the prefix, and this costs at most about two more requests per group (a few dozen
 * in all for keys of digits and letters).
 *
 * <p>How: the first page is listed under the prefix as usual. When it is full, the rest of its last key's
 * group is listed under the longer prefix, and then the group of the next character, while that character is
 * printable ASCII and the group is not empty (the common case: names of digits, letters, UUIDs). After an
 * empty guess, a group of any other character (a control character, {@code ~}, anything beyond ASCII), or the
 * last group, the listing goes back to the whole prefix after the last key, which finds the next group
 * whatever it is. ASCII groups follow each other in the same order on S3 (UTF-8 bytes) and on
 * stores that sort by Java's UTF-16 order, so no key is skipped or listed twice on either.
 *
 * <p>The first page can be asked for ahead ({@link #prefetch}), while the preflight runs: on S3Proxy it is the
 * costliest page (about half a second at 10,000 objects), and the run would otherwise wait for it.
 */
final class SourceListing {
  /** The first and last characters whose successor is guessed: printable ASCII, where every store agrees. */
  private static final int FIRST_GUESSED = 0x20;
  private static final int LAST_GUESSED = 0x7e;

  private final ObjectStore store;
  private final String bucket;
  private final String prefix;

  private CompletableFuture<List<StoredObject>> firstPage;

  SourceListing(ObjectStore store, String bucket, String prefix) {
    this.store = store;
    this.bucket = bucket;
    this.prefix = prefix;
  }

  /** The sources of a plan. */
  static SourceListing of(ObjectStore store, MovePlan plan) {
    return new SourceListing(store, plan.sourceBucket(), plan.mapping().listPrefix());
  }

  /**
   * Asks for the first page now, on a thread of its own; {@link #list} starts from it. It only reads: when the
   * preflight then stops the run, the page is dropped. {@link #awaitFirstPage} is the preflight's check of it.
   */
  SourceListing prefetch() {
    firstPage = CompletableFuture.supplyAsync(() -> {
      List<List<StoredObject>> first = new ArrayList<>(1);
      store.list(bucket, prefix, null, objects -> {
        first.add(objects);
        return false; // one page: the rest is listed as the run goes
      });
      return first.isEmpty() ? List.<StoredObject>of() : first.get(0);
    }, task -> SyncPipeline.daemon("avatarMigrate-list").newThread(task).start());
    return this;
  }

  /**
   * Waits for the page asked for ahead: the preflight's check that the run may list its sources (the store says
   * why not, e.g. a missing s3:ListBucket). Keeps the page for {@link #list}.
   *
   * @throws PreflightException when it could not be listed
   */
  void awaitFirstPage() {
    if (firstPage == null) {
      return;
    }
    try {
      firstPage.join();
    } catch (CompletionException e) {
      firstPage = null;
      if (e.getCause() instanceof StoreFailure f) {
        throw new PreflightException(f.getMessage(), f);
      }
      throw e.getCause() instanceof RuntimeException r ? r : e;
    }
  }

  /** Hands each page to {@code page} until it returns false or every key under the prefix was handed over. */
  void list(Predicate<List<StoredObject>> page) {
    Progress progress = new Progress(page);
    Integer group;
    if (firstPage != null) {
      List<StoredObject> objects = takeFirstPage();
      if (!progress.hand(objects)) {
        return;
      }
      group = groupToList(objects);
      if (group == null) {
        // Not a full page (or one ending on the prefix itself): go on under the prefix, as without a prefetch.
        group = listUnderPrefix(progress);
      }
    } else {
      group = listUnderPrefix(progress);
    }
    while (group != null) {
      int c = group;
      boolean guessed = false;
      while (true) {
        String before = progress.last;
        store.list(bucket, prefix + Character.toString(c), before, progress::hand);
        if (progress.stopped) {
          return;
        }
        boolean empty = progress.last.equals(before);
        if ((empty && guessed) || c < FIRST_GUESSED || c >= LAST_GUESSED) {
          break;
        }
        c++;
        guessed = true;
      }
      group = listUnderPrefix(progress);
    }
  }

  private List<StoredObject> takeFirstPage() {
    try {
      return firstPage.join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : e;
    } finally {
      firstPage = null;
    }
  }

  /** The character of the group that a full page ends in, or null when the page is not full. */
  private Integer groupToList(List<StoredObject> objects) {
    if (objects.size() < store.pageKeys()) {
      return null;
    }
    String last = objects.get(objects.size() - 1).key();
    return last.length() > prefix.length() ? last.codePointAt(prefix.length()) : null;
  }

  /**
   * Lists under the prefix after the last key handed over, until a full page ends in a group worth listing
   * on its own: returns that group's character, or null when the listing is done or was stopped.
   */
  private Integer listUnderPrefix(Progress progress) {
    Integer[] group = {null};
    store.list(bucket, prefix, progress.last, objects -> {
      if (!progress.hand(objects)) {
        return false;
      }
      group[0] = groupToList(objects);
      return group[0] == null;
    });
    return progress.stopped ? null : group[0];
  }

  /** What has been handed over: the last key, and whether the receiver asked to stop. */
  private final class Progress {
    private final Predicate<List<StoredObject>> receiver;
    private String last;
    private boolean stopped;

    Progress(Predicate<List<StoredObject>> receiver) {
      this.receiver = receiver;
    }

    boolean hand(List<StoredObject> objects) {
      if (objects.isEmpty()) {
        return true;
      }
      String first = objects.get(0).key();
      if (last != null && KeyOrder.compare(first, last) <= 0 && first.compareTo(last) <= 0) {
        // Each listing starts after the last key handed over; a store that ignores start-after would have
        // this listing go round forever.
        throw new StoreFailure(StoreFailure.Kind.FATAL, "listing s3://" + bucket + "/" + prefix + ": the store"
            + " listed " + first + " again after " + last + "; it ignores start-after, which this tool needs", null);
      }
      last = objects.get(objects.size() - 1).key();
      stopped = !receiver.test(objects);
      return !stopped;
    }
  }
}
