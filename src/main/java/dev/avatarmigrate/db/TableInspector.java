package dev.avatarmigrate.db;

import dev.avatarmigrate.config.DatabaseTarget;
import dev.avatarmigrate.config.Identifier;
import dev.avatarmigrate.engine.PathTable.TableCheck;
import dev.avatarmigrate.engine.PreflightException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** The preflight of the table: it exists, the column exists, an index covers it, SELECT and UPDATE work. */
final class TableInspector {
  private static final int NO_PRIVILEGE = 1142;
  private static final int NO_DB_PRIVILEGE = 1044;

  private final Connection c;
  private final DatabaseTarget target;
  private final PathSql sql;

  TableInspector(Connection c, DatabaseTarget target, PathSql sql) {
    this.c = c;
    this.target = target;
    this.sql = sql;
  }

  TableCheck inspect() {
    return inspect(true);
  }

  /**
   * @param forUpdate false for a replica, which is only read: its UPDATE privilege is not probed, since even an
   *     UPDATE that matches nothing may be logged there as a transaction of its own
   */
  TableCheck inspect(boolean forUpdate) {
    String db = target.database();
    String where = db + "." + sql.table();
    try {
      long rows;
      try (PreparedStatement s = c.prepareStatement(
          "SELECT TABLE_ROWS, TABLE_TYPE FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?")) {
        s.setString(1, db);
        s.setString(2, sql.table().name());
        try (ResultSet rs = s.executeQuery()) {
          if (!rs.next()) {
            throw new PreflightException("table " + where + " does not exist: check --table and the DATABASE argument");
          }
          if ("VIEW".equalsIgnoreCase(rs.getString(2))) {
            // A view may leave rows out (a WHERE), and their sources would be deleted under them unseen.
            throw new PreflightException(where + " is a view: give the table it reads with --table (and its column"
                + " with --column), so that every row naming an avatar is rewritten");
          }
          rows = rs.getLong(1);
        }
      }
      int maxLength;
      try (PreparedStatement s = c.prepareStatement("SELECT DATA_TYPE, CHARACTER_MAXIMUM_LENGTH"
          + " FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND COLUMN_NAME = ?")) {
        s.setString(1, db);
        s.setString(2, sql.table().name());
        s.setString(3, sql.column().name());
        try (ResultSet rs = s.executeQuery()) {
          if (!rs.next()) {
            throw new PreflightException("column " + sql.column() + " does not exist in table " + where
                + ": check --column");
          }
          String type = rs.getString(1).toLowerCase(java.util.Locale.ROOT);
          if (!type.contains("char") && !type.contains("text")) {
            throw new PreflightException("column " + where + "." + sql.column() + " is " + type
                + ", not a text column: check --column");
          }
          long length = rs.getLong(2);
          maxLength = length <= 0 || length > Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) length;
        }
      }
      boolean indexed;
      try (PreparedStatement s = c.prepareStatement("SELECT 1 FROM information_schema.STATISTICS"
          + " WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND COLUMN_NAME = ? AND SEQ_IN_INDEX = 1 LIMIT 1")) {
        s.setString(1, db);
        s.setString(2, sql.table().name());
        s.setString(3, sql.column().name());
        try (ResultSet rs = s.executeQuery()) {
          indexed = rs.next();
        }
      }
      return new TableCheck(indexed, sql.createIndex(), rows, maxLength,
          forUpdate ? checkPrivileges(where) : checkSelect(where));
    } catch (SQLException e) {
      throw new PreflightException("cannot inspect table " + where + ": " + Connections.firstLine(e.getMessage()), e);
    }
  }

  /**
   * Statements that touch nothing but fail without the privilege: the cheapest honest check. SELECT is needed
   * by every run; returns why UPDATE is refused (with the GRANT to run), or null.
   */
  private String checkPrivileges(String where) throws SQLException {
    String grant = "GRANT SELECT, UPDATE ON " + grantTable() + " TO " + account() + ";";
    select("SELECT and UPDATE " + where + ": " + grant);
    try (Statement s = c.createStatement()) {
      s.executeUpdate("UPDATE " + sql.table().quoted() + " SET " + sql.column().quoted() + " = "
          + sql.column().quoted() + " WHERE 1 = 0");
      return null;
    } catch (SQLException e) {
      if (e.getErrorCode() == NO_PRIVILEGE) {
        return "user '" + target.user() + "' may not UPDATE " + where + ": " + grant;
      }
      throw e;
    }
  }

  /**
   * Sync mode rewrites rows through a temporary table of (old, new) pairs: made here as the run would make it,
   * and dropped. Returns why it is refused (with the GRANT to run), or null.
   */
  String checkTemporaryTables() throws SQLException {
    String db = target.database();
    try (Statement s = c.createStatement()) {
      s.execute(sql.createPairsTable());
      s.execute(sql.dropPairs());
      return null;
    } catch (SQLException e) {
      if (e.getErrorCode() == NO_DB_PRIVILEGE) {
        return "user '" + target.user() + "' may not create temporary tables in " + db + ", which --method sync"
            + " rewrites rows through: GRANT CREATE TEMPORARY TABLES ON " + Identifier.quote(db) + ".* TO "
            + account() + ";";
      }
      throw e;
    }
  }

  /** The one privilege a replica needs; returns null (nothing refused) or throws. */
  private String checkSelect(String where) throws SQLException {
    select("SELECT " + where + " at " + target.displayUrl() + ": GRANT SELECT ON " + grantTable() + " TO "
        + account() + ";");
    return null;
  }

  /**
   * The table as a GRANT to paste names it: back-quoted, since a name such as probe-dash or 2020 means something
   * else bare.
   */
  private String grantTable() {
    return Identifier.quote(target.database()) + "." + sql.table().quoted();
  }

  /**
   * The account as a GRANT names it: the one the server matched this login to (CURRENT_USER(), such as
   * 'app'@'10.0.%'), else the login at any host; quoted strings, their quote and backslash escaped.
   */
  private String account() {
    String user = String.valueOf(target.user());
    String host = "%";
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT CURRENT_USER()")) {
      String current = rs.next() ? rs.getString(1) : null;
      int at = current == null ? -1 : current.lastIndexOf('@');
      if (at > 0) {
        user = current.substring(0, at);
        host = current.substring(at + 1);
      }
    } catch (SQLException e) {
      // the login at any host, as a guess
    }
    return quoted(user) + "@" + quoted(host);
  }

  private static String quoted(String text) {
    return "'" + text.replace("\\", "\\\\").replace("'", "''") + "'";
  }

  /** @param refused what the user may not do, and the GRANT to run, for the message */
  private void select(String refused) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.executeQuery("SELECT " + sql.column().quoted() + " FROM " + sql.table().quoted() + " LIMIT 0").close();
    } catch (SQLException e) {
      if (e.getErrorCode() == NO_PRIVILEGE) {
        throw new PreflightException("user '" + target.user() + "' may not " + refused, e);
      }
      throw e;
    }
  }
}
