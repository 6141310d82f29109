package dev.avatarmigrate;

import dev.avatarmigrate.cli.Cli;
import java.io.PrintStream;
import java.nio.file.Path;

/** Entry point. Only {@link #main} exits; {@link #run} returns the exit code, for tests. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(Cli.run(System.out, System.err, System.getenv(), Path.of("").toAbsolutePath(),
        System.console() != null, true, args));
  }

  /** Runs the command in-process with the given streams and the real environment; no signal handling. */
  public static int run(PrintStream out, PrintStream err, String... args) {
    return Cli.run(out, err, System.getenv(), Path.of("").toAbsolutePath(), false, false, args);
  }
}
