package dev.avatarmigrate.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BucketLocationTest {

  @Test
  void aBareBucketNameTakesTheDefaultPrefix() {
    assertEquals(new BucketLocation("legacy-s3", "image/"), BucketLocation.parse("legacy-s3", "image/", "SOURCE"));
    assertEquals(new BucketLocation("production-s3", "avatar/"),
        BucketLocation.parse("production-s3", "avatar/", "TARGET"));
  }

  @Test
  void anS3UriMeansExactlyItsPrefixWithATrailingSlash() {
    assertEquals(new BucketLocation("legacy-s3", "old/image/"),
        BucketLocation.parse("s3://legacy-s3/old/image/", "image/", "SOURCE"));
    BucketLocation noSlash = BucketLocation.parse("s3://legacy-s3/old/image", "image/", "SOURCE");
    assertEquals("old/image/", noSlash.prefix());
    assertEquals("s3://legacy-s3/old/image/", noSlash.toString());
  }

  @Test
  void anS3UriWithoutAPathIsTheBucketRoot() {
    assertEquals("", BucketLocation.parse("s3://legacy-s3", "image/", "SOURCE").prefix());
    assertEquals("", BucketLocation.parse("s3://legacy-s3/", "image/", "SOURCE").prefix());
    assertEquals("s3://legacy-s3/", BucketLocation.parse("s3://legacy-s3", "image/", "SOURCE").toString());
  }

  @Test
  void acceptsDotsDigitsAndHyphensInBucketNames() {
    assertEquals("my.bucket-01", BucketLocation.parse("my.bucket-01", "image/", "SOURCE").bucket());
  }

  @ParameterizedTest
  @ValueSource(strings = {"s3://", "s3:/x", "http://x/y", "a", "_legacy", "b/c", "s3://bucket//x", "s3:///image/",
      "s3://ab", "-bucket", "bucket-", "legacy s3", "s3://Legacy:x/image/", " ", ""})
  void refusesMalformedLocationsWithAHelpfulMessage(String text) {
    ConfigException e = assertThrows(ConfigException.class, () -> BucketLocation.parse(text, "image/", "SOURCE"));
    assertTrue(e.getMessage().contains("s3://"), e.getMessage());
    assertTrue(!e.getMessage().contains("\n"), "one line: " + e.getMessage());
  }

  @Test
  void namesTheArgumentAndTheFaultyTextInTheMessage() {
    ConfigException notS3 = assertThrows(ConfigException.class,
        () -> BucketLocation.parse("http://x/y", "avatar/", "TARGET"));
    assertTrue(notS3.getMessage().startsWith("TARGET 'http://x/y'"), notS3.getMessage());

    ConfigException slash = assertThrows(ConfigException.class, () -> BucketLocation.parse("b/c", "image/", "SOURCE"));
    assertTrue(slash.getMessage().contains("SOURCE 'b/c'"), slash.getMessage());

    ConfigException noBucket = assertThrows(ConfigException.class, () -> BucketLocation.parse("s3://", "image/", "SOURCE"));
    assertTrue(noBucket.getMessage().contains("names no bucket"), noBucket.getMessage());

    ConfigException edge = assertThrows(ConfigException.class, () -> BucketLocation.parse("-bucket", "image/", "SOURCE"));
    assertTrue(edge.getMessage().contains("'-bucket' is not a valid bucket name"), edge.getMessage());

    // A legacy us-east-1 bucket may have capitals and underscores.
    assertEquals("s3://Legacy_Avatars/image/", BucketLocation.parse("Legacy_Avatars", "image/", "SOURCE").toString());

    ConfigException doubled = assertThrows(ConfigException.class,
        () -> BucketLocation.parse("s3://bucket//x", "image/", "SOURCE"));
    assertTrue(doubled.getMessage().contains("//"), doubled.getMessage());
  }

  @Test
  void anEmptyArgumentIsNamed() {
    ConfigException e = assertThrows(ConfigException.class, () -> BucketLocation.parse(null, "image/", "TARGET"));
    assertTrue(e.getMessage().startsWith("TARGET is empty"), e.getMessage());
  }
}
