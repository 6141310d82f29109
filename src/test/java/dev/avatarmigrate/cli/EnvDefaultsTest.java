package dev.avatarmigrate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EnvDefaultsTest {

  @ParameterizedTest
  @CsvSource({
      "--on-conflict, AVATARMIGRATE_ON_CONFLICT",
      "--table, AVATARMIGRATE_TABLE",
      "--concurrency, AVATARMIGRATE_CONCURRENCY",
      "--max-rate, AVATARMIGRATE_MAX_RATE",
      "--multipart-threshold, AVATARMIGRATE_MULTIPART_THRESHOLD",
      "--sse-kms-key-id, AVATARMIGRATE_SSE_KMS_KEY_ID",
      "--path-style, AVATARMIGRATE_PATH_STYLE"})
  void anOptionReadsAvatarmigrateAndItsNameInUpperSnakeCase(String option, String key) {
    assertEquals(key, EnvDefaults.keyFor(option));
  }

  @ParameterizedTest
  @CsvSource({
      "--endpoint-url, AWS_ENDPOINT_URL",
      "--region, AWS_REGION",
      "--profile, AWS_PROFILE"})
  void theAwsOptionsReadTheStandardAwsVariables(String option, String key) {
    assertEquals(key, EnvDefaults.keyFor(option));
  }

  @Test
  void onlyTheLeadingDashesAreDropped() {
    assertEquals("AVATARMIGRATE_DRY_RUN", EnvDefaults.keyFor("--dry-run"));
  }
}
