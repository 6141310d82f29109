package dev.avatarmigrate.s3;

import dev.avatarmigrate.config.CopySettings;
import dev.avatarmigrate.config.S3Settings;
import dev.avatarmigrate.engine.Checksum;
import dev.avatarmigrate.engine.CopyReceipt;
import dev.avatarmigrate.engine.ObjectStore;
import dev.avatarmigrate.engine.PreflightException;
import dev.avatarmigrate.engine.StoreFailure;
import dev.avatarmigrate.engine.StoredObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import javax.xml.stream.XMLStreamException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.retry.backoff.FixedDelayBackoffStrategy;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumMode;
import software.amazon.awssdk.services.s3.model.CopyObjectRequest;
import software.amazon.awssdk.services.s3.model.CopyObjectResult;
import software.amazon.awssdk.services.s3.model.Delete;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.GetBucketEncryptionResponse;
import software.amazon.awssdk.services.s3.model.HeadBucketResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.EncodingType;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.MetadataDirective;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.model.ServerSideEncryptionByDefault;
import software.amazon.awssdk.services.s3.model.ServerSideEncryptionConfiguration;
import software.amazon.awssdk.services.s3.model.ServerSideEncryptionRule;
import software.amazon.awssdk.services.s3.waiters.S3Waiter;

/** {@link ObjectStore} on the AWS SDK v2 synchronous client. */
public final class S3ObjectStore implements ObjectStore {
  /** User metadata a copy records when the target's ETag cannot equal the source's (multipart). */
  static final String SOURCE_ETAG_METADATA = "avatarmigrate-source-etag";
  // Times an unreadable listing page is asked for a key shorter: one per odd key in a row at its end.
  private static final int UNREADABLE_PAGE_RETRIES = 8;

  private final S3Client client;
  private final S3Waiter waiter;
  private final MultipartCopier multipart;

  S3ObjectStore(S3Client client, int concurrency) {
    this.client = client;
    // S3 is strongly consistent, so the first HEAD normally finds the copy; the waiter retries briefly for
    // stores that are not (about 5 s in all) instead of its default 20 x 5 s.
    this.waiter = S3Waiter.builder()
        .client(client)
        .overrideConfiguration(w -> w.maxAttempts(25)
            .backoffStrategy(FixedDelayBackoffStrategy.create(Duration.ofMillis(200))))
        .build();
    this.multipart = new MultipartCopier(client, concurrency);
  }

  /** The HTTP client S3 is spoken with, for {@code -v}. */
  public static String httpClient() {
    return HttpStack.describe();
  }

  public static S3ObjectStore open(S3Settings settings, int concurrency) {
    return new S3ObjectStore(S3ClientFactory.create(settings, concurrency), concurrency);
  }

  @Override
  public BucketInfo describeBucket(String bucket, String prefix) {
    String region;
    try {
      HeadBucketResponse head = client.headBucket(b -> b.bucket(bucket));
      region = head.bucketRegion();
      if (prefix != null) {
        // Under the prefix the run lists: the listing asked about is the one the run makes.
        client.listObjectsV2(b -> b.bucket(bucket).prefix(prefix).maxKeys(1).encodingType(EncodingType.URL));
      }
    } catch (AwsServiceException e) {
      int status = e.statusCode();
      if (status == 404) {
        throw new PreflightException("bucket " + bucket + " does not exist: check the name, the endpoint and --region", e);
      }
      if (status == 403 || status == 401) {
        StoreFailure f = S3Errors.classify(withErrorCode(bucket, prefix, e), "bucket " + bucket);
        throw new PreflightException(f.kind() == StoreFailure.Kind.FATAL ? f.getMessage() : denied(bucket), e);
      }
      throw new PreflightException("bucket " + bucket + " cannot be read: " + S3Errors.classify(e, "HeadBucket").getMessage(), e);
    } catch (SdkException e) {
      StoreFailure f = S3Errors.classify(e, "bucket " + bucket);
      throw new PreflightException(f.kind() == StoreFailure.Kind.FATAL ? f.getMessage()
          : "S3 cannot be reached for bucket " + bucket + ": " + S3Errors.firstLine(e.getMessage())
              + "; check --endpoint-url and the network", e);
    }
    String owner = null;
    try {
      owner = client.getBucketAcl(b -> b.bucket(bucket)).owner().id();
    } catch (SdkException e) {
      // The owner is shown where visible; without s3:GetBucketAcl it simply is not compared.
    }
    return new BucketInfo(bucket, region, owner);
  }

