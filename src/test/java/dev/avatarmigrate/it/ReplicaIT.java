package dev.avatarmigrate.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.avatarmigrate.testing.AvatarWorld;
import dev.avatarmigrate.testing.AvatarWorld.Result;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code --replica} against a real MariaDB. The replica is a second database on the test server holding a copy
 * of the avatar table that the test brings up to date when it chooses: that is all the tool can see of a real
 * replica (rows that follow the primary's late), and it lets the test hold the lag for as long as it needs.
 */
class ReplicaIT {

  /** A stand-in replica of the world's table: same rows, updated only by {@link #catchUp}. */
  private static String replicaOf(AvatarWorld w, List<String> paths) throws SQLException {
    String replica = w.db.createDatabase("replica");
    w.db.createAvatarTable(replica, AvatarWorld.TABLE, AvatarWorld.COLUMN, true);
    w.db.insertPaths(replica, AvatarWorld.TABLE, AvatarWorld.COLUMN, paths);
    return replica;
  }

  private static void catchUp(AvatarWorld w, String replica) throws SQLException {
    try (Connection c = w.db.connection(replica); Statement s = c.createStatement()) {
      s.executeUpdate("UPDATE avatars SET path = CONCAT('avatar/', SUBSTRING(path, 7)) WHERE path LIKE 'image/%'");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"object", "sync"})
  void sourcesAreDeletedOnlyOnceTheReplicaShowsTheRowsRewritten(String method) throws Exception {
    AvatarWorld w = AvatarWorld.create();
    List<String> names = w.seedAvatars(40);
    List<String> legacyPaths = names.stream().map(n -> "image/" + n).toList();
    String replica = replicaOf(w, legacyPaths);

    CompletableFuture<Result> run = CompletableFuture.supplyAsync(
        () -> w.run("--method", method, "--replica", w.db.jdbcUrl(replica)));

    // The primary's rows are all rewritten while the replica still shows the old paths: the run waits there.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!w.paths().stream().allMatch(p -> p.startsWith("avatar/"))) {
      assertTrue(System.nanoTime() < deadline, "the rows were not rewritten on the primary");
      assertFalse(run.isDone(), () -> "the run ended early: " + run.join().err());
      Thread.sleep(50);
    }
    Thread.sleep(1500);
    assertFalse(run.isDone(), () -> "the run ended while the replica lagged: " + run.join().err());
    assertEquals(40, w.objects(w.legacy).size(), "no source is deleted while the replica shows its old path");

    catchUp(w, replica);
    Result r = run.get(60, TimeUnit.SECONDS).expectExit(0);

    assertEquals(40, r.count("deleted"));
    assertEquals(0, w.objects(w.legacy).size());
    w.assertEveryRowPointsAtAnObject();
  }

  @Test
  void aReplicaWithoutTheTableStopsTheRunInThePreflightBeforeAnyWrite() throws Exception {
    AvatarWorld w = AvatarWorld.create();
    w.seedAvatars(3);
    String empty = w.db.createDatabase("replica");

    Result r = w.run("--replica", w.db.jdbcUrl(empty)).expectExit(3);

    assertTrue(r.err().contains("table " + empty + ".avatars does not exist"), r.err());
    assertEquals(3, w.objects(w.legacy).size());
    assertEquals(0, w.objects(w.production).size());
    assertTrue(w.paths().stream().allMatch(p -> p.startsWith("image/")));
  }

  @Test
  void anUnreachableReplicaStopsTheRunBeforeAnyWrite() {
    AvatarWorld w = AvatarWorld.create();
    w.seedAvatars(3);

    Result r = w.run("--replica", "127.0.0.1:1").expectExit(3);

    assertTrue(r.err().contains("cannot connect to MariaDB at jdbc:mariadb://127.0.0.1:1/" + w.database), r.err());
    assertEquals(3, w.objects(w.legacy).size());
    assertEquals(0, w.objects(w.production).size());
  }

  @Test
  void theDatabaseItselfIsNotAReplica() {
    AvatarWorld w = AvatarWorld.create();

    Result r = w.run("--replica", w.db.host() + ":" + w.db.port()).expectExit(2);

    assertTrue(r.err().contains("is the DATABASE itself"), r.err());
  }

}
