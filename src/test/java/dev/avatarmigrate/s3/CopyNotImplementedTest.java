package dev.avatarmigrate.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.avatarmigrate.config.CopySettings;
import dev.avatarmigrate.engine.StoreFailure;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * A store that answers a copy with 501 NotImplemented (S3Proxy to {@code --sse} or {@code --acl
 * bucket-owner-full-control}) answers every copy so: that is the run's configuration, not one object's failure.
 * The run stops (exit 3) with one line naming what was asked for, instead of failing each object in turn with
 * exit 1, whose "a re-run retries failures" would not help.
 */
class CopyNotImplementedTest {

  private static S3Exception status(int status, String code) {
    return (S3Exception) S3Exception.builder().statusCode(status)
        .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage("not supported").build())
        .build();
  }

  @Test
  void aCopyTheStoreDoesNotImplementStopsTheRunNamingTheOptions() {
    CopySettings settings = new CopySettings(5L << 30, 8L << 20, null, "AES256", null, "bucket-owner-full-control");
    StoreFailure f = S3Errors.classifyCopy(status(501, "NotImplemented"), "copy s3://legacy/image/avatar-1.png",
        settings);
    assertEquals(StoreFailure.Kind.FATAL, f.kind());
    assertTrue(f.getMessage().contains("NotImplemented (HTTP 501)"), f.getMessage());
    assertTrue(f.getMessage().contains("--sse AES256"), f.getMessage());
    assertTrue(f.getMessage().contains("--acl bucket-owner-full-control"), f.getMessage());
  }

  @Test
  void withoutCopyOptionsTheMessageStillSaysTheStoreCannotCopy() {
    CopySettings settings = new CopySettings(5L << 30, 8L << 20, null, null, null, null);
    StoreFailure f = S3Errors.classifyCopy(status(501, "NotImplemented"), "copy s3://legacy/image/avatar-1.png",
        settings);
    assertEquals(StoreFailure.Kind.FATAL, f.kind());
    assertTrue(f.getMessage().contains("does not implement this copy"), f.getMessage());
    assertTrue(!f.getMessage().contains("multipart-threshold"), "a plain copy is not one by parts: " + f.getMessage());

    StoreFailure parts = S3Errors.classifyCopy(status(501, "NotImplemented"),
        "UploadPartCopy of s3://legacy/image/avatar-1.png", settings);
    assertTrue(parts.getMessage().contains("larger --multipart-threshold"), parts.getMessage());
  }

  @Test
  void otherCopyErrorsAreClassifiedAsBefore() {
    CopySettings settings = new CopySettings(5L << 30, 8L << 20, null, "AES256", null, null);
    assertEquals(StoreFailure.Kind.REJECTED,
        S3Errors.classifyCopy(status(403, "AccessDenied"), "copy", settings).kind());
    assertEquals(StoreFailure.Kind.CHANGED,
        S3Errors.classifyCopy(status(412, "PreconditionFailed"), "copy", settings).kind());
    assertEquals(StoreFailure.Kind.TRANSIENT,
        S3Errors.classifyCopy(status(503, "SlowDown"), "copy", settings).kind());
  }
}
