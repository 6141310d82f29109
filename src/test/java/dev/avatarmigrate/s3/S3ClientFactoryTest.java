package dev.avatarmigrate.s3;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class S3ClientFactoryTest {

  @Test
  void anEndpointVariableSetButEmptyIsOneTheSdkMustNotRead() {
    assertTrue(S3ClientFactory.blankEndpointVariable(Map.of("AWS_ENDPOINT_URL", "")));
    assertTrue(S3ClientFactory.blankEndpointVariable(Map.of("AWS_ENDPOINT_URL_S3", " ")));
    assertFalse(S3ClientFactory.blankEndpointVariable(Map.of()));
    assertFalse(S3ClientFactory.blankEndpointVariable(Map.of("AWS_ENDPOINT_URL", "http://127.0.0.1:9000")));
    // The service-specific variable is the one the SDK takes: an empty general one beside it changes nothing.
    assertFalse(S3ClientFactory.blankEndpointVariable(Map.of("AWS_ENDPOINT_URL", "",
        "AWS_ENDPOINT_URL_S3", "http://minio:9000")));
  }
}
