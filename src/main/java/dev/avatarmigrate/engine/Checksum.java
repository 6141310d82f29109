package dev.avatarmigrate.engine;

/**
 * A full-object checksum that S3 keeps for an object (an "additional checksum"), such as CRC32 {@code 2voLnQ==}.
 *
 * <p>Only full-object checksums are represented: a composite one (a checksum of part checksums, {@code …-N})
 * depends on how the object was split into parts, so it cannot be compared across a copy.
 *
 * @param algorithm as S3 names it: {@code CRC32}, {@code CRC32C}, {@code CRC64NVME}, {@code SHA1}, {@code SHA256}
 * @param value base64, as S3 reports it
 */
public record Checksum(String algorithm, String value) {

  @Override
  public String toString() {
    return algorithm + " " + value;
  }
}