  private static String denied(String bucket) {
    return "access to bucket " + bucket + " is denied: the credentials need s3:ListBucket on it, with no s3:prefix"
        + " condition (see the README's IAM policy)";
  }

  /**
   * A refused HeadBucket has no body, so no error code: wrong keys look like a missing permission. A listing
   * asked the same question answers with the code (InvalidAccessKeyId, SignatureDoesNotMatch, AccessDenied).
   */
  private AwsServiceException withErrorCode(String bucket, String prefix, AwsServiceException head) {
    if (head.awsErrorDetails() != null && head.awsErrorDetails().errorCode() != null) {
      return head;
    }
    try {
      client.listObjectsV2(b -> b.bucket(bucket).prefix(prefix).maxKeys(1).encodingType(EncodingType.URL));
    } catch (AwsServiceException e) {
      return e;
    } catch (SdkException e) {
      // no better answer than the HEAD's
    }
    return head;
  }

  @Override
  public DefaultEncryption defaultEncryption(String bucket) {
    try {
      return defaultEncryption(client.getBucketEncryption(b -> b.bucket(bucket)));
    } catch (AwsServiceException e) {
      return defaultEncryption(e);
    } catch (SdkException e) {
      return DefaultEncryption.UNKNOWN;
    }
  }

  static DefaultEncryption defaultEncryption(GetBucketEncryptionResponse response) {
    ServerSideEncryptionConfiguration config = response.serverSideEncryptionConfiguration();
    if (config != null) {
      for (ServerSideEncryptionRule rule : config.rules()) {
        ServerSideEncryptionByDefault byDefault = rule.applyServerSideEncryptionByDefault();
        if (byDefault != null && byDefault.sseAlgorithmAsString() != null) {
          // aws:kms and aws:kms:dsse; AES256 (SSE-S3) keeps MD5 ETags.
          return byDefault.sseAlgorithmAsString().startsWith("aws:kms")
              ? DefaultEncryption.KMS : DefaultEncryption.NOT_KMS;
        }
      }
    }
    return DefaultEncryption.NOT_KMS;
  }

  static DefaultEncryption defaultEncryption(AwsServiceException e) {
    String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
    if ("ServerSideEncryptionConfigurationNotFoundError".equals(code)) {
      return DefaultEncryption.NOT_KMS;
    }
    // Anything else (NotImplemented from S3Proxy's filesystem store, a 5xx after the retries) leaves it
    // unknown: copies go on as the flags say, as they did before the preflight asked.
    return e.statusCode() == 403 ? DefaultEncryption.DENIED : DefaultEncryption.UNKNOWN;
  }

  @Override
  public void list(String bucket, String prefix, String startAfter, Predicate<List<StoredObject>> page) {
    // Each page starts after the last key of the one before (the same pages as continuation tokens give).
    String after = startAfter;
    try {
      while (true) {
        ListObjectsV2Response response = listPage(bucket, prefix, after);
        List<StoredObject> objects = new ArrayList<>(response.contents().size());
        for (S3Object o : response.contents()) {
          objects.add(new StoredObject(o.key(), o.size(), o.eTag(), o.storageClassAsString(), null));
        }
        if (!page.test(objects) || !Boolean.TRUE.equals(response.isTruncated()) || objects.isEmpty()) {
          return;
        }
        after = objects.get(objects.size() - 1).key();
      }
    } catch (SdkException e) {
      StoreFailure f = S3Errors.classify(e, "listing s3://" + bucket + "/" + prefix);
      boolean refused = f.kind() != StoreFailure.Kind.FATAL && e instanceof AwsServiceException s
          && (s.statusCode() == 403 || s.statusCode() == 401);
      // Refused, as the preflight says it: the first page of sources is the preflight's check of the listing.
      throw new StoreFailure(StoreFailure.Kind.FATAL, refused ? denied(bucket) + " [" + f.getMessage() + "]"
          : f.getMessage(), e);
    }
  }

  /**
   * One page of up to {@link #pageKeys()} keys. S3Proxy writes a page's NextContinuationToken as the raw last
   * key, so a page that ends on a key with a control character is not XML and cannot be read: such a page is
   * asked for again a key shorter, so that it ends before that key (S3's answers always parse).
   */
  private ListObjectsV2Response listPage(String bucket, String prefix, String after) {
    int keys = pageKeys();
    while (true) {
      ListObjectsV2Request request = ListObjectsV2Request.builder()
          .bucket(bucket).prefix(prefix).startAfter(after).maxKeys(keys)
          // Keys come URL-encoded (the SDK decodes them): a key with a control character cannot be written in
          // XML 1.0 otherwise, and one such key would make every page unreadable.
          .encodingType(EncodingType.URL).build();
      try {
        return client.listObjectsV2(request);
      } catch (SdkClientException e) {
        // A few odd keys in a row at most; then it is not that, and the failure stands.
        if (!(e.getCause() instanceof XMLStreamException) || keys <= pageKeys() - UNREADABLE_PAGE_RETRIES) {
          throw e;
        }
        keys--;
      }
    }
  }

