package dev.avatarmigrate.config;

/** How objects move: one at a time through a streaming pipeline, or in bulk by listing both sides. */
public enum Method {
  OBJECT,
  SYNC
}
