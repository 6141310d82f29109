package dev.avatarmigrate.cli;

import dev.avatarmigrate.config.ByteSize;
import dev.avatarmigrate.config.ConfigException;
import dev.avatarmigrate.config.CopySettings;
import dev.avatarmigrate.config.DatabaseTarget;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.s3.model.ObjectCannedACL;
import software.amazon.awssdk.services.s3.model.StorageClass;

/** Parsing of option values, each with a one-line error that says what to write instead. */
final class Options {
  private static final long MIN_PART = 5L << 20; // 5 MiB: S3's smallest part (but the last)
  private static final long MAX_PART = 512L << 20; // 512 MiB: few parts, each retried cheaply
  private static final int MAX_RATE = 1_000_000; // far above what one machine moves; a typo's zeros stop here

  private Options() {}

  static <E extends Enum<E>> E choice(String option, String value, Class<E> type) {
    try {
      return Enum.valueOf(type, value.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
    } catch (IllegalArgumentException e) {
      String allowed = Arrays.stream(type.getEnumConstants()).map(c -> c.name().toLowerCase(Locale.ROOT))
          .collect(Collectors.joining("|"));
      throw new ConfigException(option + " '" + value + "' is not one of " + allowed);
    }
  }

  static int positive(String option, String value, int max) {
    try {
      int n = Integer.parseInt(value.trim());
      if (n < 1 || n > max) {
        throw new ConfigException(option + " must be between 1 and " + max + ", not " + n);
      }
      return n;
    } catch (NumberFormatException e) {
      throw new ConfigException(option + " '" + value + "' is not a whole number");
    }
  }

  /** Objects a second, 0 for no limit. */
  static int rate(String option, String value) {
    try {
      int n = Integer.parseInt(value.trim());
      if (n < 0 || n > MAX_RATE) {
        throw new ConfigException(option + " must be 0 (no limit) or 1 to " + MAX_RATE + " objects a second, not " + n);
      }
      return n;
    } catch (NumberFormatException e) {
      throw new ConfigException(option + " '" + value + "' is not a whole number of objects a second");
    }
  }

  /**
   * The {@code --replica} values: {@code HOST[:PORT]} (the primary's database, login and URL settings on that
   * server; its port unless given), several separated by commas, or one {@code jdbc:mariadb://} URL a value (a
   * URL is never split: its password may hold a comma). Messages never show a value's password.
   */
  static List<DatabaseTarget> replicas(List<String> values, DatabaseTarget primary) {
    if (values == null) {
      return List.of();
    }
    List<DatabaseTarget> replicas = new ArrayList<>();
    for (String raw : values) {
      String trimmed = raw.trim();
      if (!trimmed.regionMatches(true, 0, "jdbc:", 0, 5) && trimmed.toLowerCase(Locale.ROOT).contains("jdbc:")) {
        // Split at its commas, a URL's password would become a host name: each URL is a value of its own.
        throw new ConfigException("--replica: give each jdbc:mariadb:// URL as a --replica of its own, not after"
            + " a host and a comma");
      }
      List<String> entries = trimmed.regionMatches(true, 0, "jdbc:", 0, 5) ? List.of(trimmed)
          : Arrays.stream(trimmed.split(",")).map(String::trim).filter(e -> !e.isEmpty()).toList();
      for (String value : entries) {
        DatabaseTarget replica;
        if (value.regionMatches(true, 0, "jdbc:", 0, 5)) {
          try {
            replica = DatabaseTarget.parse(value, null, 3306, primary.user(), primary.password());
          } catch (ConfigException e) {
            throw new ConfigException("--replica '" + DatabaseTarget.redact(value)
                + "' is not HOST[:PORT] or a jdbc:mariadb://host:3306/db URL");
          }
          if (replica.servers() != 1) {
            // The driver would connect to the first server alone, and the others would never be asked.
            throw new ConfigException("--replica " + replica.displayUrl() + " names several servers: give each"
                + " replica its own --replica");
          }
        } else {
          var m = HOST_PORT.matcher(value);
          if (!m.matches()) {
            throw new ConfigException("--replica '" + DatabaseTarget.redact(value).replaceFirst("^[^/@\\s]*@", "***@")
                + "' is not HOST[:PORT] or a jdbc:mariadb://host:3306/db URL");
          }
          int port = m.group(2) == null ? primary.port() : replicaPort(value, m.group(2));
          replica = primary.onServer(m.group(1) + ":" + port);
        }
        if (replica.jdbcUrl().equals(primary.jdbcUrl())) {
          throw new ConfigException("--replica " + replica.displayUrl() + " is the DATABASE itself: name its replicas");
        }
        replicas.add(replica);
      }
    }
    return List.copyOf(replicas);
  }

  private static final Pattern HOST_PORT = Pattern.compile("([A-Za-z0-9._-]+|\\[[0-9A-Fa-f:.]+\\])(?::([0-9]+))?");

  private static int replicaPort(String value, String port) {
    try {
      int n = Integer.parseInt(port);
      if (n >= 1 && n <= 65535) {
        return n;
      }
    } catch (NumberFormatException e) {
      // too many digits: refused below
    }
    throw new ConfigException("--replica '" + value + "': " + port + " is not a port number (1-65535)");
  }

  static int port(String value) {
    try {
      int n = Integer.parseInt(value.trim());
      if (n < 1 || n > 65535) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new ConfigException("DB_PORT '" + value + "' is not a port number (1-65535)");
    }
  }

  static boolean bool(String option, String value) {
    return switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "true", "yes", "1", "on" -> true;
      case "false", "no", "0", "off" -> false;
      default -> throw new ConfigException(option + " '" + value + "' is not true or false");
    };
  }

