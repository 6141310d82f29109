package dev.avatarmigrate.engine;

import dev.avatarmigrate.engine.FakeObjectStore.OperationLog;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * An in-memory {@link PathTable}: a list of path values (several rows may share one). A rewrite is one
 * transaction: it changes all its rows or, when told to fail, none. Every call is recorded in the
 * {@link OperationLog}, which it usually shares with a {@link FakeObjectStore}.
 */
public final class FakePathTable implements PathTable {
  private final List<String> rows = new ArrayList<>();
  private final OperationLog log;
  private final Set<String> failingPaths = new HashSet<>();
  private final Map<String, RuntimeException> pathErrors = new HashMap<>();
  private java.util.function.Consumer<List<String>> beforeRewrite = paths -> {};
  private final Set<String> unmatchedPaths = new HashSet<>();
  private RuntimeException countError;
  private boolean failAll;
  private RuntimeException rewriteError;
  private boolean lockHeld;
  private int maxPathLength = 255;

  public FakePathTable(OperationLog log) {
    this.log = log;
  }

  // ---- set-up and inspection (not logged) ---------------------------------------------------------

  public synchronized FakePathTable addRows(String... paths) {
    rows.addAll(List.of(paths));
    return this;
  }

  public synchronized List<String> rows() {
    return List.copyOf(rows);
  }

  public synchronized long count(String path) {
    return rows.stream().filter(path::equals).count();
  }

  public synchronized FakePathTable maxPathLength(int length) {
    this.maxPathLength = length;
    return this;
  }

  /** Any rewrite transaction that contains {@code oldPath} fails and changes nothing. */
  public synchronized FakePathTable failRewritesOf(String oldPath) {
    failingPaths.add(oldPath);
    return this;
  }

  /** A rewrite of {@code oldPath} alone throws {@code error}; one with other paths too fails as {@link #failRewritesOf}. */
  public synchronized FakePathTable failRewritesOf(String oldPath, RuntimeException error) {
    pathErrors.put(oldPath, error);
    return this;
  }

  /** Runs as each rewrite transaction starts, with its old paths: a test moves its clock or stops the run there. */
  public synchronized FakePathTable beforeEachRewrite(java.util.function.Consumer<List<String>> hook) {
    beforeRewrite = hook;
    return this;
  }

  /** Rewrites of {@code oldPath} succeed but change no row, as a statement whose comparison cannot match would. */
  public synchronized FakePathTable rewritesMiss(String oldPath) {
    unmatchedPaths.add(oldPath);
    return this;
  }

  /** Runs {@code action} as rows are counted, before the count (the live service). */
  public synchronized FakePathTable onCount(Runnable action) {
    onCount = action;
    return this;
  }

  private Runnable onCount = () -> {};

  /** Every count (what a dry run and the check before a delete ask) throws {@code error}. */
  public synchronized FakePathTable failCountsWith(RuntimeException error) {
    countError = error;
    return this;
  }

  public synchronized FakePathTable failAllRewrites() {
    failAll = true;
    return this;
  }

  /** Every rewrite throws {@code error}, e.g. a {@link PreflightException} for a table dropped mid-run. */
  public synchronized FakePathTable failRewritesWith(RuntimeException error) {
    rewriteError = error;
    return this;
  }

  /** Another run holds the run lock. */
  public synchronized FakePathTable lockHeldElsewhere() {
    lockHeld = true;
    return this;
  }

  // ---- PathTable ---------------------------------------------------------------------------------

  @Override
  public synchronized TableCheck check() {
    log.add("check", null, List.of(), "ok", null);
    return new TableCheck(true, "CREATE INDEX `avatars_path_idx` ON `avatars` (`path`);", rows.size(), maxPathLength);
  }

  @Override
  public synchronized void lockRun() {
    if (lockHeld) {
      log.add("lockRun", null, List.of(), "failed", null);
      throw new PreflightException("another avatarMigrate run is working on this table");
    }
    log.add("lockRun", null, List.of(), "ok", null);
  }

  @Override
  public synchronized Map<String, Integer> rewrite(List<PathRewrite> rewrites) {
    return apply("rewrite", rewrites);
  }

  @Override
  public synchronized Map<String, Integer> rewriteJoined(List<PathRewrite> rewrites) {
    return apply("rewriteJoined", rewrites);
  }

  private Map<String, Integer> apply(String what, List<PathRewrite> rewrites) {
    List<String> oldPaths = rewrites.stream().map(PathRewrite::oldPath).toList();
    beforeRewrite.accept(oldPaths);
    if (oldPaths.size() == 1 && pathErrors.containsKey(oldPaths.get(0))) {
      log.add(what, null, oldPaths, "failed", null);
      throw pathErrors.get(oldPaths.get(0));
    }
    if (rewriteError != null) {
      log.add(what, null, oldPaths, "failed", null);
      throw rewriteError;
    }
    if (failAll || oldPaths.stream().anyMatch(p -> failingPaths.contains(p) || pathErrors.containsKey(p))) {
      log.add(what, null, oldPaths, "failed", null);
      throw new IllegalStateException("the database refused the row rewrite: injected");
    }
    Map<String, Integer> changed = new HashMap<>();
    for (PathRewrite r : rewrites) {
      int n = 0;
      for (int i = 0; i < rows.size() && !unmatchedPaths.contains(r.oldPath()); i++) {
        if (rows.get(i).equals(r.oldPath())) {
          rows.set(i, r.newPath());
          n++;
        }
      }
      changed.merge(r.oldPath(), n, Integer::sum);
    }
    log.add(what, null, oldPaths, "ok", null);
    return changed;
  }

  @Override
  public synchronized Map<String, Integer> countRows(Collection<String> paths) {
    onCount.run();
    if (countError != null) {
      log.add("countRows", null, List.copyOf(paths), "failed", null);
      throw countError;
    }
    Map<String, Integer> counts = new HashMap<>();
    for (String p : new HashSet<>(paths)) {
      int n = (int) count(p);
      if (n > 0) {
        counts.put(p, n);
      }
    }
    log.add("countRows", null, List.copyOf(paths), "ok", null);
    return counts;
  }

  @Override
  public synchronized PathPage pathsWithPrefix(String prefix, String after, int limit) {
    // Like a case-insensitive collation: LIKE and the order ignore case; the page leaves out other cases.
    TreeSet<String> distinct = new TreeSet<>(String.CASE_INSENSITIVE_ORDER.thenComparing(Comparator.naturalOrder()));
    for (String p : rows) {
      // "path > after" under the collation: a row equal to after but for case is skipped too.
      if (p.toLowerCase(Locale.ROOT).startsWith(prefix.toLowerCase(Locale.ROOT))
          && (after == null || String.CASE_INSENSITIVE_ORDER.compare(p, after) > 0)) {
        distinct.add(p);
      }
    }
    List<String> read = distinct.stream().limit(limit).toList();
    List<String> page = read.stream().filter(p -> p.startsWith(prefix)).toList();
    log.add("pathsWithPrefix", null, page, "ok", prefix);
    return new PathPage(page, read.isEmpty() ? null : read.get(read.size() - 1));
  }


  @Override
  public void close() {}
}
