package dev.avatarmigrate.config;

import java.util.regex.Pattern;

/**
 * A bucket and the key prefix inside it, from either a bare bucket name (which takes the default prefix)
 * or an {@code s3://bucket/prefix/} URI (which means exactly what it says; no prefix is the bucket root).
 */
public record BucketLocation(String bucket, String prefix) {

  // S3's naming rules: since 2018, 3 to 63 lowercase letters, digits, dots and hyphens, starting and ending with a
  // letter or digit. A legacy bucket is what this tool is for, and us-east-1 buckets made before then may be up
  // to 255 characters with capitals and underscores (the SDK addresses those path-style).
  private static final Pattern BUCKET = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{1,253}[A-Za-z0-9]");

  public BucketLocation {
    if (!BUCKET.matcher(bucket).matches()) {
      throw new ConfigException("'" + bucket + "' is not a valid bucket name: use 3-63 lowercase letters,"
          + " digits, dots or hyphens (older us-east-1 buckets also capitals and _), e.g. legacy-s3, or an"
          + " s3://bucket/prefix/ URI");
    }
    if (prefix.startsWith("/") || prefix.contains("//")) {
      throw new ConfigException("prefix '" + prefix + "' of bucket " + bucket
          + " must not start with / or contain //; write s3://" + bucket + "/image/");
    }
    if (!prefix.isEmpty() && !prefix.endsWith("/")) {
      prefix = prefix + "/";
    }
  }

  /** Parses {@code bucket} or {@code s3://bucket[/prefix/]}; {@code role} names the argument in errors. */
  public static BucketLocation parse(String text, String defaultPrefix, String role) {
    if (text == null || text.isBlank()) {
      throw new ConfigException(role + " is empty: give a bucket name or an s3://bucket/prefix/ URI");
    }
    if (!text.contains("://")) {
      if (text.contains("/") || text.contains(":")) {
        throw new ConfigException(role + " '" + text + "' is neither a bucket name nor an s3:// URI;"
            + " write it as s3://bucket/prefix/");
      }
      return new BucketLocation(text, defaultPrefix);
    }
    if (!text.startsWith("s3://")) {
      throw new ConfigException(role + " '" + text + "' is not an s3:// URI; write s3://bucket/prefix/");
    }
    String rest = text.substring("s3://".length());
    int slash = rest.indexOf('/');
    String bucket = slash < 0 ? rest : rest.substring(0, slash);
    String prefix = slash < 0 ? "" : rest.substring(slash + 1);
    if (bucket.isEmpty()) {
      throw new ConfigException(role + " '" + text + "' names no bucket; write s3://bucket/prefix/");
    }
    return new BucketLocation(bucket, prefix);
  }

  @Override
  public String toString() {
    return "s3://" + bucket + "/" + prefix;
  }
}
