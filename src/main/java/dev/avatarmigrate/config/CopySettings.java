package dev.avatarmigrate.config;

/**
 * How each object is written at the target.
 *
 * @param multipartThreshold objects larger than this are copied by parts (UploadPartCopy)
 * @param partSize the size of each copied part
 * @param storageClass overrides the source's storage class when set
 * @param sse server-side encryption ({@code AES256} or {@code aws:kms}), or null to keep the bucket default
 * @param sseKmsKeyId the KMS key for {@code aws:kms}
 * @param acl a canned ACL such as {@code bucket-owner-full-control}, or null
 */
public record CopySettings(
    long multipartThreshold, long partSize, String storageClass, String sse, String sseKmsKeyId, String acl) {

  /** 5 GiB: the largest object a single CopyObject request may copy. */
  public static final long COPY_OBJECT_LIMIT = 5L << 30;
}
