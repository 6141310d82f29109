package dev.avatarmigrate.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.avatarmigrate.engine.ObjectStore.DefaultEncryption;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.s3.model.GetBucketEncryptionResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** How the answers of GetBucketEncryption are read; moto and S3Proxy show the rest in the ITs. */
class DefaultEncryptionTest {

  private static DefaultEncryption answer(String algorithm) {
    return S3ObjectStore.defaultEncryption(GetBucketEncryptionResponse.builder()
        .serverSideEncryptionConfiguration(c -> c.rules(r -> r.applyServerSideEncryptionByDefault(
            d -> d.sseAlgorithm(algorithm)).bucketKeyEnabled(true)))
        .build());
  }

  private static DefaultEncryption error(int status, String code) {
    return S3ObjectStore.defaultEncryption((S3Exception) S3Exception.builder().statusCode(status)
        .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).build()).build());
  }

  @Test
  void kmsAndDsseKmsDefaultsAreKms() {
    assertEquals(DefaultEncryption.KMS, answer("aws:kms"));
    assertEquals(DefaultEncryption.KMS, answer("aws:kms:dsse"));
  }

  @Test
  void sseS3OrNoConfigurationIsNotKms() {
    assertEquals(DefaultEncryption.NOT_KMS, answer("AES256"));
    assertEquals(DefaultEncryption.NOT_KMS, error(404, "ServerSideEncryptionConfigurationNotFoundError"));
  }

  @Test
  void accessDeniedIsDenied() {
    assertEquals(DefaultEncryption.DENIED, error(403, "AccessDenied"));
  }

  @Test
  void aStoreThatDoesNotImplementItOrFailsLeavesItUnknown() {
    assertEquals(DefaultEncryption.UNKNOWN, error(501, "NotImplemented"));
    assertEquals(DefaultEncryption.UNKNOWN, error(503, "ServiceUnavailable"));
  }
}
