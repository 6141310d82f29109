package dev.avatarmigrate.config;

/**
 * A validated SQL identifier (table or column). Only these ever reach SQL text, always back-quoted;
 * values are bound as parameters.
 */
public record Identifier(String name) {

  /** MariaDB's limit for database, table, column and index names, in characters. */
  public static final int MAX_LENGTH = 64;

  public Identifier {
    String problem = problem(name);
    if (problem != null) {
      throw new ConfigException("'" + printable(name) + "' is not a valid table or column name: " + problem
          + "; give the bare name, e.g. --table avatars --column path"
          + (name != null && name.indexOf('.') >= 0 ? " (the database is the DATABASE argument)" : ""));
    }
  }

  /**
   * Why {@code name} cannot be used as a database, table or column name; null when it can.
   *
   * <p>Every name reaches SQL back-quoted, so any name MariaDB accepts when quoted is accepted (letters of any
   * script, digits, digits alone, {@code _ $ - ; ' "}, spaces...), except for what MariaDB itself refuses (NUL,
   * characters beyond U+FFFF, a trailing space, more than 64 characters) and a few characters this tool refuses
   * although MariaDB would take them:
   * <ul>
   *   <li>the back-quote, the one character that could end a back-quoted name and so change a statement; such a
   *       name would need its back-quotes doubled everywhere it is written, and one given with back-quotes around
   *       it ({@code `avatars`}) is a mistake to point out, not a name;
   *   <li>{@code .}, since names are shown and locked as {@code database.table}, and {@code --table db.avatars}
   *       is a mistake (the database is the DATABASE argument);
   *   <li>{@code /} and {@code \}, path and URL separators: the database is the path of a JDBC URL, and such a
   *       name is a path or URL given in the wrong place;
   *   <li>control characters (NUL, tab, new line, escape...) and line separators, which would break the one-line
   *       messages and a terminal, and cannot be typed as part of a name anyway.
   * </ul>
   */
  public static String problem(String name) {
    if (name == null || name.isEmpty()) {
      return "it is empty";
    }
    for (char refused : new char[] {'`', '.', '/', '\\'}) {
      if (name.indexOf(refused) >= 0) {
        return "it holds " + (refused == '`' ? "a back-quote (`)" : "'" + refused + "'") + ", which avatarMigrate"
            + " refuses in names";
      }
    }
    for (int i = 0; i < name.length(); i++) {
      char ch = name.charAt(i);
      if (Character.isSurrogate(ch)) {
        return "MariaDB names cannot hold characters beyond U+FFFF (" + codePoint(name.codePointAt(i)) + ")";
      }
      int type = Character.getType(ch);
      if (type == Character.CONTROL || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR) {
        return "it holds the control character " + codePoint(ch);
      }
    }
    if (name.length() > MAX_LENGTH) {
      return "it is longer than MariaDB's " + MAX_LENGTH + " characters";
    }
    if (name.endsWith(" ")) {
      return "MariaDB names cannot end with a space";
    }
    return null;
  }

  /** The identifier back-quoted for SQL text. */
  public String quoted() {
    return quote(name);
  }

  /**
   * {@code name} back-quoted for SQL text. A back-quote in it is doubled, as MariaDB reads it, though a validated
   * name never holds one.
   */
  public static String quote(String name) {
    return "`" + name.replace("`", "``") + "`";
  }

  /** {@code text} with control characters and line separators shown as U+XXXX: fit for a one-line message. */
  static String printable(String text) {
    if (text == null) {
      return "null";
    }
    StringBuilder out = new StringBuilder(text.length());
    text.codePoints().forEach(cp -> {
      int type = Character.getType(cp);
      if (type == Character.CONTROL || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR
          || type == Character.SURROGATE) {
        out.append(codePoint(cp));
      } else {
        out.appendCodePoint(cp);
      }
    });
    return out.toString();
  }

  private static String codePoint(int cp) {
    return String.format("U+%04X", cp);
  }

  @Override
  public String toString() {
    return name;
  }
}
