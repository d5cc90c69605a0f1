// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.core.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatabaseTest {
    @TempDir
    Path dir;

    @Test
    void migratesAndSurvivesReopen() throws Exception {
        try (Database db = TestDatabases.open(dir)) {
            try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
                s.executeUpdate("INSERT INTO subscriber (username, enabled, ha1_md5, ha1_sha256, created_at)"
                        + " VALUES ('a', TRUE, 'x', 'y', CURRENT_TIMESTAMP)");
            }
        }
        try (Database db = TestDatabases.open(dir);
                Connection c = db.dataSource().getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM subscriber")) {
            rs.next();
            assertEquals(1, rs.getInt(1));
        }
        assertTrue(Files.exists(dir.resolve("palisade.mv.db")));
    }

    @Test
    void h2FileConfig() throws Exception {
        DatabaseConfig c = DatabaseConfig.h2File(dir);
        assertTrue(c.jdbcUrl().startsWith("jdbc:h2:file:" + dir.toAbsolutePath()));
        assertTrue(c.jdbcUrl().contains(";AUTO_SERVER=TRUE"));
        assertFalse(c.password().isEmpty());
        assertFalse(c.toString().contains(c.password()));
        assertEquals(c.password(), DatabaseConfig.h2File(dir).password(), "secret is reused, CLI and server agree");
        Path secret = dir.resolve(DatabaseConfig.SECRET_FILE);
        if (dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            assertEquals(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE),
                    Files.getPosixFilePermissions(secret));
        }
    }
}
