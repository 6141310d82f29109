package dev.avatarmigrate.config;

import io.github.cdimascio.dotenv.Dotenv;
import io.github.cdimascio.dotenv.DotenvEntry;
import io.github.cdimascio.dotenv.DotenvException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The environment laid over a {@code .env} file: {@code get(key)} answers the environment first, then
 * the file. Flags sit above both, in the command; defaults below both.
 */
public final class ConfigSource {
  private static final java.util.regex.Pattern KEY_VALUE = java.util.regex.Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]*\\s*=");
  private final Map<String, String> values;

  private ConfigSource(Map<String, String> values) {
    this.values = Map.copyOf(values);
  }

  /**
   * Loads {@code envFile} when given (it must then be readable), else {@code .env} in {@code workDir}
   * when it exists, then lays {@code environment} over it.
   */
  public static ConfigSource load(Map<String, String> environment, Path envFile, Path workDir) {
    Map<String, String> merged = new HashMap<>();
    Path file = envFile != null ? envFile : workDir.resolve(".env");
    if (envFile != null && !Files.isReadable(envFile)) {
      throw new ConfigException("--env-file " + envFile + " cannot be read: check the path and its permissions");
    }
    if (Files.isRegularFile(file)) {
      merged.putAll(readDotenv(file));
    } else if (envFile != null) {
      throw new ConfigException("--env-file " + envFile + " is not a file");
    }
    environment.forEach((k, v) -> {
      if (v != null) {
        merged.put(k, v);
      }
    });
    return new ConfigSource(merged);
  }

  public static ConfigSource of(Map<String, String> values) {
    return new ConfigSource(values);
  }

  private static Map<String, String> readDotenv(Path file) {
    Path absolute = file.toAbsolutePath();
    try {
      Dotenv dotenv = Dotenv.configure()
          .directory(absolute.getParent().toString())
          .filename(absolute.getFileName().toString())
          .load();
      Map<String, String> values = new HashMap<>();
      for (DotenvEntry e : dotenv.entries(Dotenv.Filter.DECLARED_IN_ENV_FILE)) {
        values.put(e.getKey(), e.getValue());
      }
      return values;
    } catch (DotenvException e) {
      // dotenv-java quotes the offending line, which may hold a secret: keep only its position.
      String reason = String.valueOf(e.getMessage());
      int at = reason.indexOf("Malformed entry");
      throw new ConfigException(file + " has a line that is not KEY=value" + where(file)
          + (at >= 0 ? "" : " (" + reason.split("\n")[0] + ")") + ": fix it, or point --env-file elsewhere");
    }
  }

  /** " (line N)" for the first line that is neither blank, a comment nor KEY=value; "" when none is found. */
  static String where(Path file) {
    try {
      var lines = Files.readAllLines(file);
      for (int i = 0; i < lines.size(); i++) {
        String line = lines.get(i).strip();
        if (!line.isEmpty() && !line.startsWith("#") && !KEY_VALUE.matcher(line).lookingAt()) {
          return " (line " + (i + 1) + (line.startsWith("export ") ? ", which starts with 'export '" : "") + ")";
        }
      }
    } catch (java.io.IOException | java.io.UncheckedIOException e) {
      // the message goes without the line
    }
    return "";
  }

  public Optional<String> get(String key) {
    String v = values.get(key);
    return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.trim());
  }

  public String get(String key, String fallback) {
    return get(key).orElse(fallback);
  }

  public int getInt(String key, int fallback) {
    Optional<String> v = get(key);
    if (v.isEmpty()) {
      return fallback;
    }
    try {
      return Integer.parseInt(v.get());
    } catch (NumberFormatException e) {
      throw new ConfigException(key + "='" + v.get() + "' is not a number");
    }
  }
}
