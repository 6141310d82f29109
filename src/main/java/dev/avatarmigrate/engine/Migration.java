package dev.avatarmigrate.engine;

import dev.avatarmigrate.config.Method;
import dev.avatarmigrate.config.Settings;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * One run: preflight, the run lock, the move (object or sync mode), then the sweep of rows left behind.
 * Reports everything to the listener and returns the totals; never prints, never exits.
 */
public final class Migration {
  private final Settings settings;
  private final ObjectStore store;
  private final PathTable table;
  private final MigrationListener listener;
  private final SummaryCounter counter;
  private final Pace.Clock clock;
  private final Replicas replicas;

  public Migration(Settings settings, ObjectStore store, PathTable table, MigrationListener listener) {
    this(settings, store, table, Replicas.NONE, listener);
  }

  /** @param replicas the database's replicas named by {@code --replica}: deletes wait until they show the rows */
  public Migration(Settings settings, ObjectStore store, PathTable table, Replicas replicas,
      MigrationListener listener) {
    this(settings, store, table, replicas, listener, Pace.SYSTEM);
  }

  /** @param clock what {@code --max-rate} and the wait for replicas go by */
  Migration(Settings settings, ObjectStore store, PathTable table, Replicas replicas, MigrationListener listener,
      Pace.Clock clock) {
    this.settings = settings;
    this.replicas = replicas;
    this.clock = clock;
    this.counter = new SummaryCounter(settings.dryRun());
    this.store = store;
    this.table = table;
    this.listener = MigrationListener.all(List.of(counter, listener));
  }

  /** Live totals, for a progress line. */
  public SummaryCounter progress() {
    return counter;
  }

  /**
   * Runs to the end, or until {@code stop} is requested (then in-flight objects finish their steps).
   *
   * @throws PreflightException when a bucket, table, column, credential or the run lock is unusable
   */
  public RunSummary run(StopSignal stop) {
    long started = System.nanoTime();
    listener.phase("preflight");
    MovePlan planned = MovePlan.of(settings);
    // The first page of sources is asked for now, beside the preflight's requests, instead of after them.
    SourceListing sources = SourceListing.of(store, planned).prefetch();
    MovePlan plan = checkBuckets(planned, sources);
    PathTable.TableCheck check = checkTable();

    // A dry run writes nothing, so it is not held to --max-rate.
    Pace pace = settings.maxRate() == 0 || settings.dryRun() ? Pace.none() : Pace.perSecond(settings.maxRate(), clock);
    MoveSteps steps = new MoveSteps(store, table, plan, check.maxPathLength(),
        new ReplicaWait(replicas, clock, stop, listener), stop, clock);
    MoveRun run = new MoveRun(steps, store, plan, sources,
        settings.concurrency(), pace, listener, stop);
    listener.phase(settings.dryRun() ? "planning (dry run: nothing is written)" : "moving");
    if (settings.method() == Method.SYNC) {
      new SyncPipeline(run).run();
    } else {
      new ObjectPipeline(run).run();
    }
    stop.rethrowFatal();
    if (pace.limits()) {
      listener.note("--max-rate " + pace.perSecond() + ": waited " + seconds(pace.waitedNanos())
          + " in all to keep to " + pace.perSecond() + " objects a second");
    }

    if (!stop.requested()) {
      listener.phase("checking rows left with legacy paths");
      ExecutorService pool = Executors.newFixedThreadPool(settings.concurrency(), SyncPipeline.daemon("avatarMigrate-sweep"));
      try {
        new RowSweep(run, table).run(pool);
      } finally {
        pool.shutdownNow();
      }
    }
    Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
    RunSummary summary = counter.summary(settings.dryRun(), stop.interrupted(), elapsed);
    if (summary.matched() == 0 && !stop.requested() && plan.mapping().source().prefix().isEmpty()
        && holdsAny(plan.sourceBucket(), "image/" + settings.match())) {
      listener.warning("no object at the root of bucket " + plan.sourceBucket() + " starts with "
          + plan.mapping().listPrefix() + ", but some under image/ do: s3://" + plan.sourceBucket() + " names the bucket's root, while the"
          + " bucket's name alone means s3://" + plan.sourceBucket() + "/image/");
    }
    return summary;
  }