  @Override
  public Optional<StoredObject> head(String bucket, String key) {
    try {
      return Optional.of(toStored(key, client.headObject(b -> b.bucket(bucket).key(key))));
    } catch (NoSuchKeyException e) {
      return Optional.empty();
    } catch (AwsServiceException e) {
      if (e.statusCode() == 404) {
        return Optional.empty();
      }
      throw S3Errors.classify(e, "HEAD s3://" + bucket + "/" + key);
    } catch (SdkException e) {
      throw S3Errors.classify(e, "HEAD s3://" + bucket + "/" + key);
    }
  }

  @Override
  public CopyReceipt copy(String sourceBucket, StoredObject source, String targetBucket, String targetKey,
      boolean replace, CopySettings settings) {
    String what = "copy s3://" + sourceBucket + "/" + source.key();
    try {
      if (source.size() > settings.multipartThreshold()) {
        return multipart.copy(sourceBucket, source, targetBucket, targetKey, replace, settings);
      }
      CopyObjectRequest.Builder request = CopyObjectRequest.builder()
          .sourceBucket(sourceBucket).sourceKey(source.key())
          .destinationBucket(targetBucket).destinationKey(targetKey)
          // Metadata, content headers and tags are copied: COPY is the default of both directives, and
          // naming the tagging directive makes stores without tagging (S3Proxy) refuse the request.
          .copySourceIfMatch(quoted(source.etag()));
      if (!replace) {
        request.ifNoneMatch("*");
      }
      Checksum sourceChecksum = null;
      if (etagWillDiffer(source, settings)) {
        // The copy's ETag cannot equal the source's (the source was a multipart upload, or the copy is
        // encrypted with KMS, by --sse or by the target bucket's default): record the source ETag, so a re-run
        // recognises the copy as this source.
        // That takes REPLACE, which needs every header and metadata entry restated from the source.
        HeadObjectResponse head = client.headObject(b -> b.bucket(sourceBucket).key(source.key())
            .ifMatch(quoted(source.etag())).checksumMode(ChecksumMode.ENABLED));
        // The ETags cannot be compared, but the source's checksum can: ask the copy for the same algorithm,
        // which S3 computes for the new object and reports in its answer. Same request count as before.
        sourceChecksum = Checksums.fullObject(head);
        if (sourceChecksum != null) {
          request.checksumAlgorithm(sourceChecksum.algorithm());
        }
        request.metadataDirective(MetadataDirective.REPLACE)
            .metadata(MultipartCopier.withSourceEtag(head.metadata(), source.etag()))
            .contentType(head.contentType())
            .cacheControl(head.cacheControl())
            .contentEncoding(head.contentEncoding())
            .contentDisposition(head.contentDisposition())
            .contentLanguage(head.contentLanguage())
            .expires(head.expires());
      }
      String storageClass = storageClass(source, settings);
      if (storageClass != null) {
        request.storageClass(storageClass);
      }
      if (settings.sse() != null) {
        request.serverSideEncryption(settings.sse());
        if (settings.sseKmsKeyId() != null) {
          request.ssekmsKeyId(settings.sseKmsKeyId());
        }
      }
      if (settings.acl() != null) {
        request.acl(settings.acl());
      }
      CopyObjectResult result = client.copyObject(request.build()).copyObjectResult();
      return new CopyReceipt(result.eTag(), sourceChecksum,
          sourceChecksum == null ? null : Checksums.of(result, sourceChecksum));
    } catch (SdkException e) {
      throw S3Errors.classifyCopy(e, what, settings);
    }
  }

  /** The storage class to ask for: the override, else the source's when it is not the default. */
  static String storageClass(StoredObject source, CopySettings settings) {
    if (settings.storageClass() != null) {
      return settings.storageClass();
    }
    String kept = source.storageClass();
    return kept == null || kept.isBlank() || "STANDARD".equals(kept) ? null : kept;
  }

  static boolean etagWillDiffer(StoredObject source, CopySettings settings) {
    return isMultipartEtag(source.etag()) || settings.encryptsWithKms();
  }

  /** A multipart upload's ETag is a hash of part hashes with "-N"; a copy by CopyObject cannot keep it. */
  static boolean isMultipartEtag(String etag) {
    return etag != null && etag.contains("-");
  }

