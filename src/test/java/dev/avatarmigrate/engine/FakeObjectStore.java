package dev.avatarmigrate.engine;

import dev.avatarmigrate.config.CopySettings;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * An in-memory {@link ObjectStore} that behaves like S3 where the engine depends on it: keys listed in
 * UTF-8 byte order, ETags as the MD5 of the content, a copy conditional on the source's ETag (412, here
 * {@link StoreFailure.Kind#CHANGED}). Failures can be injected per operation and key, and every call is
 * recorded, in order, in an {@link OperationLog} that a {@link FakePathTable} can share.
 */
public final class FakeObjectStore implements ObjectStore {

  /** The operations a failure can be injected into. */
  public enum Operation {
    HEAD,
    COPY,
    AWAIT,
    DELETE
  }

  /**
   * One recorded call. For {@code copy}, {@code bucket}/{@code keys} name the target and {@code detail} the
   * source; for {@code list}, {@code keys} are the keys the page returned; for {@code delete}, the keys
   * actually deleted (outcome {@code ok}) or refused (outcome {@code failed}).
   */
  public record Op(int seq, String what, String bucket, List<String> keys, String outcome, String detail) {
    public boolean ok() {
      return outcome.equals("ok") || outcome.equals("present");
    }

    public boolean isWrite() {
      return WRITES.contains(what);
    }

    @Override
    public String toString() {
      return seq + ":" + what + "(" + (bucket == null ? "" : bucket + " ") + keys
          + (detail == null ? "" : " " + detail) + ")=" + outcome;
    }
  }

  private static final Set<String> WRITES = Set.of("copy", "delete", "rewrite", "rewriteJoined");

  /** Calls to the store and to the table, in the order their effects happened. */
  public static final class OperationLog {
    private final List<Op> ops = new ArrayList<>();

    public synchronized Op add(String what, String bucket, List<String> keys, String outcome, String detail) {
      Op op = new Op(ops.size(), what, bucket, List.copyOf(keys), outcome, detail);
      ops.add(op);
      return op;
    }

    public synchronized List<Op> all() {
      return List.copyOf(ops);
    }

    /** Everything since {@code mark} (a value of {@link #size()} taken earlier). */
    public synchronized List<Op> since(int mark) {
      return List.copyOf(ops.subList(mark, ops.size()));
    }

    public synchronized int size() {
      return ops.size();
    }

    /** Every attempt to change an object or a row, whether it succeeded or not. */
    public List<Op> writes() {
      return all().stream().filter(Op::isWrite).toList();
    }
  }

  /** @param checksum a full-object SHA256, when the object was put with one (as S3 keeps it) */
  private record Blob(byte[] content, String etag, String storageClass, Checksum checksum) {}

  private record Injected(StoreFailure.Kind kind, int remaining) {}

  /** S3 lists keys in the order of their UTF-8 bytes, compared unsigned. */
  static final Comparator<String> UTF8_ORDER = (a, b) ->
      Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));

  private final Map<String, NavigableMap<String, Blob>> buckets = new HashMap<>();
  private Comparator<String> order = UTF8_ORDER;
  private final Map<String, Injected> failures = new HashMap<>();
  private final Map<String, byte[]> changeAfterListing = new HashMap<>();
  private final Map<String, byte[]> changeAfterCopy = new HashMap<>();
  private final Set<String> corruptCopies = new java.util.HashSet<>();
  private final Set<String> corruptCopiesKeepingEtag = new java.util.HashSet<>();
  private boolean copyAnswersChecksum = true;
  private final Map<String, DefaultEncryption> defaultEncryption = new HashMap<>();
  private final List<CopySettings> copySettings = new ArrayList<>();
  private final OperationLog log;
  private int pageSize = 1000;

  public FakeObjectStore() {
    this(new OperationLog());
  }

  public FakeObjectStore(OperationLog log) {
    this.log = log;
  }

  public OperationLog log() {
    return log;
  }

  // ---- set-up and inspection (not logged) ---------------------------------------------------------

  public synchronized FakeObjectStore createBucket(String bucket) {
    buckets.computeIfAbsent(bucket, b -> new TreeMap<>(order));
    return this;
  }

  public FakeObjectStore put(String bucket, String key, String content) {
    return put(bucket, key, content.getBytes(StandardCharsets.UTF_8));
  }

  public synchronized FakeObjectStore put(String bucket, String key, byte[] content) {
    createBucket(bucket);
    buckets.get(bucket).put(key, blob(content.clone(), null));
    return this;
  }

  /**
   * Puts an object with a full-object SHA256 checksum, as an upload that sent one leaves it on S3; its copies
   * are asked for the same algorithm (as the adapter does where ETags cannot be compared).
   */
  public synchronized FakeObjectStore putWithChecksum(String bucket, String key, String content) {
    createBucket(bucket);
    byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
    buckets.get(bucket).put(key, new Blob(bytes, md5(bytes), null, sha256(bytes)));
    return this;
  }

  /** Whether a copy's answer reports the new object's checksum (S3 does; some stores only show it on a HEAD). */
  public synchronized FakeObjectStore copyAnswersChecksum(boolean answers) {
    this.copyAnswersChecksum = answers;
    return this;
  }

  /** What GetBucketEncryption answers for {@code bucket} (without this: none, as {@code NOT_KMS}). */
  public synchronized FakeObjectStore defaultEncryption(String bucket, DefaultEncryption encryption) {
    defaultEncryption.put(bucket, encryption);
    return this;
  }

  /** The settings every copy request was made with, in order. */
  public synchronized List<CopySettings> copySettings() {
    return List.copyOf(copySettings);
  }

  public synchronized Optional<byte[]> content(String bucket, String key) {
    Blob b = bucket(bucket).get(key);
    return b == null ? Optional.empty() : Optional.of(b.content().clone());
  }

  public synchronized boolean exists(String bucket, String key) {
    return bucket(bucket).containsKey(key);
  }

  public synchronized List<String> keys(String bucket) {
    return List.copyOf(bucket(bucket).keySet());
  }

  /** The object as a listing would show it. */
  public synchronized StoredObject stat(String bucket, String key) {
    Blob b = bucket(bucket).get(key);
    if (b == null) {
      throw new IllegalArgumentException("no object s3://" + bucket + "/" + key);
    }
    return stored(key, b);
  }

  public synchronized FakeObjectStore pageSize(int size) {
    this.pageSize = size;
    return this;
  }

  /** Every {@code op} on {@code key} fails with {@code kind}. A failed DELETE is a per-key error. */
  public synchronized FakeObjectStore fail(Operation op, String key, StoreFailure.Kind kind) {
    failures.put(op + " " + key, new Injected(kind, Integer.MAX_VALUE));
    return this;
  }

  /** The next {@code times} calls of {@code op} on {@code key} fail with {@code kind}, then it works. */
  public synchronized FakeObjectStore failTimes(Operation op, String key, StoreFailure.Kind kind, int times) {
    failures.put(op + " " + key, new Injected(kind, times));
    return this;
  }

  /** Every DeleteObjects request in {@code bucket} fails as a whole with {@code kind}. */
  public synchronized FakeObjectStore failDeleteRequests(String bucket, StoreFailure.Kind kind) {
    failures.put("DELETE-REQUEST " + bucket, new Injected(kind, Integer.MAX_VALUE));
    return this;
  }

  /** A copy of {@code sourceKey} lands with other bytes, while the copy still promises the source's ETag. */
  public synchronized FakeObjectStore corruptCopiesOf(String sourceKey) {
    corruptCopies.add(sourceKey);
    return this;
  }

  /**
   * A copy of {@code sourceKey} lands with other bytes, and promises the ETag those bytes have, as a
   * multipart copy (whose ETag is its own) would: size and ETag agree, only a checksum can tell.
   */
  public synchronized FakeObjectStore corruptCopiesKeepingEtagOf(String sourceKey) {
    corruptCopiesKeepingEtag.add(sourceKey);
    return this;
  }

  /** Once: right after a listing page holding {@code key} is taken, the object is rewritten (a live upload). */
  public synchronized FakeObjectStore changeAfterListing(String bucket, String key, String newContent) {
    changeAfterListing.put(bucket + "/" + key, newContent.getBytes(StandardCharsets.UTF_8));
    return this;
  }

  /** Once: right after {@code key} is copied, the source is rewritten (its writer still uploads to it). */
  public synchronized FakeObjectStore changeAfterCopy(String bucket, String key, String newContent) {
    changeAfterCopy.put(bucket + "/" + key, newContent.getBytes(StandardCharsets.UTF_8));
    return this;
  }

  // ---- ObjectStore -------------------------------------------------------------------------------

  @Override
  public synchronized BucketInfo describeBucket(String bucket, String prefix) {
    if (!buckets.containsKey(bucket)) {
      log.add("describeBucket", bucket, List.of(), "missing", prefix);
      throw new PreflightException("bucket " + bucket + " does not exist");
    }
    log.add("describeBucket", bucket, List.of(), "ok", prefix);
    return new BucketInfo(bucket, "us-east-1", "owner");
  }

  @Override
  public synchronized DefaultEncryption defaultEncryption(String bucket) {
    DefaultEncryption encryption = defaultEncryption.getOrDefault(bucket, DefaultEncryption.NOT_KMS);
    log.add("defaultEncryption", bucket, List.of(), encryption.name(), null);
    return encryption;
  }

  @Override
  public void list(String bucket, String prefix, String startAfter, Predicate<List<StoredObject>> page) {
    String after = startAfter;
    while (true) {
      List<StoredObject> objects = new ArrayList<>();
      synchronized (this) {
        Injected listFailure = failures.get("LIST " + bucket);
        if (listFailure != null) {
          log.add("list", bucket, List.of(), "failed " + listFailure.kind(), prefix);
          throw new StoreFailure(listFailure.kind(), "listing s3://" + bucket + "/" + prefix + ": injected", null);
        }
        NavigableMap<String, Blob> all = bucket(bucket);
        NavigableMap<String, Blob> range = after == null ? all : all.tailMap(after, false);
        for (Map.Entry<String, Blob> e : range.entrySet()) {
          if (objects.size() == pageSize) {
            break;
          }
          if (e.getKey().startsWith(prefix)) {
            objects.add(stored(e.getKey(), e.getValue()));
          }
        }
        log.add("list", bucket, objects.stream().map(StoredObject::key).toList(), "ok", prefix);
        for (StoredObject o : objects) {
          byte[] replacement = changeAfterListing.remove(bucket + "/" + o.key());
          if (replacement != null) {
            all.put(o.key(), blob(replacement, o.storageClass()));
          }
        }
      }
      if (objects.isEmpty()) {
        return;
      }
      // The lock is released here: the engine may block on its own queues while it holds a page.
      boolean more = page.test(objects);
      if (!more || objects.size() < pageSize) {
        return;
      }
      after = objects.get(objects.size() - 1).key();
    }
  }

  /**
   * Buckets created from now on list in Java's {@code String} order (UTF-16 code units), as S3Proxy's
   * filesystem store does, instead of S3's.
   */
  public synchronized FakeObjectStore listInUtf16Order() {
    this.order = Comparator.naturalOrder();
    return this;
  }

  @Override
  public synchronized int pageKeys() {
    return pageSize;
  }

  /** Fails a listing of {@code bucket}. */
  public synchronized FakeObjectStore failListing(String bucket, StoreFailure.Kind kind) {
    failures.put("LIST " + bucket, new Injected(kind, Integer.MAX_VALUE));
    return this;
  }

  @Override
  public synchronized Optional<StoredObject> head(String bucket, String key) {
    injected(Operation.HEAD, key, "head", bucket);
    Blob b = bucket(bucket).get(key);
    log.add("head", bucket, List.of(key), b == null ? "absent" : "present", null);
    return b == null ? Optional.empty() : Optional.of(stored(key, b));
  }

  @Override
  public synchronized CopyReceipt copy(String sourceBucket, StoredObject source, String targetBucket, String targetKey,
      boolean replace, CopySettings settings) {
    String from = sourceBucket + "/" + source.key();
    copySettings.add(settings);
    try {
      injected(Operation.COPY, source.key(), "copy", targetBucket);
    } catch (StoreFailure e) {
      log.add("copy", targetBucket, List.of(targetKey), "failed " + e.kind(), from);
      throw e;
    }
    Blob current = bucket(sourceBucket).get(source.key());
    if (current == null) {
      log.add("copy", targetBucket, List.of(targetKey), "failed NOT_FOUND", from);
      throw new StoreFailure(StoreFailure.Kind.NOT_FOUND, "copy s3://" + from + ": NoSuchKey (HTTP 404)", null);
    }
    if (!current.etag().equals(source.etag())) {
      log.add("copy", targetBucket, List.of(targetKey), "failed CHANGED", from);
      throw new StoreFailure(StoreFailure.Kind.CHANGED,
          "copy s3://" + from + ": PreconditionFailed (HTTP 412), the source changed since it was listed", null);
    }
    if (!buckets.containsKey(targetBucket)) {
      log.add("copy", targetBucket, List.of(targetKey), "failed FATAL", from);
      throw new StoreFailure(StoreFailure.Kind.FATAL, "NoSuchBucket " + targetBucket, null);
    }
    if (!replace && buckets.get(targetBucket).containsKey(targetKey)) {
      log.add("copy", targetBucket, List.of(targetKey), "failed CHANGED", from);
      throw new StoreFailure(StoreFailure.Kind.CHANGED,
          "copy s3://" + from + ": PreconditionFailed (HTTP 412), If-None-Match: the target exists", null);
    }
    byte[] bytes = current.content().clone();
    if (corruptCopies.contains(source.key())) {
      bytes = Arrays.copyOf(bytes, bytes.length + 1);
    }
    if (corruptCopiesKeepingEtag.contains(source.key()) && bytes.length > 0) {
      bytes[0] ^= 1;
    }
    String storageClass = settings.storageClass() != null ? settings.storageClass() : current.storageClass();
    Checksum written = current.checksum() == null ? null : sha256(bytes);
    Blob copy = new Blob(bytes, md5(bytes), storageClass, written);
    buckets.get(targetBucket).put(targetKey, copy);
    log.add("copy", targetBucket, List.of(targetKey), "ok", from);
    byte[] rewritten = changeAfterCopy.remove(from);
    if (rewritten != null) {
      bucket(sourceBucket).put(source.key(), blob(rewritten, current.storageClass()));
    }
    String promised = corruptCopiesKeepingEtag.contains(source.key()) ? copy.etag() : current.etag();
    return new CopyReceipt(promised, current.checksum(), copyAnswersChecksum ? written : null);
  }

  @Override
  public synchronized StoredObject awaitExists(String bucket, String key, boolean withChecksum) {
    String detail = withChecksum ? "with checksum" : null;
    try {
      injected(Operation.AWAIT, key, "await", bucket);
    } catch (StoreFailure e) {
      log.add("await", bucket, List.of(key), "failed " + e.kind(), detail);
      throw e;
    }
    Blob b = bucket(bucket).get(key);
    if (b == null) {
      log.add("await", bucket, List.of(key), "failed TRANSIENT", detail);
      throw new StoreFailure(StoreFailure.Kind.TRANSIENT, "s3://" + bucket + "/" + key + " did not appear", null);
    }
    log.add("await", bucket, List.of(key), "present", detail);
    StoredObject seen = stored(key, b);
    return withChecksum
        ? new StoredObject(key, seen.size(), seen.etag(), seen.storageClass(), null, b.checksum())
        : seen;
  }

  /** Runs {@code action} as each DeleteObjects request is made, before it deletes anything (the live service). */
  public synchronized FakeObjectStore onDelete(Runnable action) {
    this.onDelete = action;
    return this;
  }

  private Runnable onDelete = () -> {};

  @Override
  public synchronized List<KeyError> delete(String bucket, List<StoredObject> objects) {
    onDelete.run();
    List<String> keys = objects.stream().map(StoredObject::key).toList();
    if (keys.size() > 1000) {
      throw new IllegalArgumentException("DeleteObjects takes at most 1,000 keys, not " + keys.size());
    }
    Injected request = failures.get("DELETE-REQUEST " + bucket);
    if (request != null) {
      log.add("delete", bucket, keys, "failed " + request.kind(), "whole request");
      throw new StoreFailure(request.kind(), "DeleteObjects in s3://" + bucket + ": injected", null);
    }
    List<KeyError> errors = new ArrayList<>();
    List<String> deleted = new ArrayList<>();
    for (StoredObject o : objects) {
      String key = o.key();
      try {
        injected(Operation.DELETE, key, "delete", bucket);
        Blob current = bucket(bucket).get(key);
        if (current != null && o.etag() != null && !current.etag().equals(o.etag())) {
          // As S3's conditional delete: the object is no longer the one named, so it stays.
          errors.add(new KeyError(key, "PreconditionFailed: At least one of the pre-conditions you specified did"
              + " not hold", true));
          continue;
        }
        bucket(bucket).remove(key);
        deleted.add(key);
      } catch (StoreFailure e) {
        errors.add(new KeyError(key, "AccessDenied: injected " + e.kind()));
      }
    }
    if (!deleted.isEmpty()) {
      log.add("delete", bucket, deleted, "ok", null);
    }
    if (!errors.isEmpty()) {
      log.add("delete", bucket, errors.stream().map(KeyError::key).toList(), "failed", null);
    }
    if (loseDeleteAnswers) {
      throw new StoreFailure(StoreFailure.Kind.TRANSIENT, "DeleteObjects in s3://" + bucket
          + ": the answer was lost (injected), though the request was carried out", null);
    }
    return errors;
  }

  private boolean loseDeleteAnswers;

  /** Every DeleteObjects request is carried out, then fails as a whole, as one whose answer a timeout lost. */
  public synchronized FakeObjectStore loseDeleteAnswers() {
    loseDeleteAnswers = true;
    return this;
  }

  @Override
  public void close() {}

  // ---- internals ---------------------------------------------------------------------------------

  private void injected(Operation op, String key, String what, String bucket) {
    String id = op + " " + key;
    Injected f = failures.get(id);
    if (f == null || f.remaining() <= 0) {
      return;
    }
    failures.put(id, new Injected(f.kind(), f.remaining() == Integer.MAX_VALUE ? f.remaining() : f.remaining() - 1));
    throw new StoreFailure(f.kind(), what + " s3://" + bucket + "/" + key + ": injected " + f.kind(), null);
  }

  private NavigableMap<String, Blob> bucket(String bucket) {
    NavigableMap<String, Blob> b = buckets.get(bucket);
    if (b == null) {
      throw new StoreFailure(StoreFailure.Kind.FATAL, "NoSuchBucket " + bucket, null);
    }
    return b;
  }

  private static Blob blob(byte[] content, String storageClass) {
    return new Blob(content, md5(content), storageClass, null);
  }

  private static Checksum sha256(byte[] content) {
    try {
      return new Checksum("SHA256",
          java.util.Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(content)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static StoredObject stored(String key, Blob b) {
    return new StoredObject(key, b.content().length, b.etag(), b.storageClass(), null);
  }

  public static String md5(byte[] content) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(content));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
