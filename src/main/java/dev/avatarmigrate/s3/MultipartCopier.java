package dev.avatarmigrate.s3;

import dev.avatarmigrate.config.CopySettings;
import dev.avatarmigrate.engine.Checksum;
import dev.avatarmigrate.engine.CopyReceipt;
import dev.avatarmigrate.engine.StoreFailure;
import dev.avatarmigrate.engine.StoredObject;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumMode;
import software.amazon.awssdk.services.s3.model.ChecksumType;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.CopyPartResult;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.Tag;
import software.amazon.awssdk.services.s3.model.UploadPartCopyResponse;

/**
 * Copies an object by parts (UploadPartCopy), for objects above the CopyObject limit, in parallel.
 * Content headers, user metadata, tags and storage class are re-applied explicitly, since a multipart
 * upload starts blank; the source ETag is recorded as metadata because the new ETag cannot equal it.
 * Every part is conditional on the source ETag, so all parts come from the version that was listed.
 * Where the source has a full-object CRC checksum, the upload asks for the same algorithm as a full-object
 * checksum and names the source's value on completion, so S3 itself refuses to complete other bytes.
 * Any failure aborts the upload: no orphaned parts, no partial target.
 */
final class MultipartCopier implements AutoCloseable {
  // 10,000: the most parts one upload may have.
  private static final int MAX_PARTS = 10_000;

  private final S3Client client;
  private final ExecutorService parts;