  @Override
  public StoredObject awaitExists(String bucket, String key, boolean withChecksum) {
    try {
      HeadObjectResponse head = waiter.waitUntilObjectExists(b -> b.bucket(bucket).key(key)
              .checksumMode(withChecksum ? ChecksumMode.ENABLED : null))
          .matched().response()
          .orElseThrow(() -> new StoreFailure(StoreFailure.Kind.TRANSIENT,
              "s3://" + bucket + "/" + key + " did not appear after the copy", null));
      return toStored(key, head);
    } catch (SdkException e) {
      throw S3Errors.classify(e, "waiting for s3://" + bucket + "/" + key);
    }
  }

  @Override
  public List<KeyError> delete(String bucket, List<StoredObject> objects) {
    if (objects.isEmpty()) {
      return List.of();
    }
    List<KeyError> errors = new ArrayList<>();
    List<ObjectIdentifier> ids = new ArrayList<>(objects.size());
    List<StoredObject> oneByOne = new ArrayList<>();
    for (StoredObject o : objects) {
      if (fitsInXml(o.key())) {
        // A conditional delete (S3 since 2025; S3Proxy): the ETag must still be this one.
        ids.add(ObjectIdentifier.builder().key(o.key()).eTag(o.etag() == null ? null : quoted(o.etag())).build());
      } else {
        oneByOne.add(o);
      }
    }
    if (!ids.isEmpty()) {
      // First, so that a request failing as a whole has deleted nothing one by one that it would report failed.
      try {
        DeleteObjectsResponse response = client.deleteObjects(b -> b.bucket(bucket)
            .delete(Delete.builder().objects(ids).quiet(true).build()));
        response.errors().forEach(e -> keyError(e.key(), e.code(), e.code() + ": " + e.message()).ifPresent(errors::add));
      } catch (SdkException e) {
        throw S3Errors.classify(e, "DeleteObjects in s3://" + bucket);
      }
    }
    oneByOne.forEach(o -> deleteOne(bucket, o).ifPresent(errors::add));
    return errors;
  }

  /**
   * DeleteObjects names its keys in an XML body, which cannot carry most control characters and would turn a
   * carriage return into a line feed (deleting another key, or none): such keys go one by one.
   */
  static boolean fitsInXml(String key) {
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (c < 0x20 || c == 0xFFFE || c == 0xFFFF) {
        return false;
      }
    }
    return true;
  }

  private Optional<KeyError> deleteOne(String bucket, StoredObject o) {
    try {
      client.deleteObject(b -> b.bucket(bucket).key(o.key()).ifMatch(o.etag() == null ? null : quoted(o.etag())));
      return Optional.empty();
    } catch (AwsServiceException e) {
      String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
      StoreFailure f = S3Errors.classify(e, "DeleteObject in s3://" + bucket);
      if (f.kind() == StoreFailure.Kind.FATAL) {
        throw f;
      }
      return keyError(o.key(), code != null ? code : e.statusCode() == 404 ? "NoSuchKey" : e.statusCode() == 412
          ? "PreconditionFailed" : null, f.getMessage());
    } catch (SdkException e) {
      StoreFailure f = S3Errors.classify(e, "DeleteObject in s3://" + bucket);
      if (f.kind() == StoreFailure.Kind.FATAL) {
        throw f;
      }
      return Optional.of(new KeyError(o.key(), f.getMessage()));
    }
  }

  /**
   * What a key that a conditional delete did not delete means. NoSuchKey: the object is already gone (a
   * conditional delete says so where a plain one answers success), which is the end a delete is for. A failed
   * precondition, or a conflict with a write to the key at that moment: the object is no longer the one named.
   */
  static Optional<KeyError> keyError(String key, String code, String reason) {
    if ("NoSuchKey".equals(code)) {
      return Optional.empty();
    }
    boolean changed = "PreconditionFailed".equals(code) || "ConditionalRequestConflict".equals(code);
    return Optional.of(new KeyError(key, reason, changed));
  }

  static StoredObject toStored(String key, HeadObjectResponse head) {
    return new StoredObject(key, head.contentLength(), head.eTag(), head.storageClassAsString(),
        head.metadata().get(SOURCE_ETAG_METADATA), Checksums.fullObject(head));
  }

  static String quoted(String etag) {
    return "\"" + etag + "\"";
  }

  @Override
  public void close() {
    try {
      multipart.close();
      waiter.close();
      client.close();
    } finally {
      HttpStack.closed();
    }
  }
}
