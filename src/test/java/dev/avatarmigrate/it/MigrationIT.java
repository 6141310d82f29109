package dev.avatarmigrate.it;

import static dev.avatarmigrate.testing.AvatarWorld.avatarBytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.avatarmigrate.testing.AvatarWorld;
import dev.avatarmigrate.testing.AvatarWorld.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;

/** The end state of a run, in S3 and in the table, for both modes, against S3Proxy and a real MariaDB. */
class MigrationIT {

  /** Keys a real bucket holds and a careless tool would mangle. */
  static final List<String> ODD_NAMES = List.of(
      "avatar-with space.png", "avatar-ünïcødé-日本.png", "avatar-plus+sign.png", "avatar-100%.png",
      "avatar-a&b=c;d.png", "avatar-[brackets](1).png", "avatar-emoji-😀.png", "avatar-'quote\".png",
      "avatar-back\\slash.png", "avatar-nested/deeper.png",
      // Not valid in XML 1.0: a listing returns such a key only URL-encoded.
      "avatar-control\u0001char.png");

  @ParameterizedTest
  @ValueSource(strings = {"object", "sync"})
  void movesEveryAvatarEndToEndAndASecondRunChangesNothing(String method) {
    AvatarWorld w = AvatarWorld.create();
    Map<String, byte[]> expected = new LinkedHashMap<>();
    List<String> paths = new ArrayList<>();
    // More than two listing pages of 1,000.
    for (int i = 0; i < 2100; i++) {
      String name = "avatar-" + i + ".png";
      byte[] bytes = avatarBytes(name, 200 + i % 900);
      w.put(w.legacy, "image/" + name, bytes);
      expected.put(name, bytes);
      paths.add("image/" + name);
    }
    for (String name : ODD_NAMES) {
      byte[] bytes = avatarBytes(name, 333);
      w.put(w.legacy, "image/" + name, bytes);
      expected.put(name, bytes);
      paths.add("image/" + name);
    }
    byte[] empty = new byte[0];
    w.put(w.legacy, "image/avatar-empty.png", empty);
    expected.put("avatar-empty.png", empty);
    byte[] large = avatarBytes("avatar-large.png", 6 * 1024 * 1024 + 17);
    w.put(w.legacy, "image/avatar-large.png", large, "image/png", Map.of("owner", "user-7", "origin", "upload"));
    expected.put("avatar-large.png", large);
    paths.add("image/avatar-large.png");
    // Two rows sharing one path, and rows the tool must leave alone.
    paths.add("image/avatar-0.png");
    paths.add("image/avatar-empty.png");
    paths.add("avatar/avatar-modern.png");
    w.put(w.production, "avatar/avatar-modern.png", avatarBytes("modern", 50));
    w.put(w.legacy, "image/other.png", avatarBytes("other", 10));
    w.put(w.legacy, "image/thumb-avatar-1.png", avatarBytes("thumb", 10));
    paths.add("image/other.png");
    w.rows(paths);

    Result first = w.run("--method", method).expectExit(0);
    assertEquals(expected.size(), first.count("copied"));
    assertEquals(paths.size() - 2, first.count("rows rewritten"));
    assertEquals(expected.size(), first.count("deleted"));

    w.assertAllMoved(expected);
    w.assertEveryRowPointsAtAnObject();
    HeadObjectResponse head = w.head(w.production, "avatar/avatar-large.png");
    assertEquals("image/png", head.contentType());
    assertEquals(Map.of("owner", "user-7", "origin", "upload"), head.metadata());
    assertTrue(w.exists(w.legacy, "image/other.png"), "non-avatars stay");
    assertTrue(w.exists(w.legacy, "image/thumb-avatar-1.png"), "names not starting with avatar- stay");
    List<String> after = w.paths();
    assertEquals(2, after.stream().filter("avatar/avatar-0.png"::equals).count());
    assertTrue(after.contains("image/other.png"));
    assertTrue(after.contains("avatar/avatar-ünïcødé-日本.png"));

    Result second = w.run("--method", method).expectExit(0);
    assertEquals(0, second.count("copied"));
    assertEquals(0, second.count("matched"));
    assertEquals(0, second.count("rows rewritten"));
    assertEquals(after, w.paths());
  }