  static URI endpoint(String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    try {
      URI uri = new URI(value.trim());
      if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
          || uri.getHost() == null) {
        throw new URISyntaxException(value, "not http(s)://host[:port]");
      }
      return uri;
    } catch (URISyntaxException e) {
      throw new ConfigException("--endpoint-url '" + value + "' is not an http(s)://host:port URL");
    }
  }

  static String sse(String sse, String kmsKey) {
    if (sse == null || sse.isBlank()) {
      if (kmsKey != null && !kmsKey.isBlank()) {
        throw new ConfigException("--sse-kms-key-id needs --sse aws:kms (or aws:kms:dsse)");
      }
      return null;
    }
    String v = sse.trim();
    if (!v.equals("AES256") && !v.equals("aws:kms") && !v.equals("aws:kms:dsse")) {
      throw new ConfigException("--sse '" + sse + "' is not AES256, aws:kms or aws:kms:dsse");
    }
    if (v.equals("AES256") && kmsKey != null && !kmsKey.isBlank()) {
      throw new ConfigException("--sse-kms-key-id goes with --sse aws:kms or aws:kms:dsse, not AES256");
    }
    return v;
  }

  /** Parts as large as the threshold, within S3's part limits. */
  static long partSize(long threshold) {
    return Math.max(MIN_PART, Math.min(MAX_PART, threshold));
  }

  /** At most what one CopyObject may copy: an object above the threshold but within it would fail every time. */
  static long multipartThreshold(String value) {
    long threshold;
    try {
      threshold = ByteSize.parse(value);
    } catch (ConfigException e) {
      throw new ConfigException("--multipart-threshold: " + e.getMessage());
    }
    if (threshold > CopySettings.COPY_OBJECT_LIMIT) {
      throw new ConfigException("--multipart-threshold '" + value + "' is above 5GiB, the most one CopyObject copies");
    }
    return threshold;
  }

  /**
   * A storage class S3 knows whose objects can be read at once, so a typo fails here rather than on every copy.
   * GLACIER and DEEP_ARCHIVE copies need a restore before a GET: rows pointing at them would point at avatars
   * the service cannot read.
   */
  static String storageClass(String value) {
    if (value != null && List.of("GLACIER", "DEEP_ARCHIVE").contains(value.trim())) {
      throw new ConfigException("--storage-class " + value.trim() + ": such copies cannot be read without a restore,"
          + " and rows would point at them; use one of " + String.join(", ", READABLE_STORAGE_CLASSES));
    }
    return known("--storage-class", value, READABLE_STORAGE_CLASSES);
  }

  private static final List<String> READABLE_STORAGE_CLASSES = List.of(StorageClass.STANDARD, StorageClass.STANDARD_IA,
      StorageClass.ONEZONE_IA, StorageClass.INTELLIGENT_TIERING, StorageClass.GLACIER_IR,
      StorageClass.REDUCED_REDUNDANCY).stream().map(StorageClass::toString).toList();

  /** A canned ACL S3 knows. */
  static String acl(String value) {
    return known("--acl", value, ObjectCannedACL.knownValues().stream().map(ObjectCannedACL::toString).toList());
  }

  private static String known(String option, String value, List<String> allowed) {
    if (value == null || value.isBlank()) {
      return null;
    }
    String v = value.trim();
    if (!allowed.contains(v)) {
      throw new ConfigException(option + " '" + v + "' is not one of " + String.join(", ", allowed.stream().sorted().toList()));
    }
    return v;
  }
}
