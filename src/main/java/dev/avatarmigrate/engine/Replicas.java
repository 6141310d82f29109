package dev.avatarmigrate.engine;

import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The avatar table as the database's replicas show it ({@code --replica}). A service that reads its rows from a
 * replica follows them there: a source deleted before a replica has applied the rewrite of its rows (or, had the
 * row been written just before, its insert) would leave that reader pointing at nothing. JDBC stays behind this
 * interface, in {@code db/}.
 */
public interface Replicas extends AutoCloseable {

  Replicas NONE = new Replicas() {
    @Override
    public boolean any() {
      return false;
    }

    @Override
    public List<String> check() {
      return List.of();
    }

    @Override
    public String primaryPosition() {
      return null;
    }

    @Override
    public Map<String, String> notYetShowing(Collection<String> paths, String position) {
      return Map.of();
    }

    @Override
    public void close() {}
  };

  /** False when no replica was named. */
  boolean any();

  /**
   * Each replica answers and has the table and the column; throws {@link PreflightException} otherwise.
   * Returns warnings, such as a replica without an index on the column.
   */
  List<String> check();

  /**
   * Where the primary's replication stands now (MariaDB: its binary log's position in the domain the tool's
   * session writes in), so at or after every row commit made so far; null where it keeps no binary log.
   */
  String primaryPosition();

  /**
   * The paths among {@code paths} whose rows a replica may not show rewritten yet, each with that replica's name:
   * all of them for a replica that has not applied the primary's transactions up to {@code position} (when not
   * null), else those it still shows in some row.
   */
  Map<String, String> notYetShowing(Collection<String> paths, String position);

  @Override
  void close();
}
