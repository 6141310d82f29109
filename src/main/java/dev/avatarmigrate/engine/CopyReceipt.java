package dev.avatarmigrate.engine;

/**
 * What a copy request answered about the object it wrote: what the target must show to be verified.
 *
 * @param etag the ETag the target must have
 * @param sourceChecksum the source's full-object checksum that the copy was asked to reproduce (the same
 *     algorithm requested on the copy), or null where none is compared (see {@link CopyRule#verified})
 * @param copyChecksum the checksum of that algorithm the copy's response reported for the target, or null
 *     when the response did not say
 */
public record CopyReceipt(String etag, Checksum sourceChecksum, Checksum copyChecksum) {

  public CopyReceipt {
    etag = StoredObject.unquote(etag);
  }

  /** A copy whose verification compares size and ETag only. */
  public static CopyReceipt etagOnly(String etag) {
    return new CopyReceipt(etag, null, null);
  }
}
