package dev.avatarmigrate.config;

import java.util.regex.Pattern;

/**
 * Where the avatar table lives: a JDBC URL, the database name in it, and the login. The password never
 * appears in {@link #toString()} or {@link #displayUrl()}.
 */
public record DatabaseTarget(String jdbcUrl, String database, String user, String password) {

  // The database is everything between the first '/' after the host and the '?' of the options: Connector/J
  // takes it as it is (no %-decoding), so probe-dash, 2020 or übung need no escaping. Checked by databaseProblem.
  private static final Pattern URL = Pattern.compile("jdbc:mariadb://[^/?#@\\s]+/([^?]+)([?][^\\s]*)?");
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
        throw new ConfigException("DATABASE URL '" + Identifier.printable(redact(text)) + "' is not of the form"
            + " jdbc:mariadb://host:3306/database");
      }
      String problem = databaseProblem(m.group(1));
      if (problem != null) {
        throw new ConfigException("DATABASE URL '" + Identifier.printable(redact(text)) + "' names the database '"
            + Identifier.printable(redact(m.group(1))) + "', which is not a database name: " + problem
            + "; give the database's bare name after the host, e.g. jdbc:mariadb://host:3306/update_db");
      }
      // The driver logs in as the URL's user: messages must name that one, not DB_USER.
      var inUrl = USER_PARAM.matcher(text);
      return new DatabaseTarget(text, m.group(1), inUrl.find() ? inUrl.group(1) : user, password);
    }
    String problem = databaseProblem(text);
    if (problem != null) {
      throw new ConfigException("DATABASE '" + Identifier.printable(redact(text)) + "' is not a database name: " + problem
          + "; give the bare name (e.g. update_db) or a full jdbc:mariadb://host:3306/database URL");
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
   * Why {@code name} cannot be a database name here; null when it can. The rules of {@link Identifier#problem},
   * and none of {@code ? & =}, though MariaDB allows them: the name is the path of a JDBC URL, where {@code ?}
   * would end it (the rest read as driver options), and {@code &} or {@code =} there are URL options written
   * without their {@code ?} ({@code /app&password=...}), which the driver would take as part of the name, and
   * which messages would then show.
   */
  static String databaseProblem(String name) {
    String problem = Identifier.problem(name);
    if (problem == null && (name.indexOf('?') >= 0 || name.indexOf('&') >= 0 || name.indexOf('=') >= 0)) {
      return "it holds '?', '&' or '=', which belong to a JDBC URL's options (jdbc:mariadb://host:3306/database"
          + "?user=...&sslMode=...)";
    }
    return problem;
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
