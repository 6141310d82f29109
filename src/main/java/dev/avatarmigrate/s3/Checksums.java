package dev.avatarmigrate.s3;

import dev.avatarmigrate.engine.Checksum;
import java.util.function.BiFunction;
import java.util.function.Function;
import software.amazon.awssdk.services.s3.model.ChecksumType;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.CopyObjectResult;
import software.amazon.awssdk.services.s3.model.CopyPartResult;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;

/**
 * S3's additional checksums on the SDK's types: which one an object has, asking a copy for the same, and
 * reading what the copy answered. CRC32, CRC32C, CRC64NVME, SHA1 and SHA256; other algorithms are not compared.
 */
final class Checksums {

  private enum Algorithm {
    CRC32("CRC32", true, HeadObjectResponse::checksumCRC32, CopyObjectResult::checksumCRC32,
        CopyPartResult::checksumCRC32, CompleteMultipartUploadResponse::checksumCRC32,
        CompletedPart.Builder::checksumCRC32, CompleteMultipartUploadRequest.Builder::checksumCRC32),
    CRC32C("CRC32C", true, HeadObjectResponse::checksumCRC32C, CopyObjectResult::checksumCRC32C,
        CopyPartResult::checksumCRC32C, CompleteMultipartUploadResponse::checksumCRC32C,
        CompletedPart.Builder::checksumCRC32C, CompleteMultipartUploadRequest.Builder::checksumCRC32C),
    CRC64NVME("CRC64NVME", true, HeadObjectResponse::checksumCRC64NVME, CopyObjectResult::checksumCRC64NVME,
        CopyPartResult::checksumCRC64NVME, CompleteMultipartUploadResponse::checksumCRC64NVME,
        CompletedPart.Builder::checksumCRC64NVME, CompleteMultipartUploadRequest.Builder::checksumCRC64NVME),
    SHA1("SHA1", false, HeadObjectResponse::checksumSHA1, CopyObjectResult::checksumSHA1,
        CopyPartResult::checksumSHA1, CompleteMultipartUploadResponse::checksumSHA1,
        CompletedPart.Builder::checksumSHA1, CompleteMultipartUploadRequest.Builder::checksumSHA1),
    SHA256("SHA256", false, HeadObjectResponse::checksumSHA256, CopyObjectResult::checksumSHA256,
        CopyPartResult::checksumSHA256, CompleteMultipartUploadResponse::checksumSHA256,
        CompletedPart.Builder::checksumSHA256, CompleteMultipartUploadRequest.Builder::checksumSHA256);

    final String s3Name;
    // S3 combines the parts of a multipart upload into a full-object checksum only for the CRCs; a SHA of a
    // multipart upload is always composite (a SHA of the part SHAs), which no other part layout reproduces.
    final boolean fullObjectMultipart;
    final Function<HeadObjectResponse, String> head;
    final Function<CopyObjectResult, String> copy;
    final Function<CopyPartResult, String> part;
    final Function<CompleteMultipartUploadResponse, String> completed;
    final BiFunction<CompletedPart.Builder, String, CompletedPart.Builder> partValue;
    final BiFunction<CompleteMultipartUploadRequest.Builder, String, CompleteMultipartUploadRequest.Builder>
        objectValue;

    Algorithm(String s3Name, boolean fullObjectMultipart, Function<HeadObjectResponse, String> head,
        Function<CopyObjectResult, String> copy, Function<CopyPartResult, String> part,
        Function<CompleteMultipartUploadResponse, String> completed,
        BiFunction<CompletedPart.Builder, String, CompletedPart.Builder> partValue,
        BiFunction<CompleteMultipartUploadRequest.Builder, String, CompleteMultipartUploadRequest.Builder>
            objectValue) {
      this.s3Name = s3Name;
      this.fullObjectMultipart = fullObjectMultipart;
      this.head = head;
      this.copy = copy;
      this.part = part;
      this.completed = completed;
      this.partValue = partValue;
      this.objectValue = objectValue;
    }

    static Algorithm of(Checksum checksum) {
      for (Algorithm a : values()) {
        if (a.s3Name.equals(checksum.algorithm())) {
          return a;
        }
      }
      throw new IllegalArgumentException("not a compared checksum algorithm: " + checksum.algorithm());
    }
  }

  private Checksums() {}

  /**
   * The object's full-object checksum, from a HEAD made with checksum mode enabled; null when it has none,
   * or only a composite one (a checksum of part checksums: {@code …-N}, or type COMPOSITE). Stores that do
   * not say the type (S3 did not before 2025) are read by the value: a single-part object's is full-object.
   */
  static Checksum fullObject(HeadObjectResponse head) {
    for (Algorithm a : Algorithm.values()) {
      String value = a.head.apply(head);
      if (value == null) {
        continue;
      }
      ChecksumType type = head.checksumType();
      boolean full = type == ChecksumType.FULL_OBJECT
          || (type == null && !value.contains("-") && !S3ObjectStore.isMultipartEtag(head.eTag()));
      return full ? new Checksum(a.s3Name, value) : null;
    }
    return null;
  }

  /** Whether a multipart copy can be asked for {@code checksum}'s algorithm as a full-object checksum. */
  static boolean multipartCanReproduce(Checksum checksum) {
    return Algorithm.of(checksum).fullObjectMultipart;
  }

  /** The checksum of {@code like}'s algorithm that a CopyObject answered for the new object, or null. */
  static Checksum of(CopyObjectResult result, Checksum like) {
    return checksum(like, Algorithm.of(like).copy.apply(result));
  }

  /** The checksum of {@code like}'s algorithm that a CompleteMultipartUpload answered, or null. */
  static Checksum of(CompleteMultipartUploadResponse response, Checksum like) {
    return checksum(like, Algorithm.of(like).completed.apply(response));
  }

  /** Carries a part's checksum, as UploadPartCopy answered it, into the part list of the completion. */
  static CompletedPart.Builder withPartChecksum(CompletedPart.Builder part, CopyPartResult result, Checksum like) {
    Algorithm a = Algorithm.of(like);
    String value = a.part.apply(result);
    return value == null ? part : a.partValue.apply(part, value);
  }

  /** Names the full-object checksum the completed object must have, so S3 refuses to complete any other. */
  static CompleteMultipartUploadRequest.Builder expecting(CompleteMultipartUploadRequest.Builder complete,
      Checksum checksum) {
    return Algorithm.of(checksum).objectValue.apply(complete.checksumType(ChecksumType.FULL_OBJECT), checksum.value());
  }

  private static Checksum checksum(Checksum like, String value) {
    return value == null || value.contains("-") ? null : new Checksum(like.algorithm(), value);
  }
}
