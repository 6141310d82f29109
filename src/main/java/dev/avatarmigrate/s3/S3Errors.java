package dev.avatarmigrate.s3;

import dev.avatarmigrate.config.CopySettings;
import dev.avatarmigrate.engine.StoreFailure;
import dev.avatarmigrate.engine.StoreFailure.Kind;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;

/** Classifies each SDK error once, into what the engine can act on. The SDK has already retried. */
final class S3Errors {
  private S3Errors() {}

  static StoreFailure classify(SdkException e, String what) {
    if (e instanceof AwsServiceException s) {
      int status = s.statusCode();
      String code = s.awsErrorDetails() == null ? null : s.awsErrorDetails().errorCode();
      String detail = what + ": " + (code == null ? "HTTP " + status : code + " (HTTP " + status + ")");
      if (status == 412) {
        return new StoreFailure(Kind.CHANGED, detail + ", the source changed since it was listed", e);
      }
      if ("NoSuchBucket".equals(code)) {
        return new StoreFailure(Kind.FATAL, detail + ": the bucket does not exist any more", e);
      }
      if ("InvalidAccessKeyId".equals(code) || "SignatureDoesNotMatch".equals(code)
          || "ExpiredToken".equals(code) || "InvalidToken".equals(code) || "TokenRefreshRequired".equals(code)) {
        return new StoreFailure(Kind.FATAL, detail + ": the AWS credentials were refused; check them and re-run", e);
      }
      if (status == 404) {
        return new StoreFailure(Kind.NOT_FOUND, detail, e);
      }
      if (status == 501) {
        return new StoreFailure(Kind.REJECTED, detail + ": this S3 service does not support the request", e);
      }
      if (status >= 500 || status == 429) {
        return new StoreFailure(Kind.TRANSIENT, detail + " after " + S3ClientFactory.MAX_ATTEMPTS + " attempts", e);
      }
      return new StoreFailure(Kind.REJECTED, detail, e);
    }
    for (Throwable t = e.getCause(); t != null && t != t.getCause(); t = t.getCause()) {
      // Anywhere in the causes: the waiter wraps what its HEAD met once more.
      if (t instanceof UntrustedCertificate) {
        return new StoreFailure(Kind.FATAL, t.getMessage(), e);
      }
    }
    if (e instanceof SdkClientException && isCredentialProblem(e)) {
      return new StoreFailure(Kind.FATAL, "no usable AWS credentials: set AWS_ACCESS_KEY_ID and"
          + " AWS_SECRET_ACCESS_KEY, AWS_PROFILE or --profile", e);
    }
    return new StoreFailure(Kind.TRANSIENT, what + ": " + firstLine(e.getMessage()), e);
  }

  /**
   * As {@link #classify}, for a copy (CopyObject, CreateMultipartUpload, UploadPartCopy). A store that does not
   * implement the request (501) will not implement it for the next object either: it is the run's configuration
   * (an {@code --sse}, {@code --acl} or {@code --storage-class} the store does not take, or copies by parts), not
   * this object's failure, so the run stops (exit 3) with one line naming what was asked for; nothing was copied
   * by the refused request, and a re-run without the option picks up where this one stopped.
   */
  static StoreFailure classifyCopy(SdkException e, String what, CopySettings settings) {
    StoreFailure f = classify(e, what);
    if (e instanceof AwsServiceException s && s.statusCode() == 501) {
      StringBuilder asked = new StringBuilder();
      if (settings.storageClass() != null) {
        asked.append(" --storage-class ").append(settings.storageClass());
      }
      if (settings.sse() != null) {
        asked.append(" --sse ").append(settings.sse());
        if (settings.sseKmsKeyId() != null) {
          asked.append(" --sse-kms-key-id");
        }
      }
      if (settings.acl() != null) {
        asked.append(" --acl ").append(settings.acl());
      }
      String hint = asked.length() > 0
          ? "; the copies asked for" + asked + ": run again without what it does not support"
          : what.startsWith("UploadPartCopy")
              ? "; the store does not copy by parts: a larger --multipart-threshold may do"
              : "; the store does not implement this copy (it carries the source's storage class and metadata):"
                  + " check what the store supports, e.g. --storage-class STANDARD";
      return new StoreFailure(StoreFailure.Kind.FATAL, f.getMessage() + hint, e);
    }
    return f;
  }

  static boolean isCredentialProblem(Throwable e) {
    String m = String.valueOf(e.getMessage());
    return m.contains("Unable to load credentials") || m.contains("credentials provider")
        || m.contains("Profile file contained no credentials") || m.contains("profile");
  }

  static String firstLine(String message) {
    if (message == null) {
      return "unknown error";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }
}
