// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.core.db;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Objects;

/**
 * Connection settings of the relational store.
 *
 * @param jdbcUrl JDBC URL (H2 file by default, PostgreSQL for shared stores)
 * @param user database user
 * @param password database password; masked in {@link #toString()}
 * @param maxPoolSize upper bound of pooled connections
 */
public record DatabaseConfig(String jdbcUrl, String user, String password, int maxPoolSize) {
    /** File holding the generated password of the embedded database, inside the data directory. */
    public static final String SECRET_FILE = "db.secret";
    /** Database user of the embedded database. */
    public static final String H2_USER = "palisade";

    public DatabaseConfig {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
        if (!jdbcUrl.startsWith("jdbc:")) {
            throw new IllegalArgumentException("jdbcUrl must start with jdbc:");
        }
        if (maxPoolSize < 1) {
            throw new IllegalArgumentException("maxPoolSize must be at least 1");
        }
    }

    /**
     * The embedded H2 database {@code <dataDir>/palisade.mv.db}.
     *
     * <p>URL options, and why:
     * <ul>
     *   <li>{@code AUTO_SERVER=TRUE}: the first process to open the file (normally the server)
     *       also serves it over TCP, so the CLI can work while the server runs. The server
     *       process must set the system property {@code h2.bindAddress=127.0.0.1} before the
     *       first connection, so that this port listens on loopback only.</li>
     *   <li>No {@code DB_CLOSE_ON_EXIT=FALSE}: H2 2.3 refuses it together with
     *       {@code AUTO_SERVER=TRUE} ("Feature not supported"). H2's own shutdown hook therefore
     *       closes the file at JVM exit; the server must close {@link Database} from its orderly
     *       shutdown before that, and must not write to the store from a shutdown hook. The
     *       file format is crash-safe, so an abrupt exit loses nothing committed.</li>
     * </ul>
     *
     * <p>Because the auto-server port is reachable by every local user, the database has a
     * password: 32 random bytes generated into {@code <dataDir>/db.secret} (owner-only
     * permissions where the file system supports them) on first use and read afterwards, so
     * server and CLI agree on it.
     *
     * @throws UncheckedIOException if the data directory or secret file cannot be used
     */
    /** The same database with another pool size (one connection per SIP worker thread, plus a few). */
    public DatabaseConfig withMaxPoolSize(int size) {
        return new DatabaseConfig(jdbcUrl, user, password, size);
    }

    public static DatabaseConfig h2File(Path dataDir) {
        Path dir = dataDir.toAbsolutePath().normalize();
        String url = "jdbc:h2:file:" + dir.resolve("palisade") + ";AUTO_SERVER=TRUE";
        return new DatabaseConfig(url, H2_USER, readOrCreateSecret(dir), 10);
    }

    private static String readOrCreateSecret(Path dir) {
        Path file = dir.resolve(SECRET_FILE);
        try {
            Files.createDirectories(dir);
            if (!Files.exists(file)) {
                byte[] raw = new byte[32];
                new SecureRandom().nextBytes(raw);
                String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
                try {
                    if (dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                        Files.createFile(file, PosixFilePermissions.asFileAttribute(
                                PosixFilePermissions.fromString("rw-------")));
                    } else {
                        Files.createFile(file);
                    }
                    Files.writeString(file, secret + "\n", StandardCharsets.US_ASCII);
                    return secret;
                } catch (FileAlreadyExistsException raced) {
                    // another process created it first: read theirs
                }
            }
            String secret = Files.readString(file, StandardCharsets.US_ASCII).trim();
            if (secret.isEmpty()) {
                throw new IOException("empty database secret file " + file);
            }
            return secret;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot use database secret file " + file, e);
        }
    }

    @Override
    public String toString() {
        return "DatabaseConfig[jdbcUrl=" + jdbcUrl + ", user=" + user + ", password=***, maxPoolSize="
                + maxPoolSize + "]";
    }
}
