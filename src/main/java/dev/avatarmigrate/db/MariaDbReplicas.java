package dev.avatarmigrate.db;

import dev.avatarmigrate.config.DatabaseTarget;
import dev.avatarmigrate.config.Identifier;
import dev.avatarmigrate.engine.PathTable.TableCheck;
import dev.avatarmigrate.engine.PreflightException;
import dev.avatarmigrate.engine.Replicas;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link Replicas} on MariaDB ({@code --replica}). A replica has shown a batch's rewritten rows once it has applied
 * the primary's position after the rows' commit, in the session's replication domain
 * ({@code MASTER_GTID_WAIT(gtid, 0)}, asked without waiting), and no longer shows their old paths (the bound
 * {@code SELECT … IN} a dry run counts rows with). Where the primary keeps no binary log (a Galera cluster),
 * only the paths are looked at. Nothing is written to a
 * replica. A replica lost mid-run is retried like the primary, then stops the run: without it, no source can be
 * deleted safely.
 */
public final class MariaDbReplicas implements Replicas {
  private final MariaDbPathTable primary;
  private final List<MariaDbPathTable> tables;
  private final List<String> names;
  private final Identifier table;
  private final Identifier column;

  private MariaDbReplicas(MariaDbPathTable primary, List<MariaDbPathTable> tables, List<String> names,
      Identifier table, Identifier column) {
    this.primary = primary;
    this.tables = tables;
    this.names = names;
    this.table = table;
    this.column = column;
  }

  /**
   * Connects to each replica; a refused login or an unreachable server is a {@code PreflightException}. The
   * {@code primary} table (the one that rewrites the rows, on the session that commits them) tells the position.
   */
  public static MariaDbReplicas open(MariaDbPathTable primary, List<DatabaseTarget> replicas, Identifier table,
      Identifier column) {
    List<MariaDbPathTable> tables = new ArrayList<>();
    List<String> names = new ArrayList<>();
    try {
      for (DatabaseTarget replica : replicas) {
        try {
          tables.add(MariaDbPathTable.open(replica, table, column));
        } catch (PreflightException e) {
          throw new PreflightException("replica: " + e.getMessage(), e);
        }
        names.add(replica.displayUrl());
      }
    } catch (RuntimeException e) {
      tables.forEach(MariaDbPathTable::close);
      throw e;
    }
    return new MariaDbReplicas(primary, tables, names, table, column);
  }

  @Override
  public boolean any() {
    return !tables.isEmpty();
  }

  @Override
  public List<String> check() {
    List<String> warnings = new ArrayList<>();
    if (tables.isEmpty()) {
      return warnings;
    }
    long primaryId = primary.serverId();
    if (!primary.logsBinary()) {
      warnings.add("the DATABASE keeps no binary log, so a source is deleted once no --replica shows its old path,"
          + " without knowing whether a replica has applied the rows inserted just before (a Galera cluster's"
          + " nodes are such replicas)");
    }
    for (int i = 0; i < tables.size(); i++) {
      String name = names.get(i);
      if (tables.get(i).serverId() == primaryId) {
        throw new PreflightException("replica " + name + " is the DATABASE's own server (the same server_id): name"
            + " the servers that replicate it");
      }
      TableCheck check;
      try {
        check = tables.get(i).checkForReading();
      } catch (PreflightException e) {
        throw new PreflightException("replica " + name + ": " + e.getMessage(), e);
      }
      if (!check.indexed()) {
        warnings.add("no index covers " + table + "." + column + " on replica " + name + ": each wait for"
            + " it to show a batch's rows scans the table (about " + check.approximateRows() + " rows). Create one"
            + " on the primary first: " + check.createIndexStatement());
      }
    }
    return warnings;
  }

  @Override
  public String primaryPosition() {
    return tables.isEmpty() ? null : primary.replicationPosition();
  }

  @Override
  public Map<String, String> notYetShowing(Collection<String> paths, String position) {
    Map<String, String> pending = new LinkedHashMap<>();
    for (int i = 0; i < tables.size(); i++) {
      String name = names.get(i);
      if (position != null && !position.isEmpty() && !tables.get(i).reached(position)) {
        paths.forEach(p -> pending.putIfAbsent(p, name));
        continue;
      }
      tables.get(i).countRows(paths).forEach((path, n) -> {
        if (n > 0) {
          pending.putIfAbsent(path, name);
        }
      });
    }
    return pending;
  }

  @Override
  public void close() {
    tables.forEach(MariaDbPathTable::close); // the primary's table is its opener's to close
  }
}
