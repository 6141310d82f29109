package dev.avatarmigrate.engine;

import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The avatar table, as the engine needs it; JDBC stays behind this interface, in {@code db/}.
 * Rewrites are compare-and-set and committed before they return, so a retry after a lost connection
 * neither loses nor repeats one.
 */
public interface PathTable extends AutoCloseable {

  /** Table and column present, privileges usable; throws {@link PreflightException} otherwise. */
  TableCheck check();

  /**
   * Sync mode's preflight: null when the login may create the temporary table sync mode rewrites rows through
   * (made and dropped, as the run would); else why not, with the GRANT to run. A dry run does not ask.
   */
  default String temporaryTablesRefused() {
    return null;
  }

  /**
   * Takes the run lock (a MariaDB named lock per database and table) for as long as this table is open;
   * throws {@link PreflightException} when another run holds it.
   */
  void lockRun();

  /** Rewrites one statement per pair, committed as one transaction; returns rows changed per old path. */
  Map<String, Integer> rewrite(List<PathRewrite> rewrites);

  /** The same outcome set-wise: the pairs go into a temporary table, joined in one UPDATE. */
  Map<String, Integer> rewriteJoined(List<PathRewrite> rewrites);

  /** How many rows carry each path; what a dry run reports instead of rewriting. */
  Map<String, Integer> countRows(Collection<String> paths);

  /**
   * One page of the distinct paths starting with {@code prefix}, in order, after {@code after}: up to
   * {@code limit} rows are read.
   */
  PathPage pathsWithPrefix(String prefix, String after, int limit);

  /**
   * @param paths the page's paths that start with the prefix exactly (a case-insensitive collation also
   *     matches others)
   * @param last the last path read, matching or not, to continue after; null when nothing was left
   */
  record PathPage(List<String> paths, String last) {}

  @Override
  void close();

  /**
   * What the preflight found: {@code indexed} false means per-row rewrites will crawl;
   * {@code maxPathLength} is the column's length in characters.
   *
   * @param updateRefused null when the login may UPDATE the column; else why not, with the GRANT to run (a dry
   *     run only warns, a real run stops)
   */
  record TableCheck(boolean indexed, String createIndexStatement, long approximateRows, int maxPathLength,
      String updateRefused) {
    public TableCheck(boolean indexed, String createIndexStatement, long approximateRows, int maxPathLength) {
      this(indexed, createIndexStatement, approximateRows, maxPathLength, null);
    }
  }
}
