package dev.avatarmigrate.cli;

import dev.avatarmigrate.config.ConfigSource;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Option defaults from the environment and {@code .env}: {@code --on-conflict} reads
 * {@code AVATARMIGRATE_ON_CONFLICT}; the AWS options read the standard AWS variables. Flags still win.
 */
final class EnvDefaults implements IDefaultValueProvider {
  private static final Map<String, String> STANDARD = Map.of(
      "--endpoint-url", "AWS_ENDPOINT_URL",
      "--region", "AWS_REGION",
      "--profile", "AWS_PROFILE");

  private final ConfigSource config;

  EnvDefaults(ConfigSource config) {
    this.config = config;
  }

  static String keyFor(String longName) {
    String standard = STANDARD.get(longName);
    if (standard != null) {
      return standard;
    }
    return "AVATARMIGRATE_" + longName.replaceFirst("^--", "").replace('-', '_').toUpperCase(Locale.ROOT);
  }

  @Override
  public String defaultValue(ArgSpec arg) {
    if (!(arg instanceof OptionSpec option) || option.usageHelp() || option.versionHelp()) {
      return null;
    }
    if (option.longestName().equals("--env-file")) {
      return null; // read before parsing, from the real environment: see Cli
    }
    if (option.arity().max() == 0) {
      // Switches such as --dry-run or --keep-source are said on the command line, never left in a file.
      return option.defaultValue();
    }
    String key = keyFor(option.longestName());
    if ("AWS_PROFILE".equals(key) && config.get("AWS_ACCESS_KEY_ID").isPresent()
        && config.get("AWS_SECRET_ACCESS_KEY").isPresent()) {
      // Keys in the environment (or .env) win over AWS_PROFILE, as in the AWS CLI and the SDK's chain: a profile
      // left exported must not send the run to another account. --profile on the command line still wins.
      return option.defaultValue();
    }
    String value = config.get(key).orElse(null);
    if (value == null && "AWS_REGION".equals(key)) {
      value = config.get("AWS_DEFAULT_REGION").orElse(null);
    }
    return value != null ? value : option.defaultValue();
  }
}
