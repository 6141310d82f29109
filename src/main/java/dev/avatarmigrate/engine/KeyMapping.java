package dev.avatarmigrate.engine;

import dev.avatarmigrate.config.BucketLocation;

/**
 * The rule that turns a legacy key into its production key: the source prefix is swapped for the target
 * prefix, the name after it is kept. A key matches when its name starts with {@code match} and it is not
 * a "folder" marker. The paths in the table are these keys.
 */
public record KeyMapping(BucketLocation source, BucketLocation target, String match) {

  /** The prefix to list: the source prefix and the name filter together, so S3 filters for us. */
  public String listPrefix() {
    return source.prefix() + match;
  }

  /** The prefix to list at the target: where the moved keys land. */
  public String targetListPrefix() {
    return target.prefix() + match;
  }

  /** The prefix that legacy rows carry, for the sweep of rows left behind. */
  public String legacyPathPrefix() {
    return listPrefix();
  }

  public boolean matches(String sourceKey) {
    return sourceKey.startsWith(listPrefix()) && !sourceKey.endsWith("/");
  }

  public String targetKey(String sourceKey) {
    if (!sourceKey.startsWith(source.prefix())) {
      throw new IllegalArgumentException("key outside the source prefix: " + sourceKey);
    }
    return target.prefix() + sourceKey.substring(source.prefix().length());
  }

  /** The inverse of {@link #targetKey}, for rows whose object was already moved. */
  public String sourceKey(String targetKey) {
    return source.prefix() + targetKey.substring(target.prefix().length());
  }
}
