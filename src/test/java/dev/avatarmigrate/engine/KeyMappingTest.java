package dev.avatarmigrate.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.avatarmigrate.config.BucketLocation;
import org.junit.jupiter.api.Test;

class KeyMappingTest {
  private final KeyMapping mapping = new KeyMapping(new BucketLocation("legacy-s3", "image/"),
      new BucketLocation("production-s3", "avatar/"), "avatar-");

  @Test
  void swapsTheSourcePrefixForTheTargetPrefixAndKeepsTheName() {
    assertEquals("avatar/avatar-32425.png", mapping.targetKey("image/avatar-32425.png"));
    assertEquals("avatar/avatar-a/b.png", mapping.targetKey("image/avatar-a/b.png"));
  }

  @Test
  void mapsBackFromTargetToSource() {
    assertEquals("image/avatar-32425.png", mapping.sourceKey("avatar/avatar-32425.png"));
    assertEquals("image/avatar-x.png", mapping.sourceKey(mapping.targetKey("image/avatar-x.png")));
  }

  @Test
  void listsTheSourcePrefixTogetherWithTheNameFilter() {
    assertEquals("image/avatar-", mapping.listPrefix());
    assertEquals("image/avatar-", mapping.legacyPathPrefix());
  }

  @Test
  void matchesOnlyNamesThatStartWithTheFilterAndAreNotFolderMarkers() {
    assertTrue(mapping.matches("image/avatar-1.png"));
    assertFalse(mapping.matches("image/banner-1.png"));
    assertFalse(mapping.matches("image/sub/avatar-1.png"));
    assertFalse(mapping.matches("images/avatar-1.png"));
    assertFalse(mapping.matches("avatar/avatar-1.png"));
    assertFalse(mapping.matches("image/avatar-folder/"));
  }

  @Test
  void refusesAKeyOutsideTheSourcePrefix() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> mapping.targetKey("other/avatar-1.png"));
    assertTrue(e.getMessage().contains("other/avatar-1.png"));
  }

  @Test
  void aBucketRootSourceMapsTheWholeKey() {
    KeyMapping fromRoot = new KeyMapping(new BucketLocation("legacy-s3", ""),
        new BucketLocation("production-s3", "avatar/"), "");
    assertEquals("avatar/avatar-1.png", fromRoot.targetKey("avatar-1.png"));
    assertEquals("", fromRoot.listPrefix());
    assertTrue(fromRoot.matches("anything.png"));
  }
}
