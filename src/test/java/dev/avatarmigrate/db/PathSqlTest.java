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
}
