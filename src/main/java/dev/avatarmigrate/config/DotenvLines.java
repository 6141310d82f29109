package dev.avatarmigrate.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code KEY=value} lines of a {@code .env} file, checked line by line before dotenv-java reads the file, by the
 * rules docker compose and most dotenv tools share: a UTF-8 byte order mark and an {@code export } prefix are
 * dropped; {@code 'single'} quotes are taken literally and removed; {@code "double"} quotes are removed; a quote
 * must close on its own line (dotenv-java would otherwise read every later line into the value); in an unquoted
 * value {@code #} starts a comment only at its start or after a space. Errors name the line, never its text.
 */
final class DotenvLines {
  private static final char BOM = '\uFEFF';
  /** dotenv-java's own key syntax, so that a line read here is a line it reads too. */
  private static final Pattern KEY_VALUE = Pattern.compile("([A-Za-z0-9_.-]+)\\s*=\\s*");
  private static final Pattern EXPORT = Pattern.compile("export\\s+");

  /**
   * One {@code KEY=value} line. {@code readHere}: dotenv-java reads that line otherwise (it keeps single quotes,
   * cuts {@code p#ss} at the {@code #}, refuses {@code export} and a byte order mark), so its value is this one.
   */
  record Entry(String key, String value, int line, boolean readHere) {}

  private DotenvLines() {}

  static List<Entry> read(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (CharacterCodingException e) {
      throw new ConfigException(file + " is not UTF-8 text: save it as UTF-8, or point --env-file elsewhere");
    } catch (IOException | UncheckedIOException e) {
      throw new ConfigException(file + " cannot be read (" + e.getClass().getSimpleName()
          + "): check its permissions, or point --env-file elsewhere");
    }
    List<Entry> entries = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      Entry entry = entry(file, lines.get(i), i + 1);
      if (entry != null) {
        entries.add(entry);
      }
    }
    return entries;
  }

  /** The entry on {@code text}, line {@code number}; null for a blank or comment line. */
  static Entry entry(Path file, String text, int number) {
    boolean readHere = false;
    if (number == 1 && !text.isEmpty() && text.charAt(0) == BOM) {
      text = text.substring(1);
      readHere = true;
    }
    String line = text.strip();
    if (line.isEmpty() || line.startsWith("#")) {
      return null;
    }
    Matcher export = EXPORT.matcher(line);
    if (export.lookingAt() && KEY_VALUE.matcher(line).region(export.end(), line.length()).lookingAt()) {
      line = line.substring(export.end());
      readHere = true;
    }
    Matcher keyValue = KEY_VALUE.matcher(line);
    if (!keyValue.lookingAt()) {
      throw new ConfigException(file + " has a line that is not KEY=value (line " + number
          + "): fix it, or point --env-file elsewhere");
    }
    String key = keyValue.group(1);
    String value = line.substring(keyValue.end());
    if (value.startsWith("'") || value.startsWith("\"")) {
      char quote = value.charAt(0);
      int close = closingQuote(value, quote);
      String name = quote == '"' ? "double quote" : "single quote";
      if (close < 0) {
        throw new ConfigException(file + " line " + number + ": the " + name + " that opens " + key
            + "'s value is not closed on that line: close it (a value is one line), or point --env-file elsewhere");
      }
      String rest = value.substring(close + 1).strip();
      if (!rest.isEmpty() && !rest.startsWith("#")) {
        throw new ConfigException(file + " line " + number + ": " + key + "'s value goes on after its closing "
            + name + ": quote the whole value, or put a space and # before a comment");
      }
      // Both quotes are read here: what they hold is taken as written (dotenv-java would expand ${VAR} in double
      // quotes, and its escapes disagreed with the closing quote found here).
      return new Entry(key, value.substring(1, close), number, true);
    }
    int comment = commentStart(value);
    if (comment >= 0) {
      return new Entry(key, value.substring(0, comment).strip(), number, true);
    }
    return new Entry(key, value, number, readHere || value.indexOf('#') >= 0);
  }

  /** The quote closing the one at 0: the next of its kind (a backslash escapes nothing); -1 when none. */
  private static int closingQuote(String value, char quote) {
    return value.indexOf(quote, 1);
  }

  /** Where a comment starts in an unquoted value: a # at its start or after whitespace; -1 when none. */
  private static int commentStart(String value) {
    for (int i = 0; i < value.length(); i++) {
      if (value.charAt(i) == '#' && (i == 0 || Character.isWhitespace(value.charAt(i - 1)))) {
        return i;
      }
    }
    return -1;
  }
}
