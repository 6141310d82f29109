package dev.avatarmigrate.db;

import dev.avatarmigrate.config.Identifier;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Every SQL statement the tool runs against the avatar table, in one place. Only validated identifiers are
 * spliced (back-quoted); every value is a bound parameter.
 */
final class PathSql {
  static final String PAIRS = "avatar_migrate_pairs";

  private final Identifier table;
  private final Identifier column;
  // A temporary table hides a table of the same name for the session: the avatar table must never be it.
  private final String pairs;

  PathSql(Identifier table, Identifier column) {
    this.table = table;
    this.column = column;
    this.pairs = table.name().equalsIgnoreCase(PAIRS) ? PAIRS + "_2" : PAIRS;
  }

  Identifier table() {
    return table;
  }

  Identifier column() {
    return column;
  }

  /**
   * Compare-and-set for one path. The byte comparison makes the match exact under a case- or accent-insensitive
   * collation, where {@code image/avatar-A.png} would otherwise also rewrite {@code image/avatar-a.png}; the plain
   * equality keeps the index usable. The bytes compared are the row's path in UTF-8, as the bound path arrives: in
   * a column of another character set (latin1, MariaDB's default before 11.6) {@code BINARY col} alone never
   * matched a path with an é in it, and the rows were left naming a deleted source.
   */
  String compareAndSet() {
    return "UPDATE " + t() + " SET " + c() + " = ? WHERE " + c() + " = ? AND BINARY CONVERT(" + c()
        + " USING utf8mb4) = ?";
  }

  /** The pairs table takes the path column's own type and collation, so the join compares like with like. */
  String createPairsTable() {
    return "CREATE TEMPORARY TABLE IF NOT EXISTS " + pairs + " ENGINE=InnoDB AS SELECT " + c() + " AS old_path, "
        + c() + " AS new_path FROM " + t() + " LIMIT 0";
  }

  String dropPairs() {
    return "DROP TEMPORARY TABLE IF EXISTS " + pairs;
  }

  String clearPairs() {
    return "DELETE FROM " + pairs;
  }

  String insertPair() {
    return "INSERT INTO " + pairs + " (old_path, new_path) VALUES (?, ?)";
  }

  private String joinOn() {
    return " JOIN " + pairs + " p ON r." + c() + " = p.old_path AND BINARY r." + c() + " = p.old_path";
  }

  /** Locks the rows about to be rewritten and tells which pair each belongs to. */
  String lockJoinedRows() {
    return "SELECT p.old_path FROM " + t() + " r" + joinOn() + " FOR UPDATE";
  }

  String updateJoined() {
    return "UPDATE " + t() + " r" + joinOn() + " SET r." + c() + " = p.new_path";
  }

  String selectIn(int n) {
    return "SELECT " + c() + " FROM " + t() + " WHERE " + c() + " IN (" + "?, ".repeat(n - 1) + "?)";
  }

  String pathsAfter(boolean hasAfter) {
    return "SELECT " + c() + " FROM " + t() + " WHERE " + c() + " LIKE ? ESCAPE '!'"
        + (hasAfter ? " AND " + c() + " > ?" : "") + " ORDER BY " + c() + " LIMIT ?";
  }

  /**
   * Every path equal to one under the column's collation, each once: the ties a page may end among. Grouped by
   * the bytes, since DISTINCT would fold the ties into one under the same collation.
   */
  String pathsEqual() {
    return "SELECT MIN(" + c() + ") FROM " + t() + " WHERE " + c() + " = ? GROUP BY BINARY " + c();
  }

  String createIndex() {
    // Back-quoted like every identifier here (a name such as 1e5_path_idx would read as a number, user-avatars_idx
    // as a subtraction), and within MariaDB's 64 characters. Made of two validated names and '_': no back-quote,
    // never a trailing space.
    String name = table.name() + "_" + column.name() + "_idx";
    if (length(name) > Identifier.MAX_LENGTH) {
      name = (length(column.name()) <= Identifier.MAX_LENGTH - 4 ? column.name() : "path") + "_idx";
    }
    return "CREATE INDEX " + Identifier.quote(name) + " ON " + t() + " (" + c() + ");";
  }

  /** Characters, as MariaDB counts them in a name. */
  private static int length(String name) {
    return name.codePointCount(0, name.length());
  }

  /**
   * Named locks are at most 64 characters; long names are shortened with a hash to stay distinct. Lower case:
   * where table names ignore case (lower_case_table_names), Avatars and avatars are one table and one lock.
   * Neither name may hold a '.', so database.table names one table (database a.b with table c, and database a
   * with table b.c, would otherwise share a lock); the name is a bound value, never SQL text.
   */
  String lockName(String database) {
    String name = ("avatarMigrate:" + database + "." + table.name()).toLowerCase(Locale.ROOT);
    if (length(name) <= Identifier.MAX_LENGTH) {
      return name;
    }
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8));
      return "avatarMigrate:" + HexFormat.of().formatHex(digest).substring(0, 40);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  /** A LIKE pattern matching values that start with {@code prefix}; {@code !} escapes the wildcards. */
  static String likePrefix(String prefix) {
    return prefix.replace("!", "!!").replace("%", "!%").replace("_", "!_") + "%";
  }

  private String t() {
    return table.quoted();
  }

  private String c() {
    return column.quoted();
  }
}
