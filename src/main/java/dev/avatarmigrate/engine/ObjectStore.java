package dev.avatarmigrate.engine;

import dev.avatarmigrate.config.CopySettings;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/** The S3 operations the engine needs; the SDK stays behind this interface, in {@code s3/}. */
public interface ObjectStore extends AutoCloseable {

  /**
   * Region and owner of a bucket; throws {@link PreflightException} when it is missing or cannot be listed
   * under {@code prefix}, the prefix the run lists. A null {@code prefix} leaves the listing out, for a caller
   * whose first {@link #list} is its check (the source's first page).
   */
  BucketInfo describeBucket(String bucket, String prefix);

  /**
   * How the bucket encrypts a new object that names no encryption (GetBucketEncryption). Never throws: what
   * cannot be read is {@link DefaultEncryption#DENIED} or {@link DefaultEncryption#UNKNOWN}.
   */
  DefaultEncryption defaultEncryption(String bucket);

  /**
   * Lists keys under {@code prefix} in key order, strictly after {@code startAfter} when not null,
   * page by page, handing each page to {@code page} until it returns false. Memory holds one page.
   */
  void list(String bucket, String prefix, String startAfter, Predicate<List<StoredObject>> page);

  /** The most keys a page of {@link #list} holds: 1,000, ListObjectsV2's maximum. */
  default int pageKeys() {
    return 1000;
  }

  Optional<StoredObject> head(String bucket, String key);

  /**
   * Server-side copy, conditional on the source still having {@code source.etag()} and, unless
   * {@code replace}, on nothing being at the target key yet (a live writer may have put one there since
   * it was checked). Either precondition failing is a {@link StoreFailure.Kind#CHANGED}. Objects above
   * the multipart threshold are copied by parts.
   *
   * <p>Where the source's ETag is not the MD5 of its bytes or the copy's cannot be (a multipart source or
   * copy, SSE-KMS), the copy reads the source's full-object checksum, if it has one, and asks S3 for the same
   * algorithm on the copy.
   *
   * @return what the target must show once the copy is complete: its ETag, and the checksums to compare
   */
  CopyReceipt copy(String sourceBucket, StoredObject source, String targetBucket, String targetKey, boolean replace,
      CopySettings settings);

  /**
   * The SDK's HeadObject waiter: returns the object once it exists, with its full-object checksum when
   * {@code withChecksum} (the HEAD then asks S3 for it; with SSE-KMS that takes kms:Decrypt on the key).
   */
  StoredObject awaitExists(String bucket, String key, boolean withChecksum);

  /**
   * Deletes up to 1,000 objects in one request, each only while it still has the ETag it was listed (or copied)
   * with: one rewritten since, by a writer still uploading to its key, is kept and reported as {@link
   * KeyError#changed}. One already gone counts as deleted. Returns the objects that were not deleted, with why.
   */
  List<KeyError> delete(String bucket, List<StoredObject> objects);

  @Override
  void close();

  record BucketInfo(String bucket, String region, String ownerId) {}

  /** A bucket's default encryption, as far as it matters to a copy's ETag. */
  enum DefaultEncryption {
    /** SSE-KMS or DSSE-KMS: a copy's ETag is not the MD5 of its bytes. */
    KMS,
    /** None, or SSE-S3: a copy's ETag is the MD5 of its bytes. */
    NOT_KMS,
    /** The credentials may not read it (no s3:GetEncryptionConfiguration). */
    DENIED,
    /** The store does not say (S3Proxy's filesystem store answers NotImplemented), or could not be asked. */
    UNKNOWN
  }

  /** An object not deleted; {@code changed} when it was kept because its ETag is no longer the one given. */
  record KeyError(String key, String reason, boolean changed) {
    public KeyError(String key, String reason) {
      this(key, reason, false);
    }
  }
}
