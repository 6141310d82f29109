package dev.avatarmigrate.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class KeyOrderTest {
  // U+FF61 lies in the Basic Multilingual Plane; U+1F600 beyond it, written in UTF-16 as the surrogate
  // pair D83D DE00, which sorts below FF61 as UTF-16 units but above it as code points (and UTF-8 bytes).
  private static final String HALFWIDTH = "avatar-\uFF61.png";
  private static final String EMOJI = "avatar-\uD83D\uDE00.png";

  @Test
  void ordersSupplementaryCharactersByCodePointNotByUtf16Unit() {
    assertTrue(EMOJI.compareTo(HALFWIDTH) < 0, "precondition: UTF-16 order puts the surrogate pair first");
    assertTrue(KeyOrder.compare(EMOJI, HALFWIDTH) > 0);
    assertTrue(KeyOrder.compare(HALFWIDTH, EMOJI) < 0);
  }

  @Test
  void agreesWithS3sUtf8ByteOrder() {
    List<String> keys = new ArrayList<>(List.of(EMOJI, HALFWIDTH, "avatar-a.png", "avatar-\u00e9.png",
        "avatar-", "avatar-a", "avatar-Z.png", "avatar-\uD83D\uDE00", "avatar-\uE000.png"));
    List<String> byKeyOrder = new ArrayList<>(keys);
    byKeyOrder.sort(KeyOrder.S3);
    List<String> byUtf8 = new ArrayList<>(keys);
    byUtf8.sort(FakeObjectStore.UTF8_ORDER);
    assertEquals(byUtf8, byKeyOrder);
  }

  @Test
  void equalKeysCompareEqualAndAPrefixSortsFirst() {
    assertEquals(0, KeyOrder.compare(EMOJI, new String(EMOJI)));
    assertTrue(KeyOrder.compare("avatar-1", "avatar-1.png") < 0);
    assertTrue(KeyOrder.compare("avatar-1.png", "avatar-1") > 0);
    assertEquals(0, KeyOrder.compare("", ""));
  }
}
