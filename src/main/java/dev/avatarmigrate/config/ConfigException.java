package dev.avatarmigrate.config;

/** A usage or configuration error: bad arguments, a bad {@code .env}, a malformed URI. Exit code 2. */
public final class ConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ConfigException(String message) {
    super(message);
  }

  public ConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
