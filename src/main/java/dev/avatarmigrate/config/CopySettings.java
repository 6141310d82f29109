package dev.avatarmigrate.config;

/**
 * How each object is written at the target.
 *
 * @param multipartThreshold objects larger than this are copied by parts (UploadPartCopy)
 * @param partSize the size of each copied part
 * @param storageClass overrides the source's storage class when set
 * @param sse server-side encryption ({@code AES256}, {@code aws:kms} or {@code aws:kms:dsse}), or null to keep
 *     the bucket default
 * @param sseKmsKeyId the KMS key for {@code aws:kms} or {@code aws:kms:dsse}
 * @param acl a canned ACL such as {@code bucket-owner-full-control}, or null
 * @param targetDefaultsToKms the target bucket encrypts new objects with SSE-KMS (or DSSE-KMS) by default, as
 *     the preflight read it; not a flag, and nothing is sent for it
 */
public record CopySettings(long multipartThreshold, long partSize, String storageClass, String sse,
    String sseKmsKeyId, String acl, boolean targetDefaultsToKms) {

  /** 5 GiB: the largest object a single CopyObject request may copy. */
  public static final long COPY_OBJECT_LIMIT = 5L << 30;

  /** As the flags give them, before the preflight has read the target bucket's default encryption. */
  public CopySettings(long multipartThreshold, long partSize, String storageClass, String sse, String sseKmsKeyId,
      String acl) {
    this(multipartThreshold, partSize, storageClass, sse, sseKmsKeyId, acl, false);
  }

  public CopySettings withTargetDefaultsToKms() {
    return new CopySettings(multipartThreshold, partSize, storageClass, sse, sseKmsKeyId, acl, true);
  }

  /**
   * True when the copies end up encrypted with SSE-KMS (single or dual-layer): asked for by {@code --sse aws:kms}
   * or {@code aws:kms:dsse}, or, without
   * {@code --sse}, by the target bucket's default. Their ETags are then not the MD5 of their bytes, so a copy
   * records the source's ETag (for a re-run to recognise it) and is verified by checksum.
   */
  public boolean encryptsWithKms() {
    return sse != null ? sse.startsWith("aws:kms") : targetDefaultsToKms;
  }
}
