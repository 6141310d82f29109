package dev.avatarmigrate.engine;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * After the move, the rows that still carry a legacy path. Each is one of three things: its legacy object
 * still exists (it failed, conflicted, or appeared after the listing: left for a re-run); only the target
 * exists (the object moved but this row missed it, e.g. inserted meanwhile: rewritten); or neither exists
 * (dangling: reported, left alone).
 *
 * <p>Where a page of paths lies close together in the bucket (a dry run, where every row still carries its
 * legacy path), a listing of their range answers for all of them; paths it cannot reach within a couple of
 * pages are looked at with a HEAD each.
 */
final class RowSweep {
  // 500 paths a page: a bounded slice of the table, checked concurrently.
  private static final int PAGE = 500;
  // Keys a range listing may go through before the rest of a page's paths are HEADed instead: two listing
  // pages, or twice the paths asked about.
  private static final int LISTING_BUDGET = 2000;

  private final MoveSteps steps;
  private final ObjectStore store;
  private final PathTable table;
  private final MovePlan plan;
  private final MigrationListener listener;
  private final StopSignal stop;
  private final KeyRange sources;
  private final KeyRange targets;

  RowSweep(MoveRun run, PathTable table) {
    this.steps = run.steps();
    this.store = run.store();
    this.table = table;
    this.plan = run.plan();
    this.listener = run.listener();
    this.stop = run.stop();
    this.sources = KeyRange.source(run.store(), run.plan());
    this.targets = KeyRange.target(run.store(), run.plan());
  }

  private enum Found {
    SOURCE,
    TARGET_ONLY,
    NEITHER
  }

  void run(ExecutorService pool) {
    KeyMapping mapping = plan.mapping();
    String after = null;
    while (!stop.requested()) {
      PathTable.PathPage page = table.pathsWithPrefix(mapping.legacyPathPrefix(), after, PAGE);
      if (page.last() == null) {
        return;
      }
      List<String> paths = page.paths();
      // Continue after the page's last legacy path; a row equal to it under a case-insensitive collation
      // (IMAGE/…) is not one. Only past a page of nothing but such rows, after the last row read, so that
      // such a page does not end the sweep.
      after = paths.isEmpty() ? page.last() : paths.get(paths.size() - 1);
      List<String> candidates = paths.stream().filter(mapping::matches).sorted(KeyOrder.S3).toList();
      Map<String, Found> located = locate(candidates, pool);
      List<PathRewrite> orphans = new ArrayList<>();
      List<String> dangling = new ArrayList<>();
      for (String path : candidates) {
        Found found = located.get(path);
        if (found == Found.TARGET_ONLY) {
          orphans.add(new PathRewrite(path, mapping.targetKey(path)));
        } else if (found == Found.NEITHER) {
          dangling.add(path);
        }
      }
      steps.rewriteOrphanRows(orphans).forEach(listener::orphanRows);
      if (!dangling.isEmpty()) {
        Map<String, Integer> rows = table.countRows(dangling);
        dangling.forEach(p -> listener.dangling(p, rows.getOrDefault(p, 0)));
      }
    }
  }

  /** Where each path's object is: by listing the page's range in each bucket, by HEAD where that falls short. */
  private Map<String, Found> locate(List<String> paths, ExecutorService pool) {
    Map<String, Found> located = new HashMap<>(paths.size() * 2);
    try {
      KeyRange.Lookup inSource = sources.lookup(paths, Math.max(LISTING_BUDGET, 2 * paths.size()));
      List<String> elsewhere = new ArrayList<>();
      for (String path : paths) {
        if (inSource.found().containsKey(path)) {
          located.put(path, Found.SOURCE);
        } else if (!inSource.unresolved().contains(path)) {
          elsewhere.add(plan.mapping().targetKey(path));
        }
      }
      KeyRange.Lookup inTarget = targets.lookup(elsewhere, Math.max(LISTING_BUDGET, 2 * elsewhere.size()));
      for (String targetKey : elsewhere) {
        if (inTarget.found().containsKey(targetKey)) {
          located.put(plan.mapping().sourceKey(targetKey), Found.TARGET_ONLY);
        } else if (!inTarget.unresolved().contains(targetKey)) {
          located.put(plan.mapping().sourceKey(targetKey), Found.NEITHER);
        }
      }
    } catch (StoreFailure e) {
      if (e.kind() == StoreFailure.Kind.FATAL) {
        throw new PreflightException(e.getMessage(), e);
      }
      // A listing failed: what it did not settle is HEADed below.
    }
    Map<String, Future<Found>> heads = new HashMap<>();
    for (String path : paths) {
      if (!located.containsKey(path)) {
        heads.put(path, pool.submit(() -> locate(path)));
      }
    }
    heads.forEach((path, future) -> located.put(path, await(future)));
    return located;
  }

  private Found locate(String path) {
    if (store.head(plan.sourceBucket(), path).isPresent()) {
      return Found.SOURCE;
    }
    Optional<StoredObject> target = store.head(plan.targetBucket(), plan.mapping().targetKey(path));
    return target.isPresent() ? Found.TARGET_ONLY : Found.NEITHER;
  }

  private static Found await(Future<Found> future) {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof StoreFailure f && f.kind() == StoreFailure.Kind.FATAL) {
        throw new PreflightException(f.getMessage(), f);
      }
      // Cannot tell where it is: neither rewrite nor report it; a re-run looks again.
      return Found.SOURCE;
    }
  }
}
