package dev.avatarmigrate.engine;

import dev.avatarmigrate.config.CopySettings;
import dev.avatarmigrate.config.OnConflict;
import dev.avatarmigrate.config.Settings;

/** The parts of the settings that shape every object's move. */
public record MovePlan(
    KeyMapping mapping, CopySettings copy, OnConflict onConflict, boolean dryRun, boolean keepSource) {

  public static MovePlan of(Settings s) {
    return new MovePlan(new KeyMapping(s.source(), s.target(), s.match()), s.copy(), s.onConflict(), s.dryRun(),
        s.keepSource());
  }

  public MovePlan withCopy(CopySettings copy) {
    return new MovePlan(mapping, copy, onConflict, dryRun, keepSource);
  }

  public String sourceBucket() {
    return mapping.source().bucket();
  }

  public String targetBucket() {
    return mapping.target().bucket();
  }
}
