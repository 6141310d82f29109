package dev.avatarmigrate.config;

import java.util.regex.Pattern;

/**
 * Where the avatar table lives: a JDBC URL, the database name in it, and the login. The password never
 * appears in {@link #toString()} or {@link #displayUrl()}.
 */
public record DatabaseTarget(String jdbcUrl, String database, String user, String password) {

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_$]{1,64}");
  private static final Pattern URL =
      Pattern.compile("jdbc:mariadb://[^/?#@\\s]+/([A-Za-z0-9_$]{1,64})([?][^\\s]*)?");
  private static final Pattern PASSWORD_PARAM = Pattern.compile("(?i)(password=)[^&]*");
  private static final Pattern AUTHORITY = Pattern.compile("(?i)(jdbc:mariadb://)([^/?#@\\s]+)(/.*)");
  private static final Pattern USER_PARAM = Pattern.compile("[?&](?i:user)=([^&]*)");
  // Connector/J has no user:password@host form, so such a URL is refused; its login is masked in the message.
  private static final Pattern USER_INFO = Pattern.compile("(?<=://)[^/?#\\s]*@");

  /**
   * A database name on the configured server, or a full {@code jdbc:mariadb://host:port/db} URL.
   * User and password given inside the URL take precedence over {@code DB_USER}/{@code DB_PASSWORD}.
   */
  public static DatabaseTarget parse(String text, String host, int port, String user, String password) {
    if (text == null || text.isBlank()) {
      throw new ConfigException("DATABASE is empty: give a database name (e.g. update_db) or a"
          + " jdbc:mariadb://host:3306/db URL");
    }
    if (text.startsWith("jdbc:")) {
      var m = URL.matcher(text);
      if (!m.matches()) {
        throw new ConfigException("DATABASE URL '" + redact(text) + "' is not of the form"
            + " jdbc:mariadb://host:3306/database");
      }
      // The driver logs in as the URL's user: messages must name that one, not DB_USER.
      var inUrl = USER_PARAM.matcher(text);
      return new DatabaseTarget(text, m.group(1), inUrl.find() ? inUrl.group(1) : user, password);
    }
    if (!NAME.matcher(text).matches()) {
      throw new ConfigException("DATABASE '" + text + "' is not a database name: use letters, digits and _,"
          + " or a full jdbc:mariadb://host:3306/database URL");
    }
    if (host == null || host.isBlank()) {
      throw new ConfigException("DB_HOST is empty: set it in the environment or .env, or give a jdbc:mariadb:// URL");
    }
    if (host.contains("/") || host.contains("?") || host.contains("@") || host.contains(" ")) {
      throw new ConfigException("DB_HOST '" + host + "' is not a host name or address");
    }
    return new DatabaseTarget("jdbc:mariadb://" + host + ":" + port + "/" + text, text, user, password);
  }

  /**
   * The same database, login and URL settings (TLS, timeouts) on another server: a replica named by host and port.
   */
  public DatabaseTarget onServer(String hostAndPort) {
    var m = AUTHORITY.matcher(jdbcUrl);
    if (!m.matches()) {
      throw new IllegalStateException("not a jdbc:mariadb:// URL: " + displayUrl());
    }
    return new DatabaseTarget(m.group(1) + hostAndPort + m.group(3), database, user, password);
  }

  /** How many servers the URL names (host,host or address=(...) entries): a replica must name one. */
  public int servers() {
    var m = AUTHORITY.matcher(jdbcUrl);
    if (!m.matches()) {
      return 0;
    }
    String authority = m.group(2);
    int addresses = authority.split("address=", -1).length - 1;
    return addresses > 0 ? addresses : authority.split(",", -1).length;
  }

  /** The port of a URL naming one server, else 3306. */
  public int port() {
    var m = AUTHORITY.matcher(jdbcUrl);
    if (m.matches() && m.group(2).matches(".*:[0-9]{1,5}") && !m.group(2).contains(",")) {
      return Integer.parseInt(m.group(2).substring(m.group(2).lastIndexOf(':') + 1));
    }
    return 3306;
  }

  /** The URL with any password parameter masked, fit for logs. */
  public String displayUrl() {
    return redact(jdbcUrl);
  }

  /** {@code url} with any password and user-info masked: what a message may show of a value the user gave. */
  public static String redact(String url) {
    return USER_INFO.matcher(PASSWORD_PARAM.matcher(url).replaceAll("$1***")).replaceAll("***@");
  }

  @Override
  public String toString() {
    return "DatabaseTarget[" + displayUrl() + ", user=" + user + ", password=" + (password == null ? "unset" : "***")
        + "]";
  }
}
