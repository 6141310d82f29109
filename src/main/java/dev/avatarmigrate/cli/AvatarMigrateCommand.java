package dev.avatarmigrate.cli;

import dev.avatarmigrate.config.BucketLocation;
import dev.avatarmigrate.config.ConfigException;
import dev.avatarmigrate.config.ConfigSource;
import dev.avatarmigrate.config.CopySettings;
import dev.avatarmigrate.config.DatabaseTarget;
import dev.avatarmigrate.config.HttpsProxy;
import dev.avatarmigrate.config.Identifier;
import dev.avatarmigrate.config.Method;
import dev.avatarmigrate.config.OnConflict;
import dev.avatarmigrate.config.S3Settings;
import dev.avatarmigrate.config.SdkProxy;
import dev.avatarmigrate.config.Settings;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help;
import picocli.CommandLine.Option;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** The {@code avatarMigrate} command: gathers options into {@link Settings} and hands them to a {@link Run}. */
@Command(
    name = "avatarMigrate",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    sortOptions = false,
    usageHelpAutoWidth = true,
    synopsisSubcommandLabel = "",
    showDefaultValues = true,
    description = {
        "Moves every legacy avatar (SOURCE, default prefix image/) to the production bucket (TARGET, default"
            + " prefix avatar/), verifies each copy, rewrites its rows in the DATABASE's avatar table, and only"
            + " then deletes the source. Safe to kill at any moment; running it again finishes the job.",
        ""},
    parameterListHeading = "%nArguments:%n",
    optionListHeading = "%nOptions (each also reads AVATARMIGRATE_<OPTION> from the environment or .env):%n",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
        "0:Every matched object was moved and verified, its rows rewritten.",
        "1:Finished, but some objects failed, conflicted or have dangling rows; the report says which, a re-run"
            + " retries.",
        "2:Usage or configuration error (arguments, .env, options); nothing was contacted.",
        "3:A bucket, credential, endpoint certificate, table, column, the run lock, the database or the report is"
            + " unusable; the message names it.",
        "130:Stopped by Ctrl-C (143: by SIGTERM); in-flight objects finished. Run again to complete."},
    footerHeading = "%nExamples:%n",
    footer = {
        "  avatarMigrate legacy-s3 production-s3 update_db",
        "  avatarMigrate --dry-run --report plan.jsonl legacy-s3 production-s3 update_db",
        "  avatarMigrate s3://legacy-s3/image/ s3://production-s3/avatar/ \\",
        "      jdbc:mariadb://db:3306/app --method sync",
        "",
        "Database login: DB_HOST, DB_PORT, DB_USER, DB_PASSWORD.",
        "AWS credentials: the SDK's chain (keys, AWS_PROFILE, SSO, instance role).",
        "Proxy: HTTPS_PROXY and NO_PROXY, for S3 and for the credential requests.",
        "Precedence: flags > environment > .env > defaults."})
