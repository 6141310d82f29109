package dev.avatarmigrate.testing;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Properties;
import java.util.function.Consumer;
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
public final class S3ProxyServer implements S3Endpoint, AutoCloseable {

    public static final String ACCESS_KEY = "access";
    public static final String SECRET_KEY = "secret";
    public static final String REGION = "us-east-1";

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
    @Override
    public URI endpoint() {
        return endpoint;
    }

    @Override
    public String accessKey() {
        return ACCESS_KEY;
    }

    @Override
    public String secretKey() {
        return SECRET_KEY;
    }

    @Override
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
    @Override
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
