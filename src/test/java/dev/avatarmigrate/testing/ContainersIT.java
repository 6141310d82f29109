package dev.avatarmigrate.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Testcontainers;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/** The Docker-backed fixtures; skipped where there is no Docker engine. */
@Testcontainers(disabledWithoutDocker = true)
class ContainersIT {

    @Test
    void mariaDbContainerWorksWithTheTestDatabaseHelpers() throws SQLException {
        TestDatabase db = ContainerFixtures.mariaDbTestDatabase();
        String schema = db.createDatabase("tc");
        db.createAvatarTable(schema, "avatars", "path", true);
        assertEquals(2, db.insertPaths(schema, "avatars", "path", List.of("a/1.png", "a/2.png")));
        assertEquals(List.of("a/1.png", "a/2.png"), db.selectColumn(schema, "avatars", "path"));
    }

    @Test
    void localStackS3TakesAndCopiesObjects() {
        try (S3Client s3 = ContainerFixtures.localStackS3Client()) {
            s3.createBucket(b -> b.bucket("tc-src"));
            s3.createBucket(b -> b.bucket("tc-dst"));
            s3.putObject(p -> p.bucket("tc-src").key("k").contentType("image/png"), RequestBody.fromString("v"));
            s3.copyObject(c -> c.sourceBucket("tc-src").sourceKey("k").destinationBucket("tc-dst").destinationKey("k"));
            assertEquals("image/png", s3.headObject(h -> h.bucket("tc-dst").key("k")).contentType());
            assertTrue(s3.listObjectsV2(l -> l.bucket("tc-dst")).contents().stream().anyMatch(o -> o.key().equals("k")));
        }
    }
}
