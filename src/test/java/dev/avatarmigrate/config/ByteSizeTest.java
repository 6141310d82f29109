package dev.avatarmigrate.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ByteSizeTest {

  @ParameterizedTest
  @CsvSource({
      "512, 512",
      "512b, 512",
      "64k, 65536",
      "64KiB, 65536",
      "64kb, 64000",
      "8MiB, 8388608",
      "8m, 8388608",
      "100MB, 100000000",
      "5GiB, 5368709120",
      "5gb, 5000000000",
      "2TiB, 2199023255552",
      "1tb, 1000000000000",
      "' 5 GiB ', 5368709120"})
  void parsesBinaryAndDecimalUnitsCaseInsensitively(String text, long bytes) {
    assertEquals(bytes, ByteSize.parse(text));
  }

  @ParameterizedTest
  @ValueSource(strings = {"abc", "", "-1", "1.5GiB", "5 GiBs", "GiB", "5PiB"})
  void refusesWhatIsNotASize(String text) {
    ConfigException e = assertThrows(ConfigException.class, () -> ByteSize.parse(text));
    assertTrue(e.getMessage().contains("e.g. 5GiB"), e.getMessage());
  }

  @Test
  void refusesZeroAndOverflow() {
    assertTrue(assertThrows(ConfigException.class, () -> ByteSize.parse("0")).getMessage().contains("greater than zero"));
    assertTrue(assertThrows(ConfigException.class, () -> ByteSize.parse("9999999TiB")).getMessage().contains("too large"));
    assertTrue(assertThrows(ConfigException.class, () -> ByteSize.parse("99999999999999999999"))
        .getMessage().contains("too large"));
    assertThrows(ConfigException.class, () -> ByteSize.parse(null));
  }

  @ParameterizedTest
  @CsvSource({
      "0, 0 B",
      "1023, 1023 B",
      "1024, 1.0 KiB",
      "1536, 1.5 KiB",
      "12582912, 12.0 MiB",
      "5368709120, 5.0 GiB",
      "1099511627776, 1.0 TiB",
      "1125899906842624, 1.0 PiB",
      "2251799813685248000, 2000.0 PiB"})
  void formatsAShortHumanSize(long bytes, String text) {
    assertEquals(text, ByteSize.format(bytes));
  }
}
