package dev.avatarmigrate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {

  private static String string(String s) {
    StringBuilder b = new StringBuilder();
    Json.string(b, s);
    return b.toString();
  }

  @Test
  void escapesQuotesAndBackslashes() {
    assertEquals("\"say \\\"hi\\\"\"", string("say \"hi\""));
    assertEquals("\"C:\\\\avatars\\\\1.png\"", string("C:\\avatars\\1.png"));
  }

  @Test
  void escapesControlCharacters() {
    assertEquals("\"a\\nb\\rc\\td\"", string("a\nb\rc\td"));
    assertEquals("\"\\u0000\\u0001\\u001f\\u0008\"", string("\u0000\u0001\u001f\b"));
    assertEquals("\"\\u000c\"", string("\f"));
  }

  @Test
  void escapesTheJavaScriptLineSeparators() {
    assertEquals("\"\\u2028\\u2029\"", string("\u2028\u2029"));
  }

  @Test
  void keepsOtherUnicodeAsItIs() {
    assertEquals("\"avatar-é-\uFF61-\uD83D\uDE00.png\"", string("avatar-é-\uFF61-\uD83D\uDE00.png"));
    assertEquals("\"\u007f\"", string("\u007f"));
  }

  @Test
  void writesAFlatObjectInInsertionOrderWithTypedValues() {
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("key", "image/avatar-1.png");
    line.put("size", 1234L);
    line.put("rows", 2);
    line.put("source_deleted", true);
    line.put("etag", null);
    line.put("rate", 12.5);
    line.put("quote\"key", "v");
    assertEquals("{\"key\":\"image/avatar-1.png\",\"size\":1234,\"rows\":2,\"source_deleted\":true,\"etag\":null,"
        + "\"rate\":12.5,\"quote\\\"key\":\"v\"}", Json.object(line));
  }

  @Test
  void nestsMapsAndQuotesOtherObjectsAsStrings() {
    Map<String, Object> inner = new LinkedHashMap<>();
    inner.put("listed", 3);
    inner.put("path", java.nio.file.Path.of("a", "b"));
    assertEquals("{\"summary\":{\"listed\":3,\"path\":\"a/b\"}}", Json.object(Map.of("summary", inner)));
    assertEquals("{}", Json.object(Map.of()));
  }
}
