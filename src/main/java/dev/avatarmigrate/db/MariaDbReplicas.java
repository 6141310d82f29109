package dev.avatarmigrate.db;

import dev.avatarmigrate.config.DatabaseTarget;
import dev.avatarmigrate.config.Identifier;
import dev.avatarmigrate.engine.PathTable.TableCheck;
import dev.avatarmigrate.engine.Replicas;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link Replicas} on MariaDB: the avatar table on each replica ({@code --replica}), read with the same bound
 * {@code SELECT … IN} a dry run counts rows with, never written. A replica lost mid-run is retried like the
 * primary, then stops the run: without it, no source can be deleted safely.
 */
public final class MariaDbReplicas implements Replicas {
  private final List<MariaDbPathTable> tables;
  private final List<String> names;
  private final Identifier table;
  private final Identifier column;

  private MariaDbReplicas(List<MariaDbPathTable> tables, List<String> names, Identifier table, Identifier column) {
    this.tables = tables;
    this.names = names;
    this.table = table;
    this.column = column;
  }

  /** Connects to each; a refused login or an unreachable replica is a {@code PreflightException}. */
  public static MariaDbReplicas open(List<DatabaseTarget> replicas, Identifier table, Identifier column) {
    List<MariaDbPathTable> tables = new ArrayList<>();
    List<String> names = new ArrayList<>();
    try {
      for (DatabaseTarget replica : replicas) {
        tables.add(MariaDbPathTable.open(replica, table, column));
        names.add(replica.displayUrl());
      }
    } catch (RuntimeException e) {
      tables.forEach(MariaDbPathTable::close);
      throw e;
    }
    return new MariaDbReplicas(tables, names, table, column);
  }

  @Override
  public boolean any() {
    return !tables.isEmpty();
  }

  @Override
  public List<String> check() {
    List<String> warnings = new ArrayList<>();
    for (int i = 0; i < tables.size(); i++) {
      TableCheck check = tables.get(i).checkForReading();
      if (!check.indexed()) {
        warnings.add("no index covers " + table + "." + column + " on replica " + names.get(i) + ": each wait for"
            + " it to show a batch's rows scans the table (about " + check.approximateRows() + " rows). Create one"
            + " on the primary first: " + check.createIndexStatement());
      }
    }
    return warnings;
  }

  @Override
  public Map<String, String> stillShown(Collection<String> paths) {
    Map<String, String> shown = new LinkedHashMap<>();
    for (int i = 0; i < tables.size(); i++) {
      String name = names.get(i);
      Map<String, Integer> rows = tables.get(i).countRows(paths);
      rows.forEach((path, n) -> {
        if (n > 0) {
          shown.putIfAbsent(path, name);
        }
      });
    }
    return shown;
  }

  @Override
  public void close() {
    tables.forEach(MariaDbPathTable::close);
  }
}
