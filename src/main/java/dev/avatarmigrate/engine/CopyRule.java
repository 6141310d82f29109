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

  /**
   * A finished copy is verified when the target has the source's size and the ETag the copy promised and,
   * where the copy was asked to reproduce the source's full-object checksum, no checksum of that algorithm
   * contradicts it: neither the one the copy's response reported nor the one the target shows. Where no
   * such checksum is known (the plain case, whose ETag is the MD5 of the bytes, or a store that keeps no
   * checksums) size and ETag decide, as they always did.
   */
  public static boolean verified(StoredObject source, CopyReceipt copy, StoredObject observed) {
    return observed != null
        && observed.size() == source.size()
        && Objects.equals(copy.etag(), observed.etag())
        && checksumMismatch(copy, observed) == null;
  }

  /** The checksum that contradicts the source's, as "CRC32 abc vs CRC32 def" (the source's last), or null. */
  public static String checksumMismatch(CopyReceipt copy, StoredObject observed) {
    Checksum expected = copy.sourceChecksum();
    if (expected == null) {
      return null;
    }
    for (Checksum seen : new Checksum[] {copy.copyChecksum(), observed == null ? null : observed.checksum()}) {
      if (comparable(expected, seen) && !expected.value().equals(seen.value())) {
        return seen + " vs " + expected;
      }
    }
    return null;
  }

  /**
   * The copy's response did not report the target's checksum, so the target must be looked at with its
   * checksum (a HEAD asking for it) before the copy can count as verified. False for the plain case.
   */
  public static boolean needsChecksumObservation(CopyReceipt copy) {
    return copy.sourceChecksum() != null && !comparable(copy.sourceChecksum(), copy.copyChecksum());
  }

  private static boolean comparable(Checksum expected, Checksum seen) {
    return seen != null && seen.algorithm().equals(expected.algorithm());
  }
}
