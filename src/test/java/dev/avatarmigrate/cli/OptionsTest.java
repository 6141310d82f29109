package dev.avatarmigrate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.avatarmigrate.config.ConfigException;
import dev.avatarmigrate.config.DatabaseTarget;
import dev.avatarmigrate.config.Method;
import dev.avatarmigrate.config.OnConflict;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OptionsTest {

  @Test
  void aChoiceIsCaseInsensitiveAndTrimmed() {
    assertEquals(Method.SYNC, Options.choice("--method", "sync", Method.class));
    assertEquals(Method.OBJECT, Options.choice("--method", " OBJECT ", Method.class));
    assertEquals(OnConflict.OVERWRITE, Options.choice("--on-conflict", "Overwrite", OnConflict.class));
  }

  @Test
  void anUnknownChoiceListsTheAllowedValues() {
    ConfigException e = assertThrows(ConfigException.class, () -> Options.choice("--method", "fast", Method.class));
    assertEquals("--method 'fast' is not one of object|sync", e.getMessage());
    ConfigException c = assertThrows(ConfigException.class,
        () -> Options.choice("--on-conflict", "replace", OnConflict.class));
    assertEquals("--on-conflict 'replace' is not one of skip|overwrite", c.getMessage());
  }

  @Test
  void storageClassAndAclAreOnesS3KnowsSoATypoFailsBeforeAnyCopy() {
    assertEquals("STANDARD_IA", Options.storageClass(" STANDARD_IA "));
    assertNull(Options.storageClass(null));
    assertEquals("bucket-owner-full-control", Options.acl("bucket-owner-full-control"));
    ConfigException typo = assertThrows(ConfigException.class, () -> Options.storageClass("STANDARD-IA"));
    assertTrue(typo.getMessage().startsWith("--storage-class 'STANDARD-IA' is not one of "), typo.getMessage());
    assertTrue(typo.getMessage().contains("STANDARD_IA"), typo.getMessage());
    assertTrue(assertThrows(ConfigException.class, () -> Options.acl("bogus")).getMessage()
        .startsWith("--acl 'bogus' is not one of "));
    // Copies the live service could not read without a restore are refused.
    assertTrue(assertThrows(ConfigException.class, () -> Options.storageClass("GLACIER")).getMessage()
        .contains("cannot be read without a restore"));
    assertThrows(ConfigException.class, () -> Options.storageClass("DEEP_ARCHIVE"));
    assertEquals("GLACIER_IR", Options.storageClass("GLACIER_IR"));
  }

  @Test
  void theMultipartThresholdIsAtMostWhatOneCopyObjectCopies() {
    assertEquals(5L << 30, Options.multipartThreshold("5GiB"));
    assertEquals(5L << 20, Options.multipartThreshold("5MiB"));
    assertEquals("--multipart-threshold '6GiB' is above 5GiB, the most one CopyObject copies",
        assertThrows(ConfigException.class, () -> Options.multipartThreshold("6GiB")).getMessage());
  }

  @Test
  void aPositiveNumberIsBetweenOneAndTheMaximum() {
    assertEquals(1, Options.positive("--concurrency", "1", 1024));
    assertEquals(1024, Options.positive("--concurrency", " 1024 ", 1024));
    assertEquals("--concurrency must be between 1 and 1024, not 0",
        assertThrows(ConfigException.class, () -> Options.positive("--concurrency", "0", 1024)).getMessage());
    assertThrows(ConfigException.class, () -> Options.positive("--concurrency", "-3", 1024));
    assertThrows(ConfigException.class, () -> Options.positive("--concurrency", "1025", 1024));
    assertEquals("--concurrency 'many' is not a whole number",
        assertThrows(ConfigException.class, () -> Options.positive("--concurrency", "many", 1024)).getMessage());
    assertThrows(ConfigException.class, () -> Options.positive("--concurrency", "2.5", 1024));
  }

  @Test
  void aMaxRateIsZeroForNoLimitOrAWholeNumberOfObjectsASecond() {
    assertEquals(0, Options.rate("--max-rate", "0"));
    assertEquals(250, Options.rate("--max-rate", " 250 "));
    assertEquals("--max-rate must be 0 (no limit) or 1 to 1000000 objects a second, not -5",
        assertThrows(ConfigException.class, () -> Options.rate("--max-rate", "-5")).getMessage());
    assertThrows(ConfigException.class, () -> Options.rate("--max-rate", "1000001"));
    assertEquals("--max-rate '10/s' is not a whole number of objects a second",
        assertThrows(ConfigException.class, () -> Options.rate("--max-rate", "10/s")).getMessage());
  }

  @Test
  void aReplicaIsAHostWithTheDatabasesNameAndLoginOrAUrl() {
    DatabaseTarget primary = DatabaseTarget.parse("update_db", "db1", 3306, "app", "s3cret");
    List<DatabaseTarget> replicas = Options.replicas(List.of("db2", "db3:3307", "[::1]:3308",
        "jdbc:mariadb://db4:3306/other?user=reader"), primary);
    assertEquals(List.of("jdbc:mariadb://db2:3306/update_db", "jdbc:mariadb://db3:3307/update_db",
        "jdbc:mariadb://[::1]:3308/update_db", "jdbc:mariadb://db4:3306/other?user=reader"),
        replicas.stream().map(DatabaseTarget::jdbcUrl).toList());
    assertEquals(List.of("app", "app", "app", "reader"), replicas.stream().map(DatabaseTarget::user).toList());
    assertTrue(replicas.stream().allMatch(r -> "s3cret".equals(r.password())));
    assertEquals(List.of(), Options.replicas(null, primary));
    assertEquals(List.of(), Options.replicas(List.of(" "), primary));
  }

  @Test
  void replicaHostsTakeThePrimarysUrlSettingsAndPortAndAUrlIsNeverSplit() {
    DatabaseTarget primary = DatabaseTarget.parse(
        "jdbc:mariadb://db1:3307/app?sslMode=verify-full&password=p,w", null, 3306, "app", null);
    List<DatabaseTarget> replicas = Options.replicas(List.of("db2, db3:3310",
        "jdbc:mariadb://db4:3306/app?password=a,b"), primary);
    assertEquals(List.of("jdbc:mariadb://db2:3307/app?sslMode=verify-full&password=p,w",
        "jdbc:mariadb://db3:3310/app?sslMode=verify-full&password=p,w", "jdbc:mariadb://db4:3306/app?password=a,b"),
        replicas.stream().map(DatabaseTarget::jdbcUrl).toList());
  }

  @Test
  void aReplicaUrlNamingSeveralServersIsRefused() {
    DatabaseTarget primary = DatabaseTarget.parse("update_db", "db1", 3306, "app", null);
    for (String several : List.of("jdbc:mariadb://r1,r2/app", "jdbc:mariadb://address=(host=r1),address=(host=r2)/app")) {
      assertTrue(assertThrows(ConfigException.class, () -> Options.replicas(List.of(several), primary)).getMessage()
          .contains("names several servers"), several);
    }
  }

  @Test
  void aBadReplicaIsNamedWithoutItsPassword() {
    DatabaseTarget primary = DatabaseTarget.parse("update_db", "db1", 3306, "app", null);
    for (String bad : List.of("JDBC:postgresql://r1/app?password=hunter2", "mariadb://r1/app?user=u&password=hunter2",
        "admin:hunter2@r1", "r1,jdbc:mariadb://r2:3306/app?password=hun,ter2")) {
      String message = assertThrows(ConfigException.class, () -> Options.replicas(List.of(bad), primary)).getMessage();
      assertFalse(message.contains("hunter2"), message);
      assertTrue(message.startsWith("--replica"), message);
    }
  }

  @Test
  void aReplicaThatIsNotAHostOrIsTheDatabaseItselfIsRefused() {
    DatabaseTarget primary = DatabaseTarget.parse("update_db", "db1", 3306, "app", null);
    assertEquals("--replica 'db2:99999': 99999 is not a port number (1-65535)",
        assertThrows(ConfigException.class, () -> Options.replicas(List.of("db2:99999"), primary)).getMessage());
    assertEquals("--replica 'db2/x' is not HOST[:PORT] or a jdbc:mariadb://host:3306/db URL",
        assertThrows(ConfigException.class, () -> Options.replicas(List.of("db2/x"), primary)).getMessage());
    assertEquals("--replica jdbc:mariadb://db1:3306/update_db is the DATABASE itself: name its replicas",
        assertThrows(ConfigException.class, () -> Options.replicas(List.of("db1:3306"), primary)).getMessage());
  }

  @Test
  void aPortIsBetweenOneAnd65535() {
    assertEquals(3306, Options.port("3306"));
    assertEquals(1, Options.port("1"));
    assertEquals(65535, Options.port(" 65535"));
    for (String bad : new String[] {"0", "65536", "-1", "mysql", ""}) {
      ConfigException e = assertThrows(ConfigException.class, () -> Options.port(bad), bad);
      assertTrue(e.getMessage().startsWith("DB_PORT '" + bad + "'"), e.getMessage());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"true", "TRUE", "yes", "1", "on", " On "})
  void truthyWordsAreTrue(String v) {
    assertTrue(Options.bool("--path-style", v));
  }

  @ParameterizedTest
  @ValueSource(strings = {"false", "no", "0", "off", "OFF"})
  void falsyWordsAreFalse(String v) {
    assertFalse(Options.bool("--path-style", v));
  }

  @Test
  void anythingElseIsNotABoolean() {
    assertEquals("--path-style 'maybe' is not true or false",
        assertThrows(ConfigException.class, () -> Options.bool("--path-style", "maybe")).getMessage());
  }

  @Test
  void anEndpointIsAnHttpOrHttpsUrlWithAHost() {
    assertEquals(URI.create("http://localhost:9000"), Options.endpoint("http://localhost:9000"));
    assertEquals(URI.create("https://s3.example.com"), Options.endpoint(" https://s3.example.com "));
    assertNull(Options.endpoint(null));
    assertNull(Options.endpoint(" "));
    for (String bad : new String[] {"localhost:9000", "ftp://host", "http://", "http:///path", "not a url"}) {
      ConfigException e = assertThrows(ConfigException.class, () -> Options.endpoint(bad), bad);
      assertTrue(e.getMessage().contains("http(s)://host:port"), e.getMessage());
    }
  }

  @Test
  void serverSideEncryptionIsAes256OrKmsWithAnOptionalKey() {
    assertNull(Options.sse(null, null));
    assertNull(Options.sse(" ", ""));
    assertEquals("AES256", Options.sse("AES256", null));
    assertEquals("aws:kms", Options.sse("aws:kms", null));
    assertEquals("aws:kms", Options.sse(" aws:kms ", "alias/avatars"));
    assertEquals("aws:kms:dsse", Options.sse("aws:kms:dsse", "alias/avatars"));
    assertTrue(assertThrows(ConfigException.class, () -> Options.sse("aes256", null)).getMessage()
        .contains("AES256, aws:kms or aws:kms:dsse"));
    assertTrue(assertThrows(ConfigException.class, () -> Options.sse(null, "alias/avatars")).getMessage()
        .contains("needs --sse aws:kms"));
    assertTrue(assertThrows(ConfigException.class, () -> Options.sse("AES256", "alias/avatars")).getMessage()
        .contains("not AES256"));
  }

  @Test
  void aPartIsAsLargeAsTheThresholdWithinS3sLimits() {
    assertEquals(5L << 20, Options.partSize(1L << 20), "S3's smallest part is 5 MiB");
    assertEquals(64L << 20, Options.partSize(64L << 20));
    assertEquals(512L << 20, Options.partSize(5L << 30), "parts stay small enough to retry cheaply");
  }
}
