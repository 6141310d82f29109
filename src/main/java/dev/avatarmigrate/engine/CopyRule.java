package dev.avatarmigrate.engine;

import dev.avatarmigrate.config.OnConflict;
import java.util.Objects;

/**
 * The one place that decides, for both modes, whether an object is already at the target, whether a
 * target object is a conflict, and whether a copy verified.
 */
public final class CopyRule {

  /** What to do with a source object given what sits at its target key. */
  public enum Verdict {
    COPY,
    ALREADY_PRESENT,
    CONFLICT,
    OVERWRITE
  }

  private CopyRule() {}

  public static Verdict decide(StoredObject source, StoredObject atTarget, OnConflict onConflict) {
    if (atTarget == null) {
      return Verdict.COPY;
    }
    if (identical(source, atTarget)) {
      return Verdict.ALREADY_PRESENT;
    }
    return onConflict == OnConflict.OVERWRITE ? Verdict.OVERWRITE : Verdict.CONFLICT;
  }

  /**
   * Same size and same ETag; or, for a multipart copy (whose ETag is a hash of part hashes), same size and
   * the source ETag that the copy recorded on the target.
   */
  public static boolean identical(StoredObject source, StoredObject target) {
    if (source.size() != target.size()) {
      return false;
    }
    return Objects.equals(source.etag(), target.etag())
        || (target.copiedFromEtag() != null && Objects.equals(source.etag(), target.copiedFromEtag()));
  }

  /**
   * A listing shows no metadata: a target of the source's size with another ETag may be a copy of this
   * very source whose ETag could not be kept (multipart, KMS); only a HEAD, showing the source ETag the
   * copy recorded, can tell it from a conflict.
   */
  public static boolean needsHead(StoredObject source, StoredObject listedTarget) {
    return listedTarget.size() == source.size()
        && !Objects.equals(source.etag(), listedTarget.etag())
        && listedTarget.copiedFromEtag() == null;
  }

  /** A finished copy is verified when the target has the source's size and the ETag the copy promised. */
  public static boolean verified(StoredObject source, String expectedEtag, StoredObject observed) {
    return observed != null
        && observed.size() == source.size()
        && Objects.equals(StoredObject.unquote(expectedEtag), observed.etag());
  }
}