public final class AvatarMigrateCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "SOURCE", description = "Legacy bucket name, or s3://bucket/prefix/.")
  String source;

  @Parameters(index = "1", paramLabel = "TARGET", description = "Production bucket name, or s3://bucket/prefix/.")
  String target;

  @Parameters(index = "2", paramLabel = "DATABASE",
      description = "Database name on DB_HOST:DB_PORT, or jdbc:mariadb://host:3306/db.")
  String database;

  @Option(names = "--method", defaultValue = "object", paramLabel = "object|sync",
      description = "object: streaming per-object pipeline. sync: bulk mode, listings and set-wise row updates.")
  String method;

  @Option(names = "--match", defaultValue = "avatar-", paramLabel = "PREFIX",
      description = "Only objects whose name (after the source prefix) starts with this.")
  String match;

  @Option(names = "--table", defaultValue = "avatars", description = "Table holding the paths.")
  String table;

  @Option(names = "--column", defaultValue = "path", description = "Column holding the paths.")
  String column;

  @Option(names = "--replica", paramLabel = "HOST[:PORT]|URL", hideParamSyntax = true,
      description = "A replica of the database that readers use: a source is deleted only once every replica has"
          + " applied its rows' rewrite. Repeat, or separate hosts with commas. HOST[:PORT] means the DATABASE's"
          + " name, login and port there; or a jdbc:mariadb:// URL.")
  List<String> replicas;

  @Option(names = "--dry-run", description = "List, compare and report what would happen; write nothing anywhere.")
  boolean dryRun;

  @Option(names = "--keep-source", description = "Copy and rewrite rows, but leave the legacy objects in place.")
  boolean keepSource;

  @Option(names = "--concurrency", defaultValue = "32", paramLabel = "N",
      description = "Copy workers, and the size of the HTTP connection pool.")
  String concurrency;

  @Option(names = "--max-rate", defaultValue = "0", paramLabel = "N",
      description = "At most N objects a second (copies, row rewrites and deletes follow), to go gently on S3 and"
          + " the database while the service runs; 0: no limit. Not applied to --dry-run.")
  String maxRate;

  @Option(names = "--on-conflict", defaultValue = "skip", paramLabel = "skip|overwrite",
      description = "A different object already at the target key: skip leaves both and reports it.")
  String onConflict;

  @Option(names = "--report", paramLabel = "FILE",
      description = "Write JSON Lines: one line per object, then a summary line.")
  Path report;

  @Option(names = "--multipart-threshold", defaultValue = "5GiB", paramLabel = "SIZE",
      description = "Objects larger than this are copied by parts (UploadPartCopy), e.g. 5GiB, 100MB.")
  String multipartThreshold;

  @Option(names = "--storage-class", paramLabel = "CLASS", description = "Storage class at the target (default: the source's).")
  String storageClass;

  @Option(names = "--sse", paramLabel = "AES256|aws:kms|aws:kms:dsse",
      description = "Server-side encryption of the copies.")
  String sse;

  @Option(names = "--sse-kms-key-id", paramLabel = "KEY", description = "KMS key for --sse aws:kms or aws:kms:dsse.")
  String sseKmsKeyId;

  @Option(names = "--acl", paramLabel = "ACL", description = "Canned ACL for the copies, e.g. bucket-owner-full-control.")
  String acl;

  @Option(names = "--endpoint-url", paramLabel = "URL", description = "S3-compatible endpoint (reads AWS_ENDPOINT_URL).")
  String endpointUrl;

  @Option(names = "--region", description = "AWS region (reads AWS_REGION); each bucket is reached in its own.")
  String region;

  @Option(names = "--profile", description = "AWS profile (reads AWS_PROFILE, unless AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are set).")
  String profile;

  @Option(names = "--path-style", negatable = true,
      description = "Path-style bucket addressing (--no-path-style: virtual-hosted); on by default with"
          + " --endpoint-url. Reads AVATARMIGRATE_PATH_STYLE=true|false.")
  Boolean pathStyle;

  @Option(names = "--env-file", paramLabel = "FILE", description = "Read settings from FILE (default: ./.env when present).")
  Path envFile;

  @Option(names = {"-v", "--verbose"}, showDefaultValue = Help.Visibility.NEVER, description = "More detail; -vv lists every object.")
  boolean[] verbose = new boolean[0];

  @Option(names = {"-q", "--quiet"}, description = "Only errors and the summary.")
  boolean quiet;

  private final ConfigSource config;
  private final Run run;

  AvatarMigrateCommand(ConfigSource config, Run run) {
    this.config = config;
    this.run = run;
  }

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    if (spec != null) {
      UnknownKeys.refuse(config, spec);
    }
    refuseSwitchFromConfig("--dry-run", dryRun);
    refuseSwitchFromConfig("--keep-source", keepSource);
    refuseSwitchFromConfig("--verbose", verbose.length > 0);
    refuseSwitchFromConfig("--quiet", quiet);
    Settings settings;
    try {
      settings = settings();
    } catch (ConfigException e) {
      throw withOrigin(e);
    }
    return run.execute(settings, quiet ? -1 : verbose.length);
  }

  /**
   * Switches that change what a run writes come only from the command line. One set in the environment or
   * .env, and not given, is refused rather than ignored: whoever set AVATARMIGRATE_DRY_RUN=true expects a run
   * that writes nothing.
   */
  private void refuseSwitchFromConfig(String option, boolean given) {
    String key = EnvDefaults.keyFor(option);
    String value = config.get(key).orElse("false").trim().toLowerCase(java.util.Locale.ROOT);
    if (!given && !value.equals("false") && !value.equals("0") && !value.equals("no")) {
      throw new ConfigException(key + " is set, but " + option + " is only taken from the command line: pass "
          + option + " (or unset " + key + ")");
    }
  }

  /**
   * An error about an option that was not on the command line says where its value came from, so the operator
   * looks in the right place (an exported variable, a line of .env) and not at the command they typed.
   */
  private ConfigException withOrigin(ConfigException e) {
    String message = String.valueOf(e.getMessage());
    if (spec == null || !message.startsWith("--")) {
      return e;
    }
    String option = message.split("[ :]", 2)[0];
    if (spec.findOption(option) == null || spec.commandLine().getParseResult().hasMatchedOption(option)) {
      return e;
    }
    String key = EnvDefaults.keyFor(option);
    return config.get(key).isPresent()
        ? new ConfigException(message + " (the value comes from " + key + ", in the environment or .env)")
        : e;
  }

  Settings settings() {
    BucketLocation src = BucketLocation.parse(source, "image/", "SOURCE");
    BucketLocation dst = BucketLocation.parse(target, "avatar/", "TARGET");
    if (src.bucket().equals(dst.bucket()) && (src.prefix().startsWith(dst.prefix()) || dst.prefix().startsWith(src.prefix()))) {
      throw new ConfigException("SOURCE " + src + " and TARGET " + dst + " overlap: give distinct prefixes");
    }
    if (match.contains("/") ) {
      throw new ConfigException("--match '" + match + "' must be a name prefix without /, e.g. avatar-");
    }
    DatabaseTarget db = DatabaseTarget.parse(database, config.get("DB_HOST", "127.0.0.1"),
        Options.port(config.get("DB_PORT", "3306")), config.get("DB_USER", "root"), config.get("DB_PASSWORD").orElse(null));
    List<DatabaseTarget> replicaTargets = Options.replicas(replicas, db);
    long threshold = Options.multipartThreshold(multipartThreshold);
    URI endpoint = Options.endpoint(endpointUrl);
    String accessKeyId = config.get("AWS_ACCESS_KEY_ID").orElse(null);
    String secretAccessKey = config.get("AWS_SECRET_ACCESS_KEY").orElse(null);
    S3Settings s3 = new S3Settings(endpoint, blankToNull(region), blankToNull(profile),
        pathStyle != null ? pathStyle : config.get("AVATARMIGRATE_PATH_STYLE")
            .map(v -> Options.bool("AVATARMIGRATE_PATH_STYLE", v)).orElse(endpointUrl != null),
        accessKeyId, secretAccessKey,
        config.get("AWS_SESSION_TOKEN").orElse(null), HttpsProxy.resolve(config, endpoint, blankToNull(region)),
        // HTTPS_PROXY is read (and a malformed one refused) only where a request will use it.
        blankToNull(profile) != null || !S3Settings.staticKeys(accessKeyId, secretAccessKey)
            ? SdkProxy.resolve(config) : null);
    CopySettings copy = new CopySettings(threshold, Options.partSize(threshold), Options.storageClass(storageClass),
        Options.sse(sse, sseKmsKeyId), blankToNull(sseKmsKeyId), Options.acl(acl));
    return new Settings(src, dst, db, replicaTargets, match, new Identifier(table), new Identifier(column),
        Options.choice("--method", method, Method.class), Options.positive("--concurrency", concurrency, 1024),
        Options.rate("--max-rate", maxRate),
        Options.choice("--on-conflict", onConflict, OnConflict.class), dryRun, keepSource, report, s3, copy);
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }

  /** Executes a run with resolved settings; the seam that keeps this class free of the engine's wiring. */
  interface Run {
    int execute(Settings settings, int verbosity);
  }
}
