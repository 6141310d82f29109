package dev.avatarmigrate.config;

import io.github.cdimascio.dotenv.Dotenv;
import io.github.cdimascio.dotenv.DotenvEntry;
import io.github.cdimascio.dotenv.DotenvException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The environment laid over a {@code .env} file: {@code get(key)} answers the environment first, then
 * the file. Flags sit above both, in the command; defaults below both.
 */
public final class ConfigSource {
  private final Map<String, String> values;
  private final Map<String, String> origins;

  private ConfigSource(Map<String, String> values, Map<String, String> origins) {
    this.values = Map.copyOf(values);
    this.origins = Map.copyOf(origins);
  }

  /**
   * Loads {@code envFile} when given (it must then be readable), else {@code .env} in {@code workDir}
   * when it exists, then lays {@code environment} over it.
   */
  public static ConfigSource load(Map<String, String> environment, Path envFile, Path workDir) {
    Map<String, String> merged = new HashMap<>();
    Map<String, String> origins = new HashMap<>();
    Path file = envFile != null ? envFile : workDir.resolve(".env");
    if (envFile != null && !Files.isReadable(envFile)) {
      throw new ConfigException("--env-file " + envFile + " cannot be read: check the path and its permissions");
    }
    if (Files.isRegularFile(file)) {
      merged.putAll(readDotenv(file, origins));
    } else if (envFile != null) {
      throw new ConfigException("--env-file " + envFile + " is not a file");
    }
    environment.forEach((k, v) -> {
      if (v != null) {
        merged.put(k, v);
        origins.put(k, "the environment");
      }
    });
    return new ConfigSource(merged, origins);
  }

  public static ConfigSource of(Map<String, String> values) {
    return new ConfigSource(values, Map.of());
  }

  /**
   * dotenv-java reads the file, after {@link DotenvLines} has checked every line (refusing by its number one that
   * is not {@code KEY=value} or whose quote does not close); the lines dotenv-java reads otherwise than docker
   * compose (single quotes, {@code export}, a byte order mark, {@code p#ss}) take their value from that check.
   * The last line of a key wins.
   */
  private static Map<String, String> readDotenv(Path file, Map<String, String> origins) {
    List<DotenvLines.Entry> entries = DotenvLines.read(file);
    Map<String, String> fromDotenvJava = dotenvJava(file);
    Map<String, DotenvLines.Entry> last = new LinkedHashMap<>();
    entries.forEach(e -> last.put(e.key(), e));
    Map<String, String> values = new HashMap<>();
    last.forEach((key, e) -> {
      values.put(key, e.readHere() ? e.value() : fromDotenvJava.getOrDefault(key, e.value()));
      origins.put(key, "line " + e.line() + " of " + file);
    });
    return values;
  }

  private static Map<String, String> dotenvJava(Path file) {
    Path absolute = file.toAbsolutePath();
    try {
      Dotenv dotenv = Dotenv.configure()
          .directory(absolute.getParent().toString())
          .filename(absolute.getFileName().toString())
          .ignoreIfMalformed() // only the lines DotenvLines reads itself: it has refused every other malformed one
          .load();
      Map<String, String> values = new HashMap<>();
      for (DotenvEntry e : dotenv.entries(Dotenv.Filter.DECLARED_IN_ENV_FILE)) {
        values.put(e.getKey(), e.getValue());
      }
      return values;
    } catch (DotenvException e) {
      // dotenv-java may quote a line, which may hold a secret: say only that the file could not be read.
      throw new ConfigException(file + " cannot be read as a .env file: check it, or point --env-file elsewhere");
    }
  }

  /** The keys set in the environment or the file, blank or not. */
  public Set<String> keys() {
    return values.keySet();
  }

  /** Where {@code key} was set: "the environment", or "line N of FILE". */
  public String origin(String key) {
    return origins.getOrDefault(key, "the environment or .env");
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
