package dev.avatarmigrate.config;

/** What to do when a different object already sits at the target key. */
public enum OnConflict {
  /** Leave both objects and the rows alone, and report the conflict. */
  SKIP,
  /** Replace the target object with the source, then continue as usual. */
  OVERWRITE
}
