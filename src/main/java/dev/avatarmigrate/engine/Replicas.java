package dev.avatarmigrate.engine;

import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The avatar table as the database's replicas show it ({@code --replica}). A service that reads its rows from a
 * replica follows them there: a source deleted while a replica still shows a row carrying its path would leave
 * that reader pointing at nothing. JDBC stays behind this interface, in {@code db/}.
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
    public Map<String, String> stillShown(Collection<String> paths) {
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

  /** The paths among {@code paths} that a replica still shows in some row, each with that replica's name. */
  Map<String, String> stillShown(Collection<String> paths);

  @Override
  void close();
}
