package dev.avatarmigrate.engine;

import java.util.ArrayList;
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
 */
final class RowSweep {
  // 500 paths a page: a bounded slice of the table, checked concurrently.
  private static final int PAGE = 500;

  private final MoveSteps steps;
  private final ObjectStore store;
  private final PathTable table;
  private final MovePlan plan;
  private final MigrationListener listener;
  private final StopSignal stop;

  RowSweep(MoveRun run, PathTable table) {
    this.steps = run.steps();
    this.store = run.store();
    this.table = table;
    this.plan = run.plan();
    this.listener = run.listener();
    this.stop = run.stop();
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
      List<String> paths = table.pathsWithPrefix(mapping.legacyPathPrefix(), after, PAGE);
      if (paths.isEmpty()) {
        return;
      }
      after = paths.get(paths.size() - 1);
      List<String> candidates = paths.stream().filter(mapping::matches).toList();
      List<Future<Found>> futures = new ArrayList<>(candidates.size());
      for (String path : candidates) {
        futures.add(pool.submit(() -> locate(path)));
      }
      List<PathRewrite> orphans = new ArrayList<>();
      List<String> dangling = new ArrayList<>();
      for (int i = 0; i < candidates.size(); i++) {
        String path = candidates.get(i);
        Found found = await(futures.get(i));
        if (found == Found.TARGET_ONLY) {
          orphans.add(new PathRewrite(path, mapping.targetKey(path)));
        } else if (found == Found.NEITHER) {
          dangling.add(path);
        }
      }
      Map<String, Integer> rewritten = steps.rewriteOrphanRows(orphans);
      for (PathRewrite r : orphans) {
        listener.orphanRowsRewritten(r.oldPath(), r.newPath(), rewritten.getOrDefault(r.oldPath(), 0));
      }
      if (!dangling.isEmpty()) {
        Map<String, Integer> rows = table.countRows(dangling);
        dangling.forEach(p -> listener.dangling(p, rows.getOrDefault(p, 0)));
      }
    }
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
