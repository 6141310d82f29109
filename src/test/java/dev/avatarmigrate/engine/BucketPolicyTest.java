package dev.avatarmigrate.engine;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BucketPolicyTest {
  @Test
  void listBucketIsGrantedOnTheBucketWithoutAPrefixCondition() {
    // HeadBucket needs s3:ListBucket and names no prefix: under an s3:prefix condition the preflight is refused.
    String policy = BucketPolicy.forSource("legacy-s3", "image/");
    assertTrue(policy.contains("\"Resource\": \"arn:aws:s3:::legacy-s3\""), policy);
    assertFalse(policy.contains("s3:prefix"), policy);
    assertTrue(policy.contains("\"Resource\": \"arn:aws:s3:::legacy-s3/image/*\""), policy);
  }
}
