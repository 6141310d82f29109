package dev.avatarmigrate.config;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses sizes such as {@code 5GiB}, {@code 100MB}, {@code 64k} or plain bytes. */
public final class ByteSize {
  private static final Pattern SIZE =
      Pattern.compile("(\\d+)\\s*(b|k|kb|kib|m|mb|mib|g|gb|gib|t|tb|tib)?", Pattern.CASE_INSENSITIVE);

  private ByteSize() {}

  public static long parse(String text) {
    Matcher m = SIZE.matcher(text == null ? "" : text.trim());
    if (!m.matches()) {
      throw new ConfigException("'" + text + "' is not a size: write bytes or a number with a unit,"
          + " e.g. 5GiB, 100MB, 8MiB");
    }
    String unit = m.group(2) == null ? "b" : m.group(2).toLowerCase(Locale.ROOT);
    long multiplier = switch (unit) {
      case "b" -> 1L;
      case "k", "kib" -> 1L << 10;
      case "kb" -> 1_000L;
      case "m", "mib" -> 1L << 20;
      case "mb" -> 1_000_000L;
      case "g", "gib" -> 1L << 30;
      case "gb" -> 1_000_000_000L;
      case "t", "tib" -> 1L << 40;
      case "tb" -> 1_000_000_000_000L;
      default -> throw new ConfigException("unknown size unit in '" + text + "'");
    };
    try {
      long value = Math.multiplyExact(Long.parseLong(m.group(1)), multiplier);
      if (value <= 0) {
        throw new ConfigException("size '" + text + "' must be greater than zero");
      }
      return value;
    } catch (ArithmeticException | NumberFormatException e) {
      throw new ConfigException("size '" + text + "' is too large");
    }
  }

  /** A short human form: 1.5 GiB, 12.0 MiB, 512 B. */
  public static String format(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB"};
    double value = bytes;
    int unit = -1;
    while (value >= 1024 && unit < units.length - 1) {
      value /= 1024;
      unit++;
    }
    return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
  }
}
