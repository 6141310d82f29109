package dev.avatarmigrate.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.avatarmigrate.config.Identifier;
import org.junit.jupiter.api.Test;

class PathSqlTest {

  @Test
  void theRunLockIsNamedInLowerCaseSoOneTableSpelledTwoWaysHasOneLock() {
    // With lower_case_table_names, `Avatars` and `avatars` are the same table; named locks compare exactly.
    String lower = new PathSql(new Identifier("avatars"), new Identifier("path")).lockName("App");
    String mixed = new PathSql(new Identifier("Avatars"), new Identifier("path")).lockName("app");
    assertEquals("avatarmigrate:app.avatars", lower);
    assertEquals(lower, mixed);
  }

  @Test
  void aLongLockNameIsHashedWithinSixtyFourCharactersAndStaysDistinct() {
    String a = new PathSql(new Identifier("t".repeat(60)), new Identifier("path")).lockName("db");
    String b = new PathSql(new Identifier("t".repeat(59) + "u"), new Identifier("path")).lockName("db");
    assertTrue(a.length() <= 64, a);
    assertNotEquals(a, b);
  }

  @Test
  void theTemporaryPairsTableNeverHasTheAvatarTablesName() {
    // A temporary table hides the table of its name for the session: the rewrite would join the pairs with
    // themselves and never see the avatar table.
    PathSql usual = new PathSql(new Identifier("avatars"), new Identifier("path"));
    PathSql clash = new PathSql(new Identifier("Avatar_Migrate_Pairs"), new Identifier("path"));
    assertTrue(usual.createPairsTable().startsWith("CREATE TEMPORARY TABLE IF NOT EXISTS avatar_migrate_pairs "));
    assertTrue(clash.createPairsTable().startsWith("CREATE TEMPORARY TABLE IF NOT EXISTS avatar_migrate_pairs_2 "),
        clash.createPairsTable());
    assertTrue(clash.insertPair().contains("avatar_migrate_pairs_2"));
    assertTrue(clash.clearPairs().contains("avatar_migrate_pairs_2"));
  }

  @Test
  void theIndexToCreateIsBackQuotedAndWithinSixtyFourCharacters() {
    assertEquals("CREATE INDEX `1e5_path_idx` ON `1e5` (`path`);",
        new PathSql(new Identifier("1e5"), new Identifier("path")).createIndex());
    String longer = new PathSql(new Identifier("t".repeat(64)), new Identifier("path")).createIndex();
    assertTrue(longer.startsWith("CREATE INDEX `path_idx` ON `"), longer);
  }

  @Test
  void namesWithADashAreBackQuotedWholeEverywhere() {
    PathSql sql = new PathSql(new Identifier("user-avatars"), new Identifier("avatar-path"));
    assertEquals("CREATE INDEX `user-avatars_avatar-path_idx` ON `user-avatars` (`avatar-path`);", sql.createIndex());
    assertEquals("UPDATE `user-avatars` SET `avatar-path` = ? WHERE `avatar-path` = ? AND BINARY CONVERT("
        + "`avatar-path` USING utf8mb4) = ?", sql.compareAndSet());
    assertTrue(sql.createPairsTable().contains(" FROM `user-avatars` LIMIT 0"), sql.createPairsTable());
    assertTrue(sql.updateJoined().startsWith("UPDATE `user-avatars` r JOIN "), sql.updateJoined());
    assertEquals("avatarmigrate:probe-dash.user-avatars", sql.lockName("probe-dash"));
  }

  @Test
  void theIndexNameOfNonAsciiOrLongNamesStaysWithinSixtyFourCharacters() {
    // 64 two-byte letters are 64 characters for MariaDB: the suggested name counts characters too.
    String table = "ü".repeat(40);
    String column = "é".repeat(20);
    String index = new PathSql(new Identifier(table), new Identifier(column)).createIndex();
    assertEquals("CREATE INDEX `" + column + "_idx` ON `" + table + "` (`" + column + "`);", index);
    String fits = new PathSql(new Identifier("ü".repeat(30)), new Identifier("é".repeat(25))).createIndex();
    assertTrue(fits.startsWith("CREATE INDEX `" + "ü".repeat(30) + "_" + "é".repeat(25) + "_idx` ON"), fits);
    String sixty = new PathSql(new Identifier("t"), new Identifier("p-".repeat(30))).createIndex();
    assertTrue(sixty.startsWith("CREATE INDEX `" + "p-".repeat(30) + "_idx` ON"), sixty);
    String longest = new PathSql(new Identifier("t"), new Identifier("c".repeat(64))).createIndex();
    assertTrue(longest.startsWith("CREATE INDEX `path_idx` ON `t` (`" + "c".repeat(64) + "`)"), longest);
  }
}
