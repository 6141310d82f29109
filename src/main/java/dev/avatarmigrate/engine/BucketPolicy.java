package dev.avatarmigrate.engine;

/**
 * The bucket policy a cross-account or cross-region move needs on the source bucket. {@code s3:ListBucket} is
 * granted on the whole bucket, not under an {@code s3:prefix} condition: HeadBucket (the preflight) needs it and
 * names no prefix, and without it a HEAD of a key that is not there answers 403 instead of 404.
 */
final class BucketPolicy {
  private BucketPolicy() {}

  static String forSource(String bucket, String prefix) {
    return """
        {
          "Version": "2012-10-17",
          "Statement": [
            {
              "Sid": "AvatarMigrateList",
              "Effect": "Allow",
              "Principal": {"AWS": "arn:aws:iam::TARGET_ACCOUNT_ID:role/ROLE_THAT_RUNS_AVATARMIGRATE"},
              "Action": ["s3:ListBucket", "s3:GetBucketLocation"],
              "Resource": "arn:aws:s3:::%1$s"
            },
            {
              "Sid": "AvatarMigrateMove",
              "Effect": "Allow",
              "Principal": {"AWS": "arn:aws:iam::TARGET_ACCOUNT_ID:role/ROLE_THAT_RUNS_AVATARMIGRATE"},
              "Action": ["s3:GetObject", "s3:GetObjectVersion", "s3:GetObjectTagging", "s3:DeleteObject"],
              "Resource": "arn:aws:s3:::%1$s/%2$s*"
            }
          ]
        }""".formatted(bucket, prefix);
  }
}