  MultipartCopier(S3Client client, int concurrency) {
    this.client = client;
    this.parts = Executors.newFixedThreadPool(Math.max(2, concurrency), r -> {
      Thread t = new Thread(r, "avatarMigrate-part");
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * Returns the ETag the target must have (the MD5 of the part MD5s, then "-N") and, when the source's
   * checksum can be reproduced by parts, that checksum and the one the completion reported.
   */
  CopyReceipt copy(String sourceBucket, StoredObject source, String targetBucket, String targetKey, boolean replace,
      CopySettings settings) {
    HeadObjectResponse head = client.headObject(b -> b.bucket(sourceBucket).key(source.key())
        .ifMatch(S3ObjectStore.quoted(source.etag())).checksumMode(ChecksumMode.ENABLED));
    CreateMultipartUploadRequest.Builder create = CreateMultipartUploadRequest.builder()
        .bucket(targetBucket).key(targetKey)
        .contentType(head.contentType())
        .cacheControl(head.cacheControl())
        .contentEncoding(head.contentEncoding())
        .contentDisposition(head.contentDisposition())
        .contentLanguage(head.contentLanguage())
        .expires(head.expires())
        .metadata(withSourceEtag(head.metadata(), source.etag()));
    String storageClass = S3ObjectStore.storageClass(
        new StoredObject(source.key(), source.size(), source.etag(), head.storageClassAsString(), null), settings);
    if (storageClass != null) {
      create.storageClass(storageClass);
    }
    String tagging = tagging(sourceBucket, source.key());
    if (tagging != null) {
      create.tagging(tagging);
    }
    if (settings.sse() != null) {
      create.serverSideEncryption(settings.sse());
      if (settings.sseKmsKeyId() != null) {
        create.ssekmsKeyId(settings.sseKmsKeyId());
      }
    }
    if (settings.acl() != null) {
      create.acl(settings.acl());
    }
    Checksum sourceChecksum = Checksums.fullObject(head);
    if (sourceChecksum != null && !Checksums.multipartCanReproduce(sourceChecksum)) {
      sourceChecksum = null; // a SHA by parts is composite: not comparable, so size and ETag decide
    }
    if (sourceChecksum != null) {
      create.checksumAlgorithm(sourceChecksum.algorithm()).checksumType(ChecksumType.FULL_OBJECT);
    }
    String uploadId = client.createMultipartUpload(create.build()).uploadId();
    try {
      List<CompletedPart> completed =
          copyParts(sourceBucket, source, targetBucket, targetKey, uploadId, settings, sourceChecksum);
      CompleteMultipartUploadRequest.Builder complete = CompleteMultipartUploadRequest.builder()
          .bucket(targetBucket).key(targetKey).uploadId(uploadId)
          .ifNoneMatch(replace ? null : "*")
          .multipartUpload(m -> m.parts(completed));
      if (sourceChecksum != null) {
        Checksums.expecting(complete, sourceChecksum);
      }
      CompleteMultipartUploadResponse response = client.completeMultipartUpload(complete.build());
      String etag = multipartEtag(completed.stream().map(CompletedPart::eTag).toList());
      return new CopyReceipt(etag, sourceChecksum,
          sourceChecksum == null ? null : Checksums.of(response, sourceChecksum));
    } catch (RuntimeException e) {
      abort(targetBucket, targetKey, uploadId);
      throw e;
    }
  }

  private List<CompletedPart> copyParts(String sourceBucket, StoredObject source, String targetBucket,
      String targetKey, String uploadId, CopySettings settings, Checksum sourceChecksum) {
    long partSize = Math.max(settings.partSize(), (source.size() + MAX_PARTS - 1) / MAX_PARTS);
    List<Future<UploadPartCopyResponse>> futures = new ArrayList<>();
    int partNumber = 1;
    for (long start = 0; start < source.size(); start += partSize, partNumber++) {
      long end = Math.min(source.size(), start + partSize) - 1;
      int number = partNumber;
      String range = "bytes=" + start + "-" + end;
      futures.add(parts.submit(() -> client.uploadPartCopy(b -> b
          .sourceBucket(sourceBucket).sourceKey(source.key())
          .copySourceIfMatch(S3ObjectStore.quoted(source.etag()))
          .copySourceRange(range)
          .destinationBucket(targetBucket).destinationKey(targetKey)
          .uploadId(uploadId).partNumber(number))));
    }
    List<CompletedPart> completed = new ArrayList<>(futures.size());
    RuntimeException failure = null;
    for (int i = 0; i < futures.size(); i++) {
      try {
        CopyPartResult result = futures.get(i).get().copyPartResult();
        CompletedPart.Builder part = CompletedPart.builder().partNumber(i + 1).eTag(result.eTag());
        if (sourceChecksum != null) {
          Checksums.withPartChecksum(part, result, sourceChecksum);
        }
        completed.add(part.build());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        failure = new StoreFailure(StoreFailure.Kind.TRANSIENT, "interrupted during a multipart copy", e);
      } catch (ExecutionException e) {
        if (failure == null) {
          failure = e.getCause() instanceof SdkException s
              ? S3Errors.classifyCopy(s, "UploadPartCopy of s3://" + sourceBucket + "/" + source.key(), settings)
              : new StoreFailure(StoreFailure.Kind.TRANSIENT, String.valueOf(e.getCause()), e.getCause());
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
    return completed;
  }

  private String tagging(String bucket, String key) {
    try {
      List<Tag> tags = client.getObjectTagging(b -> b.bucket(bucket).key(key)).tagSet();
      if (tags.isEmpty()) {
        return null;
      }
      StringBuilder query = new StringBuilder();
      for (Tag t : tags) {
        if (query.length() > 0) {
          query.append('&');
        }
        query.append(urlEncode(t.key())).append('=').append(urlEncode(t.value()));
      }
      return query.toString();
    } catch (SdkException e) {
      // Stores without tagging (S3Proxy answers NotImplemented) have no tags to keep.
      return null;
    }
  }

  private void abort(String bucket, String key, String uploadId) {
    try {
      client.abortMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId));
    } catch (SdkException e) {
      // The original failure is what matters; a lifecycle rule on the bucket reaps what is left.
    }
  }

  static Map<String, String> withSourceEtag(Map<String, String> metadata, String sourceEtag) {
    Map<String, String> copy = new HashMap<>(metadata);
    copy.put(S3ObjectStore.SOURCE_ETAG_METADATA, sourceEtag);
    return copy;
  }

  /** S3's ETag of a multipart upload: the MD5 of the concatenated binary part MD5s, then "-" and the count. */
  static String multipartEtag(List<String> partEtags) {
    try {
      MessageDigest md5 = MessageDigest.getInstance("MD5");
      for (String etag : partEtags) {
        md5.update(HexFormat.of().parseHex(StoredObject.unquote(etag)));
      }
      return HexFormat.of().formatHex(md5.digest()) + "-" + partEtags.size();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("MD5 is part of every JDK", e);
    }
  }

  private static String urlEncode(String s) {
    return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
  }

  @Override
  public void close() {
    parts.shutdownNow();
  }
}
