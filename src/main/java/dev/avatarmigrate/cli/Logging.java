package dev.avatarmigrate.cli;

/**
 * slf4j-simple carries the SDK's and the driver's own logging; it reads its level once, from system
 * properties, so they are set before anything logs. Warnings only, unless -vv asks for more.
 */
final class Logging {
  private Logging() {}

  static void configure(String[] args) {
    boolean debug = false;
    for (String a : args) {
      if (a.startsWith("-vv")) {
        debug = true;
      }
    }
    setIfAbsent("org.slf4j.simpleLogger.defaultLogLevel", debug ? "info" : "warn");
    setIfAbsent("org.slf4j.simpleLogger.logFile", "System.err");
    setIfAbsent("org.slf4j.simpleLogger.showThreadName", "false");
    setIfAbsent("org.slf4j.simpleLogger.levelInBrackets", "true");
  }

  private static void setIfAbsent(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }
}
