package dev.avatarmigrate.testing;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Locale;
import java.util.Objects;
import java.util.Properties;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/**
 * A real S3 endpoint for tests: S3Proxy running in this JVM on 127.0.0.1 and a random free port.
 *
 * <p>Most tests want {@link #shared()}: one transient (in-memory) server per JVM, started on first
 * use and stopped by a JVM shutdown hook. Tests that need isolation or a disk-backed store start
 * their own with {@link #startTransient()} / {@link #startFilesystem(Path)} and close it.
 *
 * <p>S3Proxy 4.x no longer embeds jclouds: it ships its own {@code org.gaul.s3proxy.blobstore}
 * API, and the providers are still named {@code transient} and {@code filesystem} (the latter
 * configured with the old {@code jclouds.filesystem.basedir} property).
 */
public final class S3ProxyServer implements AutoCloseable {

    public static final String ACCESS_KEY = "access";
    public static final String SECRET_KEY = "secret";
    public static final String REGION = "us-east-1";

    private static final Pattern BUCKET_PREFIX = Pattern.compile("[a-z0-9][a-z0-9-]*");
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

    private static volatile S3ProxyServer shared;

    private final S3Proxy proxy;
    private final BlobStore blobStore;
    private final URI endpoint;
    private final String provider;
    private volatile S3Client client;
    private volatile boolean closed;

    private S3ProxyServer(String provider, Properties properties) {
        this.provider = provider;
        this.blobStore = BlobStores.create(provider, properties);
        this.proxy = S3Proxy.builder()
                .blobStore(blobStore)
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                .build();
        try {
            proxy.start(); // Jetty's start() returns once the connector is bound and accepting.
        } catch (Exception e) {
            closeQuietly();
            throw new IllegalStateException("S3Proxy (" + provider + ") did not start", e);
        }
        int port = proxy.getPort();
        if (port <= 0) {
            closeQuietly();
            throw new IllegalStateException("S3Proxy started but reports no bound port: " + proxy.getState());
        }
        this.endpoint = URI.create("http://127.0.0.1:" + port);
    }

    /** The JVM-wide transient server, started on first call; a shutdown hook stops it. */
    public static S3ProxyServer shared() {
        S3ProxyServer s = shared;
        if (s == null) {
            synchronized (S3ProxyServer.class) {
                s = shared;
                if (s == null) {
                    s = startTransient();
                    S3ProxyServer started = s;
                    Runtime.getRuntime().addShutdownHook(
                            new Thread(started::closeQuietly, "s3proxy-shutdown"));
                    shared = s;
                }
            }
        }
        return s;
    }

    /** A new in-memory server the caller owns (close it). */
    public static S3ProxyServer startTransient() {
        return new S3ProxyServer("transient", new Properties());
    }

    /** A new server storing objects as files under {@code basedir} (created if missing); the caller closes it. */
    public static S3ProxyServer startFilesystem(Path basedir) {
        Objects.requireNonNull(basedir, "basedir");
        try {
            Files.createDirectories(basedir);
        } catch (Exception e) {
            throw new IllegalStateException("cannot create " + basedir, e);
        }
        Properties properties = new Properties();
        properties.setProperty("jclouds.filesystem.basedir", basedir.toAbsolutePath().toString());
        return new S3ProxyServer("filesystem", properties);
    }

    /** e.g. {@code http://127.0.0.1:41234} */
    public URI endpoint() {
        return endpoint;
    }

    public String accessKey() {
        return ACCESS_KEY;
    }

    public String secretKey() {
        return SECRET_KEY;
    }

    public String region() {
        return REGION;
    }

    /** {@code transient} or {@code filesystem}. */
    public String provider() {
        return provider;
    }

    /**
     * A client for this server, shared by all callers (S3Client is thread-safe): do not close it,
     * it is closed with the server. Configured with endpointOverride, path-style access, the region
     * and static credentials, and nothing more.
     */
    public S3Client client() {
        S3Client c = client;
        if (c == null) {
            synchronized (this) {
                c = client;
                if (c == null) {
                    ensureOpen();
                    c = newClient();
                    client = c;
                }
            }
        }
        return c;
    }

    /** A fresh client configured like {@link #client()}, owned (and closed) by the caller. */
    public S3Client newClient() {
        return newClient(builder -> { });
    }

    /**
     * A fresh client configured like {@link #client()}, then by {@code customizer} (e.g. to turn
     * retries off: {@code b -> b.overrideConfiguration(o -> o.retryStrategy(r -> r.maxAttempts(1)))}),
     * owned (and closed) by the caller.
     */
    public S3Client newClient(Consumer<S3ClientBuilder> customizer) {
        S3ClientBuilder builder = S3Client.builder()
                .endpointOverride(endpoint)
                .forcePathStyle(true)
                .region(Region.of(REGION))
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)));
        customizer.accept(builder);
        return builder.build();
    }

    /** Creates {@code bucket} through the S3 API and returns its name. */
    public String createBucket(String bucket) {
        client().createBucket(b -> b.bucket(bucket));
        return bucket;
    }

    /**
     * Creates and returns a bucket named {@code prefix-<random>}: lowercase, 3..63 characters, never
     * used before in this server. {@code prefix} must be lowercase letters, digits and hyphens
     * (it is truncated so the name fits).
     */
    public String uniqueBucket(String prefix) {
        String p = prefix == null ? "" : prefix.toLowerCase(Locale.ROOT);
        if (!p.isEmpty() && !BUCKET_PREFIX.matcher(p).matches()) {
            throw new IllegalArgumentException("bucket prefix must match " + BUCKET_PREFIX + ": " + prefix);
        }
        String suffix = randomSuffix(12);
        int room = 63 - suffix.length() - 1;
        if (p.length() > room) {
            p = p.substring(0, room);
        }
        String name = p.isEmpty() ? "b" + suffix : (p.endsWith("-") ? p + suffix : p + "-" + suffix);
        return createBucket(name);
    }

    private static String randomSuffix(int length) {
        char[] chars = new char[length];
        for (int i = 0; i < length; i++) {
            chars[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
        }
        return new String(chars);
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("S3ProxyServer at " + endpoint + " is closed");
        }
    }

    /** Stops the server and its shared client. Closing {@link #shared()} is left to the shutdown hook. */
    @Override
    public void close() {
        if (this == shared) {
            throw new IllegalStateException("the shared S3ProxyServer is stopped by its shutdown hook");
        }
        closeQuietly();
    }

    private synchronized void closeQuietly() {
        if (closed) {
            return;
        }
        closed = true;
        S3Client c = client;
        if (c != null) {
            try {
                c.close();
            } catch (RuntimeException ignored) {
                // best effort
            }
        }
        try {
            proxy.stop();
        } catch (Exception ignored) {
            // best effort: the JVM may be going down
        }
        try {
            blobStore.close();
        } catch (RuntimeException ignored) {
            // best effort
        }
    }

    @Override
    public String toString() {
        return "S3ProxyServer[" + provider + " " + endpoint + "]";
    }
}
