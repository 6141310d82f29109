package dev.avatarmigrate.config;

import java.nio.file.Path;
import java.util.List;

/**
 * Everything one run needs, resolved once from flags, environment, {@code .env} and defaults.
 *
 * @param replicas the database's replicas ({@code --replica}); empty when none were named
 * @param maxRate at most this many objects a second ({@code --max-rate}); 0: no limit
 */
public record Settings(
    BucketLocation source,
    BucketLocation target,
    DatabaseTarget database,
    List<DatabaseTarget> replicas,
    String match,
    Identifier table,
    Identifier column,
    Method method,
    int concurrency,
    int maxRate,
    OnConflict onConflict,
    boolean dryRun,
    boolean keepSource,
    Path report,
    S3Settings s3,
    CopySettings copy) {

  /** The effective settings for a log line; secrets are masked by the records' own toString. */
  public String describe() {
    return "source=" + source + " target=" + target + " database=" + database.displayUrl()
        + " user=" + database.user()
        + " replicas=" + (replicas.isEmpty() ? "none" : String.join(",", replicas.stream()
            .map(DatabaseTarget::displayUrl).toList())) + " table=" + table + " column=" + column + " match=" + match
        + " method=" + method.name().toLowerCase(java.util.Locale.ROOT) + " concurrency=" + concurrency
        + " maxRate=" + (maxRate == 0 ? "none" : maxRate + "/s")
        + " onConflict=" + onConflict.name().toLowerCase(java.util.Locale.ROOT) + " dryRun=" + dryRun
        + " keepSource=" + keepSource + " report=" + (report == null ? "none" : report)
        + " multipartThreshold=" + ByteSize.format(copy.multipartThreshold())
        + " storageClass=" + (copy.storageClass() == null ? "source's" : copy.storageClass())
        + " sse=" + (copy.sse() == null ? "bucket default" : copy.sse())
        + (copy.sseKmsKeyId() == null ? "" : " sseKmsKeyId=" + copy.sseKmsKeyId())
        + " acl=" + (copy.acl() == null ? "none" : copy.acl()) + " " + s3;
  }
}
