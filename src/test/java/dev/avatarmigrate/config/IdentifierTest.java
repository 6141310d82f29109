package dev.avatarmigrate.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IdentifierTest {

  @ParameterizedTest
  @ValueSource(strings = {"avatars", "path", "user_avatars", "_tmp", "T1", "a$b", "Avatars2024", "2020avatars"})
  void acceptsPlainIdentifiersAndBackQuotesThem(String name) {
    Identifier id = new Identifier(name);
    assertEquals(name, id.name());
    assertEquals(name, id.toString());
    assertEquals("`" + name + "`", id.quoted());
  }

  /**
   * Every name reaches SQL back-quoted, so whatever MariaDB accepts in a quoted name is usable: a dash, digits
   * alone, letters of any script, spaces, even quotes and semicolons, which inside back-quotes are just characters.
   */
  @ParameterizedTest
  @ValueSource(strings = {"user-avatars", "probe-dash", "$avatars", "a-$-b", "2020", "1e5", "pâth", "übung_ß",
      "Ωμέγα", "日本語", " leading", "user avatars", "avatars;drop", "it's", "\"x\"", "avatars--", "avatars)",
      "a#b", "a?b", "a&b=c", "a\u00a0b"})
  void acceptsEveryNameMariaDbAcceptsQuotedAndBackQuotesItWhole(String name) {
    Identifier id = new Identifier(name);
    assertEquals(name, id.name());
    assertEquals("`" + name + "`", id.quoted());
  }

  @Test
  void acceptsSixtyFourCharactersButNotSixtyFive() {
    assertEquals(64, new Identifier("a".repeat(64)).name().length());
    assertThrows(ConfigException.class, () -> new Identifier("a".repeat(65)));
    // MariaDB counts characters, not bytes: 64 two-byte letters are a legal name.
    assertEquals(64, new Identifier("é".repeat(64)).name().length());
    assertThrows(ConfigException.class, () -> new Identifier("é".repeat(65)));
  }

  /**
   * A back-quote is the one character that could end a back-quoted name and go on as SQL: refused, not escaped.
   * '.', '/' and '\' are refused too (database.table, paths and URLs in the wrong place), and what MariaDB itself
   * refuses: a trailing space, characters beyond U+FFFF, NUL; control characters would break the one-line messages.
   */
  @ParameterizedTest
  @ValueSource(strings = {"`avatars`", "ava`tars", "a` (x) ; DROP TABLE t; -- ", "db.avatars", "a/b", "a\\b",
      "avatars ", "", "emoji\uD83D\uDE00", "a\u0000b", "a\tb", "a\nb", "a\rb", "a\u001b[31mb", "a\u007fb",
      "a\u0085b", "a\u2028b", "a\uD800b"})
  void refusesWhatCouldChangeAStatementOrThatMariaDbRefuses(String name) {
    ConfigException e = assertThrows(ConfigException.class, () -> new Identifier(name));
    assertTrue(e.getMessage().contains("is not a valid table or column name"), e.getMessage());
    assertTrue(e.getMessage().contains("--table avatars --column path"), e.getMessage());
    assertEquals(1, e.getMessage().lines().count(), "one line: " + e.getMessage());
    assertFalse(e.getMessage().chars().anyMatch(Character::isISOControl), e.getMessage());
  }

  @Test
  void theMessageSaysWhatIsWrong() {
    assertTrue(assertThrows(ConfigException.class, () -> new Identifier("`user-avatars`")).getMessage()
        .contains("back-quote"));
    assertTrue(assertThrows(ConfigException.class, () -> new Identifier("app.avatars")).getMessage()
        .contains("'.'"));
    assertTrue(assertThrows(ConfigException.class, () -> new Identifier("avatars ")).getMessage()
        .contains("cannot end with a space"));
    assertTrue(assertThrows(ConfigException.class, () -> new Identifier("a\tb")).getMessage()
        .contains("'a U+0009b'".replace(" ", "")), "the tab is shown, not printed");
  }

  @Test
  void quoteDoublesABackQuoteThoughNoValidatedNameHoldsOne() {
    assertEquals("`a``b`", Identifier.quote("a`b"));
    assertNull(Identifier.problem("probe-dash"));
  }

  @Test
  void refusesNull() {
    assertThrows(ConfigException.class, () -> new Identifier(null));
  }
}
