package dev.avatarmigrate.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
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

  @Test
  void acceptsSixtyFourCharactersButNotSixtyFive() {
    assertEquals(64, new Identifier("a".repeat(64)).name().length());
    assertThrows(ConfigException.class, () -> new Identifier("a".repeat(65)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"avatars;drop", "a b", "`avatars`", "ava`tars", "db.avatars", "avatars--", "2020",
      "'x'", "\"x\"", "avatars)", "", "pâth"})
  void refusesAnythingThatCouldChangeAStatement(String name) {
    ConfigException e = assertThrows(ConfigException.class, () -> new Identifier(name));
    assertTrue(e.getMessage().contains("--table avatars --column path"), e.getMessage());
  }

  @Test
  void refusesNull() {
    assertThrows(ConfigException.class, () -> new Identifier(null));
  }
}