  /** One listing request: whether anything in {@code bucket} starts with {@code prefix}. */
  private boolean holdsAny(String bucket, String prefix) {
    boolean[] any = {false};
    store.list(bucket, prefix, null, page -> {
      any[0] = !page.isEmpty();
      return false;
    });
    return any[0];
  }

  private static String seconds(long nanos) {
    return String.format(java.util.Locale.ROOT, "%.1f s", nanos / 1e9);
  }

  /**
   * Both buckets usable, the source listable under the run's prefix; returns the plan with what the target bucket's
   * default encryption means for copies.
   */
  private MovePlan checkBuckets(MovePlan plan, SourceListing sources) {
    // The source's listing is checked by its first page, already asked for, rather than by a listing of its own.
    ObjectStore.BucketInfo source = store.describeBucket(plan.sourceBucket(), null);
    ObjectStore.BucketInfo target = store.describeBucket(plan.targetBucket(), plan.mapping().targetListPrefix());
    boolean otherRegion = source.region() != null && target.region() != null
        && !Objects.equals(source.region(), target.region());
    boolean otherOwner = source.ownerId() != null && target.ownerId() != null
        && !Objects.equals(source.ownerId(), target.ownerId());
    if (otherRegion || otherOwner) {
      listener.warning("source bucket " + source.bucket() + " (" + source.region() + ") and target bucket "
          + target.bucket() + " (" + target.region() + ") differ in " + (otherOwner ? "owner" : "region")
          + "; the identity running this needs, on the source bucket, a policy such as:\n"
          + BucketPolicy.forSource(source.bucket(), plan.mapping().source().prefix()));
    }
    MovePlan checked = withTargetEncryption(plan, target);
    sources.awaitFirstPage();
    return checked;
  }

  /** The plan with what the target bucket's default encryption means for copies. */
  private MovePlan withTargetEncryption(MovePlan plan, ObjectStore.BucketInfo target) {
    if (plan.copy().sse() != null) {
      return plan; // the copies are encrypted as --sse says, whatever the bucket's default
    }
    ObjectStore.DefaultEncryption encryption = store.defaultEncryption(target.bucket());
    if (encryption == ObjectStore.DefaultEncryption.DENIED) {
      listener.warning("cannot read the default encryption of bucket " + target.bucket() + ": the credentials lack"
          + " s3:GetEncryptionConfiguration on it. If it encrypts new objects with SSE-KMS, pass --sse aws:kms:"
          + " without it such copies are not verified by checksum, and a re-run reports those already made as"
          + " conflicts");
    }
    // NOT_KMS: copies keep MD5 ETags. UNKNOWN (the store does not say): the flags decide, as they always did.
    if (encryption != ObjectStore.DefaultEncryption.KMS) {
      return plan;
    }
    listener.note("bucket " + target.bucket() + " encrypts new objects with SSE-KMS by default: the copies record"
        + " their source's ETag and are verified by checksum, as with --sse aws:kms");
    return plan.withCopy(plan.copy().withTargetDefaultsToKms());
  }

  private PathTable.TableCheck checkTable() {
    PathTable.TableCheck check = table.check();
    if (!check.indexed()) {
      listener.warning("no index covers " + settings.table() + "." + settings.column()
          + ": each row rewrite scans the table (about " + check.approximateRows() + " rows). Create one first: "
          + check.createIndexStatement());
    }
    String refused = check.updateRefused() != null ? check.updateRefused()
        : settings.method() == Method.SYNC && !settings.dryRun() ? table.temporaryTablesRefused() : null;
    if (refused != null && !settings.dryRun()) {
      throw new PreflightException(refused);
    }
    if (refused != null) {
      // A plan needs only SELECT; say now what would stop the real run.
      listener.warning(refused + " (the dry run goes on; a real run would stop here)");
    }
    // Before the run lock: a replica that cannot be read stops the run before anything is written.
    replicas.check().forEach(listener::warning);
    if (!settings.dryRun()) {
      table.lockRun();
    }
    return check;
  }
}
