package dev.avatarmigrate.config;

import java.util.regex.Pattern;

/**
 * A validated SQL identifier (table or column). Only these ever reach SQL text, always back-quoted;
 * values are bound as parameters.
 */
public record Identifier(String name) {

  // Unquoted MariaDB identifiers: letters, digits, '_' and '$', at most 64 characters. Anything wider
  // (quotes, dots, spaces) is refused rather than escaped, so no user text can change a statement.
  // MariaDB also allows a leading digit (2020avatars), though not digits alone.
  private static final Pattern VALID = Pattern.compile("(?![0-9]+$)[A-Za-z0-9_$]{1,64}");

  public Identifier {
    if (name == null || !VALID.matcher(name).matches()) {
      throw new ConfigException("'" + name + "' is not a valid table or column name: use letters, digits"
          + " and _ (at most 64), e.g. --table avatars --column path");
    }
  }

  /** The identifier back-quoted for SQL text. */
  public String quoted() {
    return "`" + name + "`";
  }

  @Override
  public String toString() {
    return name;
  }
}
