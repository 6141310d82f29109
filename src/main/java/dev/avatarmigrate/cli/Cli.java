package dev.avatarmigrate.cli;

import dev.avatarmigrate.config.ConfigException;
import dev.avatarmigrate.config.ConfigSource;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import picocli.AutoComplete;
import picocli.CommandLine;

/** Builds the picocli command line and maps every error to one line and one exit code. */
public final class Cli {
  private Cli() {}

  /**
   * @param terminal stderr is a terminal: draw a live progress line
   * @param handleSignals install the Ctrl-C/SIGTERM handler (only for the real process)
   */
  public static int run(PrintStream out, PrintStream err, Map<String, String> env, Path workDir, boolean terminal,
      boolean handleSignals, String... args) {
    Logging.configure(args);
    ConfigSource config;
    try {
      Path envFile = envFileArgument(args);
      if (envFile == null && env.get("AVATARMIGRATE_ENV_FILE") != null && !env.get("AVATARMIGRATE_ENV_FILE").isBlank()) {
        envFile = Path.of(env.get("AVATARMIGRATE_ENV_FILE"));
      }
      config = ConfigSource.load(env, envFile == null ? null : workDir.resolve(envFile), workDir);
    } catch (ConfigException e) {
      err.println("avatarMigrate: " + e.getMessage());
      return ExitCodes.USAGE;
    }
    AvatarMigrateCommand command = new AvatarMigrateCommand(config, new Runner(out, err, terminal, handleSignals));
    CommandLine cli = new CommandLine(command)
        .setDefaultValueProvider(new EnvDefaults(config))
        .setOut(new PrintWriter(out, true))
        .setErr(new PrintWriter(err, true))
        .setParameterExceptionHandler((e, a) -> {
          err.println("avatarMigrate: " + e.getMessage() + " (see avatarMigrate --help)");
          return ExitCodes.USAGE;
        })
        .setExecutionExceptionHandler((e, commandLine, parseResult) -> {
          int code = ExitCodes.of(e);
          if (code == ExitCodes.SOFTWARE) {
            err.println("avatarMigrate: unexpected error (a bug; please report it with this trace):");
            e.printStackTrace(err);
            return code;
          }
          err.println("avatarMigrate: " + e.getMessage());
          if (verbose(args)) {
            for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
              err.println("  caused by: " + cause);
            }
          }
          return code;
        });
    // Hidden: `make install` writes the bash completion script from it.
    CommandLine completion = new CommandLine(new AutoComplete.GenerateCompletion());
    completion.getCommandSpec().usageMessage().hidden(true);
    cli.addSubcommand("generate-completion", completion);
    return cli.execute(args);
  }

  /** {@code --env-file} is needed before parsing, since the file supplies option defaults. */
  static Path envFileArgument(String[] args) {
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--env-file")) {
        if (i + 1 >= args.length) {
          throw new ConfigException("--env-file needs a FILE");
        }
        return Path.of(args[i + 1]);
      }
      if (args[i].startsWith("--env-file=")) {
        return Path.of(args[i].substring("--env-file=".length()));
      }
    }
    return null;
  }

  private static boolean verbose(String[] args) {
    for (String a : args) {
      if (a.equals("-v") || a.equals("--verbose") || a.startsWith("-vv")) {
        return true;
      }
    }
    return false;
  }
}
