package dev.avatarmigrate.engine;

/**
 * An object as a listing or HEAD sees it.
 *
 * @param etag the ETag without quotes
 * @param storageClass as listed, or null when the store did not say
 * @param copiedFromEtag the source ETag recorded on a multipart copy (whose own ETag differs), or null
 * @param checksum the full-object checksum, when a HEAD asked for it and the store keeps one; a listing
 *     never shows it
 */
public record StoredObject(
    String key, long size, String etag, String storageClass, String copiedFromEtag, Checksum checksum) {

  public StoredObject(String key, long size, String etag) {
    this(key, size, etag, null, null, null);
  }

  public StoredObject(String key, long size, String etag, String storageClass, String copiedFromEtag) {
    this(key, size, etag, storageClass, copiedFromEtag, null);
  }

  public StoredObject {
    etag = unquote(etag);
  }

  public static String unquote(String etag) {
    if (etag != null && etag.length() >= 2 && etag.startsWith("\"") && etag.endsWith("\"")) {
      return etag.substring(1, etag.length() - 1);
    }
    return etag;
  }
}
