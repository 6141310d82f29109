package dev.avatarmigrate.testing;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.MariaDBContainer;
import org.testcontainers.containers.localstack.LocalStackContainer;
import org.testcontainers.utility.DockerImageName;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Optional Docker-backed fixtures: a real MariaDB image and LocalStack's S3, for runs where a Docker
 * engine is present (this project's default machines have none; {@link TestDatabase} and
 * {@link S3ProxyServer} need no Docker). Any test class using this must be annotated
 * {@code @Testcontainers(disabledWithoutDocker = true)} so it is skipped, not failed, without Docker.
 *
 * <p>Containers are started once per JVM on first use and removed by Testcontainers' Ryuk
 * container when the JVM exits.
 */
public final class ContainerFixtures {

    public static final DockerImageName MARIADB_IMAGE = DockerImageName.parse("mariadb:11.4");
    public static final DockerImageName LOCALSTACK_IMAGE = DockerImageName.parse("localstack/localstack:4.4");

    private static MariaDBContainer<?> mariaDb;
    private static LocalStackContainer localStack;

    private ContainerFixtures() {
    }

    /** Whether Testcontainers can reach a Docker engine (false, never an exception, if not). */
    public static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    /** A started MariaDB 11.4 container (user root, password "test"), shared by the JVM. */
    public static synchronized MariaDBContainer<?> mariaDb() {
        if (mariaDb == null) {
            requireDocker();
            MariaDBContainer<?> c = new MariaDBContainer<>(MARIADB_IMAGE)
                    .withUsername("root")
                    .withPassword("test")
                    .withCommand("--character-set-server=utf8mb4", "--collation-server=utf8mb4_unicode_ci");
            c.start(); // waits until the server answers its test query
            mariaDb = c;
        }
        return mariaDb;
    }

    /** {@link #mariaDb()} wrapped in the same helpers as {@link TestDatabase#shared()}. */
    public static TestDatabase mariaDbTestDatabase() {
        MariaDBContainer<?> c = mariaDb();
        return TestDatabase.connectTo(c.getJdbcUrl(), c.getUsername(), c.getPassword());
    }

    /** A started LocalStack container running S3, shared by the JVM. */
    public static synchronized LocalStackContainer localStack() {
        if (localStack == null) {
            requireDocker();
            LocalStackContainer c = new LocalStackContainer(LOCALSTACK_IMAGE)
                    .withServices(LocalStackContainer.Service.S3);
            c.start(); // waits for LocalStack's "Ready." log line
            localStack = c;
        }
        return localStack;
    }

    /** A client for {@link #localStack()} configured like {@link S3ProxyServer#client()}; the caller closes it. */
    public static S3Client localStackS3Client() {
        LocalStackContainer c = localStack();
        return S3Client.builder()
                .endpointOverride(c.getEndpoint())
                .forcePathStyle(true)
                .region(Region.of(c.getRegion()))
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(c.getAccessKey(), c.getSecretKey())))
                .build();
    }

    private static void requireDocker() {
        if (!dockerAvailable()) {
            throw new IllegalStateException("no Docker engine: annotate the test class with "
                    + "@Testcontainers(disabledWithoutDocker = true)");
        }
    }
}