  @ParameterizedTest
  @ValueSource(strings = {"object", "sync"})
  void identicalObjectAtTargetIsNotCopiedButItsRowsAreRewrittenAndSourceDeleted(String method) {
    AvatarWorld w = AvatarWorld.create();
    byte[] bytes = avatarBytes("avatar-1.png", 1000);
    w.put(w.legacy, "image/avatar-1.png", bytes);
    w.put(w.production, "avatar/avatar-1.png", bytes);
    w.rows("image/avatar-1.png");

    Result r = w.run("--method", method).expectExit(0);

    assertEquals(0, r.count("copied"));
    assertEquals(1, r.count("already present"));
    assertEquals(List.of("avatar/avatar-1.png"), w.paths());
    assertFalse(w.exists(w.legacy, "image/avatar-1.png"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"object", "sync"})
  void differentObjectAtTargetIsAConflictAndNothingIsTouched(String method) {
    AvatarWorld w = AvatarWorld.create();
    byte[] legacy = avatarBytes("legacy", 1000);
    byte[] newer = avatarBytes("newer", 900);
    w.put(w.legacy, "image/avatar-1.png", legacy);
    w.put(w.production, "avatar/avatar-1.png", newer);
    w.put(w.legacy, "image/avatar-2.png", legacy);
    w.rows("image/avatar-1.png", "image/avatar-2.png");

    Result r = w.run("--method", method).expectExit(1);

    assertEquals(1, r.count("conflicts"));
    assertEquals(1, r.count("copied"));
    assertArrayEquals(newer, w.bytes(w.production, "avatar/avatar-1.png").orElseThrow());
    assertArrayEquals(legacy, w.bytes(w.legacy, "image/avatar-1.png").orElseThrow());
    assertEquals(List.of("image/avatar-1.png", "avatar/avatar-2.png"), w.paths());
    assertTrue(r.err().contains("conflict: avatar/avatar-1.png"), r.err());

    Result overwrite = w.run("--method", method, "--on-conflict", "overwrite").expectExit(0);
    assertEquals(1, overwrite.count("copied"));
    assertArrayEquals(legacy, w.bytes(w.production, "avatar/avatar-1.png").orElseThrow());
    assertEquals(List.of("avatar/avatar-1.png", "avatar/avatar-2.png"), w.paths());
    assertFalse(w.exists(w.legacy, "image/avatar-1.png"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"object", "sync"})
  void rowsWhoseObjectIsInNeitherBucketAreReportedDanglingAndRowsWhoseObjectAlreadyMovedAreRewritten(String method) {
    AvatarWorld w = AvatarWorld.create();
    w.put(w.production, "avatar/avatar-moved.png", avatarBytes("moved", 10));
    w.rows("image/avatar-gone.png", "image/avatar-moved.png");

    Result r = w.run("--method", method).expectExit(1);

    assertEquals(1, r.count("dangling"));
    assertEquals(1, r.count("rows rewritten"));
    assertEquals(List.of("image/avatar-gone.png", "avatar/avatar-moved.png"), w.paths());
    assertTrue(r.err().contains("image/avatar-gone.png"), r.err());
  }

  @ParameterizedTest
  @ValueSource(strings = {"object", "sync"})
  void dryRunWritesNothingAnywhereAndReportsThePlan(String method, @TempDir Path dir) throws Exception {
    AvatarWorld w = AvatarWorld.create();
    w.seedAvatars(30);
    byte[] same = avatarBytes("avatar-0.png", 512);
    w.put(w.production, "avatar/avatar-0.png", same);
    w.put(w.production, "avatar/avatar-1.png", avatarBytes("different", 77));
    w.rows("image/avatar-nowhere.png");
    Map<String, Long> legacyBefore = w.objects(w.legacy);
    Map<String, Long> productionBefore = w.objects(w.production);
    List<String> rowsBefore = w.paths();
    Path report = dir.resolve("plan.jsonl");

    Result r = w.run("--method", method, "--dry-run", "--report", report.toString()).expectExit(1);

    assertEquals(legacyBefore, w.objects(w.legacy));
    assertEquals(productionBefore, w.objects(w.production));
    assertEquals(rowsBefore, w.paths());
    assertEquals(28, r.count("would copy"));
    assertEquals(1, r.count("already present"));
    assertEquals(1, r.count("conflicts"));
    assertEquals(29, r.count("rows to rewrite"));
    assertEquals(1, r.count("dangling"));
    List<String> lines = Files.readAllLines(report);
    assertEquals(30 + 1 + 1, lines.size(), String.join("\n", lines));
    assertTrue(lines.get(lines.size() - 1).startsWith("{\"summary\":{"));
    assertTrue(lines.stream().anyMatch(l -> l.contains("\"outcome\":\"would_copy\"")));
  }

  @ParameterizedTest
  @ValueSource(strings = {"object", "sync"})
  void keepSourceCopiesAndRewritesRowsButLeavesTheLegacyObjects(String method) {
    AvatarWorld w = AvatarWorld.create();
    w.seedAvatars(12);

    Result r = w.run("--method", method, "--keep-source").expectExit(0);

    assertEquals(12, r.count("copied"));
    assertEquals(0, r.count("deleted"));
    assertEquals(12, w.objects(w.legacy).size());
    assertEquals(12, w.objects(w.production).size());
    assertTrue(w.paths().stream().allMatch(p -> p.startsWith("avatar/")));
  }

  @org.junit.jupiter.api.Test
  void theSweepReadsRowsTheCollationTiesAcrossAPageEnd() {
    // Under utf8mb4_unicode_ci, muller and müller are equal: with 499 rows before them they are the 500th and
    // 501st, so the sweep's first page of 500 ends between the two, and paging on "> last" skipped the other.
    AvatarWorld w = AvatarWorld.create();
    List<String> paths = new ArrayList<>();
    for (int i = 0; i < 499; i++) {
      paths.add(String.format("image/avatar-a%03d.png", i));
    }
    paths.add("image/avatar-muller.png");
    paths.add("image/avatar-müller.png");
    for (String p : paths) {
      w.put(w.production, "avatar/" + p.substring("image/".length()), avatarBytes(p, 20)); // moved before
    }
    w.rows(paths);

    w.run().expectExit(0);

    List<String> left = w.paths().stream().filter(p -> p.startsWith("image/")).toList();
    assertEquals(List.of(), left, "rows still at a legacy path whose object is only at the target");
    w.assertEveryRowPointsAtAnObject();
  }

  /** A table of the avatar table's shape whose path column is {@code pathType}, indexed. */
  private static void createPathTable(AvatarWorld w, String table, String pathType) throws Exception {
    try (Connection c = w.db.connection(w.database); var s = c.createStatement()) {
      s.execute("CREATE TABLE " + table + " (id BIGINT AUTO_INCREMENT PRIMARY KEY, user_id BIGINT, path " + pathType
          + ", KEY (path))");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"object", "sync"})
  void aLatin1PathColumnHasItsAccentedRowsRewrittenBeforeTheirSourcesGo(String method) throws Exception {
    // latin1 is MariaDB's default character set before 11.6: comparing the column's bytes with the bound path's
    // UTF-8 bytes matched no accented path, so the rows were left naming a deleted source, with exit 0.
    AvatarWorld w = AvatarWorld.create();
    String table = "avatars_latin1";
    createPathTable(w, table, "VARCHAR(255) CHARACTER SET latin1 COLLATE latin1_swedish_ci");
    List<String> paths = List.of("image/avatar-café.png", "image/avatar-CAFÉ.png", "image/avatar-plain.png",
        "image/avatar-déjà.png");
    for (String p : paths.subList(0, 3)) {
      w.put(w.legacy, p, avatarBytes(p, 100));
    }
    w.put(w.production, "avatar/avatar-déjà.png", avatarBytes("déjà", 100)); // moved before: the sweep's row
    w.db.insertPaths(w.database, table, "path", paths);

    w.run("--method", method, "--table", table).expectExit(0);

    assertEquals(List.of("avatar/avatar-café.png", "avatar/avatar-CAFÉ.png", "avatar/avatar-plain.png",
        "avatar/avatar-déjà.png"), w.db.selectColumn(w.database, table, "path"));
    assertEquals(4, w.objects(w.production).size());
    assertEquals(0, w.objects(w.legacy).size());
  }

  @ParameterizedTest
  @ValueSource(strings = {"object", "sync"})
  void keysALatin1ColumnCannotHoldHaveNoRowsAndAreMoved(String method) throws Exception {
    // "Illegal mix of collations" for a path with ł or an emoji failed those objects at their rows on every run,
    // though no row can name them.
    AvatarWorld w = AvatarWorld.create();
    String table = "avatars_latin1";
    createPathTable(w, table, "VARCHAR(255) CHARACTER SET latin1");
    List<String> keys = List.of("image/avatar-1.png", "image/avatar-é.png", "image/avatar-ł.png",
        "image/avatar-😀.png");
    for (String k : keys) {
      w.put(w.legacy, k, avatarBytes(k, 100));
    }
    w.db.insertPaths(w.database, table, "path", keys.subList(0, 2));

    Result r = w.run("--method", method, "--table", table).expectExit(0);

    assertEquals(2, r.count("rows rewritten"));
    assertEquals(4, r.count("deleted"));
    assertEquals(List.of("avatar/avatar-1.png", "avatar/avatar-é.png"), w.db.selectColumn(w.database, table, "path"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"object", "sync"})
  void aCharColumnIsRewrittenWhateverTheServersSqlModePadsItWith(String method) throws Exception {
    // Under PAD_CHAR_TO_FULL_LENGTH a CHAR(40) value reads back padded with spaces: no row matched its own path,
    // and the sources were deleted under the rows.
    AvatarWorld w = AvatarWorld.create();
    String table = "avatars_char_padded";
    createPathTable(w, table, "CHAR(40)");
    List<String> paths = List.of("image/avatar-1.png", "image/avatar-2.png");
    for (String p : paths) {
      w.put(w.legacy, p, avatarBytes(p, 100));
    }
    w.db.insertPaths(w.database, table, "path", paths);
    String before;
    try (Connection c = w.db.connection(w.database); var s = c.createStatement()) {
      try (var rs = s.executeQuery("SELECT @@GLOBAL.sql_mode")) {
        rs.next();
        before = rs.getString(1);
      }
      try {
        s.execute("SET GLOBAL sql_mode = CONCAT(@@GLOBAL.sql_mode, ',PAD_CHAR_TO_FULL_LENGTH')");
      } catch (java.sql.SQLException e) {
        org.junit.jupiter.api.Assumptions.abort("this test's database login may not set the global sql_mode");
      }
    }
    try {
      w.run("--method", method, "--table", table).expectExit(0);
    } finally {
      try (Connection c = w.db.connection(w.database); var s = c.prepareStatement("SET GLOBAL sql_mode = ?")) {
        s.setString(1, before);
        s.execute();
      }
    }
    assertEquals(List.of("avatar/avatar-1.png", "avatar/avatar-2.png"), w.db.selectColumn(w.database, table, "path"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"object", "sync"})
  void aKeyEndingInASpaceNeverRewritesTheRowOfTheKeyWithoutIt(String method) throws Exception {
    // A CHAR column drops trailing spaces, and sync mode's pairs table is made like it: the pair of
    // "image/avatar-y.png " joined the row of "image/avatar-y.png", whose own object conflicts at the target, and
    // pointed it at that other object.
    AvatarWorld w = AvatarWorld.create();
    String table = "avatars_char";
    createPathTable(w, table, "CHAR(40)");
    w.put(w.legacy, "image/avatar-y.png", avatarBytes("A", 100));
    w.put(w.legacy, "image/avatar-y.png ", avatarBytes("B", 100));
    w.put(w.production, "avatar/avatar-y.png", avatarBytes("C, the service's own", 100));
    w.db.insertPaths(w.database, table, "path", List.of("image/avatar-y.png"));

    Result r = w.run("--method", method, "--table", table).expectExit(1);

    assertEquals(1, r.count("conflicts"));
    assertEquals(0, r.count("rows rewritten"));
    assertEquals(List.of("image/avatar-y.png"), w.db.selectColumn(w.database, table, "path"));
    assertTrue(w.exists(w.legacy, "image/avatar-y.png"), "the row's own object stays where the row points");
  }

  @ParameterizedTest
  @ValueSource(strings = {"object", "sync"})
  void anAvatarTableNamedLikeSyncModesTemporaryTableIsRewrittenAllTheSame(String method) throws Exception {
    AvatarWorld w = AvatarWorld.create();
    String table = "avatar_migrate_pairs";
    w.db.createAvatarTable(w.database, table, "path", true);
    List<String> paths = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      w.put(w.legacy, "image/avatar-" + i + ".png", avatarBytes("p" + i, 100));
      paths.add("image/avatar-" + i + ".png");
    }
    w.db.insertPaths(w.database, table, "path", paths);

    Result r = w.run("--method", method, "--table", table).expectExit(0);

    assertEquals(20, r.count("rows rewritten"));
    assertTrue(w.db.selectColumn(w.database, table, "path").stream().allMatch(p -> p.startsWith("avatar/")));
    assertEquals(0, w.objects(w.legacy).size());
  }

  @ParameterizedTest
  @ValueSource(strings = {"object", "sync"})
  void maxRatePacesTheRunAndEverythingStillMoves(String method) {
    AvatarWorld w = AvatarWorld.create();
    w.seedAvatars(30);

    Result r = w.run("--method", method, "--max-rate", "40", "-v").expectExit(0);

    assertEquals(30, r.count("copied"));
    assertEquals(30, r.count("deleted"));
    assertTrue(r.err().contains("maxRate=40/s"), r.err());
    // How long it waited is the pace's business (and this machine's); that it waited is what the flag promises.
    assertTrue(r.err().matches("(?s).*--max-rate 40: waited [0-9.]+ s in all to keep to 40 objects a second.*"),
        r.err());
    assertEquals(0, w.objects(w.legacy).size());
    assertTrue(w.paths().stream().allMatch(p -> p.startsWith("avatar/")));
  }

  @ParameterizedTest
  @ValueSource(strings = {"object", "sync"})
  void reportHasOneLinePerObjectAndASummary(String method, @TempDir Path dir) throws Exception {
    AvatarWorld w = AvatarWorld.create();
    w.seedAvatars(5);
    Path report = dir.resolve("run.jsonl");

    w.run("--method", method, "--report", report.toString()).expectExit(0);

    List<String> lines = Files.readAllLines(report);
    assertEquals(6, lines.size());
    assertTrue(lines.get(0).matches("\\{\"key\":\"image/avatar-\\d\\.png\",\"target_key\":\"avatar/avatar-\\d\\.png\","
        + "\"size\":\\d+,\"etag\":\"[0-9a-f]{32}\",\"outcome\":\"copied\",\"rows\":1,\"source_deleted\":true}"),
        lines.get(0));
    assertTrue(lines.get(5).contains("\"copied\":5"), lines.get(5));
  }

  @ParameterizedTest
  @ValueSource(strings = {"object", "sync"})
  void multipartCopyAboveTheThresholdIsByteIdenticalWithItsMetadata(String method) {
    AvatarWorld w = AvatarWorld.create();
    byte[] big = avatarBytes("avatar-big.png", 12 * 1024 * 1024 + 5);
    w.s3.client().putObject(b -> b.bucket(w.legacy).key("image/avatar-big.png").contentType("image/png")
        .cacheControl("max-age=3600").metadata(Map.of("owner", "u1")),
        software.amazon.awssdk.core.sync.RequestBody.fromBytes(big));
    w.rows("image/avatar-big.png");

    Result r = w.run("--method", method, "--multipart-threshold", "5MiB").expectExit(0);

    assertEquals(1, r.count("copied"));
    assertArrayEquals(big, w.bytes(w.production, "avatar/avatar-big.png").orElseThrow());
    HeadObjectResponse head = w.head(w.production, "avatar/avatar-big.png");
    assertEquals("image/png", head.contentType());
    assertEquals("max-age=3600", head.cacheControl());
    assertEquals("u1", head.metadata().get("owner"));
    assertTrue(head.eTag().contains("-"), "a multipart ETag: " + head.eTag());
    assertEquals(List.of("avatar/avatar-big.png"), w.paths());
    assertFalse(w.exists(w.legacy, "image/avatar-big.png"));
    assertTrue(w.s3.client().listMultipartUploads(b -> b.bucket(w.production)).uploads().isEmpty());

    // Its ETag differs from the source's, yet a re-run recognises it as the same object.
    w.put(w.legacy, "image/avatar-big.png", big);
    Result again = w.run("--method", method, "--multipart-threshold", "5MiB").expectExit(0);
    assertEquals(1, again.count("already present"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"object", "sync"})
  void aSourceUploadedInPartsIsCopiedWholeAndRecognisedOnTheNextRun(String method) {
    AvatarWorld w = AvatarWorld.create();
    String key = "image/avatar-parts.png";
    byte[] whole = uploadInParts(w, key);
    assertTrue(w.head(w.legacy, key).eTag().contains("-"), "a multipart source");
    w.rows(key);

    w.run("--method", method).expectExit(0);

    assertArrayEquals(whole, w.bytes(w.production, "avatar/avatar-parts.png").orElseThrow());
    HeadObjectResponse head = w.head(w.production, "avatar/avatar-parts.png");
    assertEquals("image/png", head.contentType());
    assertEquals("u9", head.metadata().get("owner"));
    assertEquals(List.of("avatar/avatar-parts.png"), w.paths());

    // As after a kill between the copy and the delete: the multipart source is still there. Its copy has
    // another ETag, yet the run recognises it by the source ETag it recorded, and does not copy again.
    uploadInParts(w, key);
    w.rows(key);
    Result again = w.run("--method", method).expectExit(0);
    assertEquals(1, again.count("already present"));
    assertEquals(0, again.count("copied"));
    assertFalse(w.exists(w.legacy, key));
  }

  private static byte[] uploadInParts(AvatarWorld w, String key) {
    byte[] part1 = avatarBytes("part-1", 5 * 1024 * 1024);
    byte[] part2 = avatarBytes("part-2", 1000);
    var client = w.s3.client();
    String upload = client.createMultipartUpload(b -> b.bucket(w.legacy).key(key).contentType("image/png")
        .metadata(Map.of("owner", "u9"))).uploadId();
    var p1 = client.uploadPart(b -> b.bucket(w.legacy).key(key).uploadId(upload).partNumber(1),
        software.amazon.awssdk.core.sync.RequestBody.fromBytes(part1));
    var p2 = client.uploadPart(b -> b.bucket(w.legacy).key(key).uploadId(upload).partNumber(2),
        software.amazon.awssdk.core.sync.RequestBody.fromBytes(part2));
    client.completeMultipartUpload(b -> b.bucket(w.legacy).key(key).uploadId(upload).multipartUpload(m -> m.parts(
        software.amazon.awssdk.services.s3.model.CompletedPart.builder().partNumber(1).eTag(p1.eTag()).build(),
        software.amazon.awssdk.services.s3.model.CompletedPart.builder().partNumber(2).eTag(p2.eTag()).build())));
    byte[] whole = new byte[part1.length + part2.length];
    System.arraycopy(part1, 0, whole, 0, part1.length);
    System.arraycopy(part2, 0, whole, part1.length, part2.length);
    return whole;
  }

  @ParameterizedTest
  @ValueSource(strings = {"object", "sync"})
  void aSecondRunWhileOneHoldsTheLockExitsThreeAndChangesNothing(String method) throws Exception {
    AvatarWorld w = AvatarWorld.create();
    w.seedAvatars(3);
    try (Connection holder = w.db.connection(w.database);
        PreparedStatement s = holder.prepareStatement("SELECT GET_LOCK(?, 0)")) {
      s.setString(1, ("avatarmigrate:" + w.database + "." + AvatarWorld.TABLE).toLowerCase(java.util.Locale.ROOT));
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        assertEquals(1, rs.getInt(1));
      }
      Result r = w.run("--method", method).expectExit(3);
      assertTrue(r.err().contains("another avatarMigrate run"), r.err());
      assertEquals(3, w.objects(w.legacy).size());
      assertTrue(w.objects(w.production).isEmpty());
      assertTrue(w.paths().stream().allMatch(p -> p.startsWith("image/")));
    }
  }
}
