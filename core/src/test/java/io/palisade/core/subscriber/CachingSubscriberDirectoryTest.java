// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.core.subscriber;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.palisade.core.auth.DigestAlgorithm;
import io.palisade.core.auth.Ha1;
import io.palisade.core.auth.Ha1Lookup;
import io.palisade.core.db.Database;
import io.palisade.core.db.TestDatabases;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server reads subscribers through the cache; the CLI, another process, writes the same database directly. What
 * an operator sees: a change made by the CLI reaches the server within the cache's time to live, one made through the
 * server's own directory (the console) at once.
 */
class CachingSubscriberDirectoryTest {
    private static final String REALM = "example.com";
    private static final Duration TTL = Duration.ofSeconds(5);
    @TempDir
    static Path dir;
    private static Database db;
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private JdbcSubscriberDirectory cli;
    private CachingSubscriberDirectory server;
    private Ha1Lookup ha1;

    @BeforeAll
    static void open() {
        db = TestDatabases.open(dir);
    }

    @AfterAll
    static void close() {
        db.close();
    }

    @BeforeEach
    void clean() throws Exception {
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.executeUpdate("DELETE FROM subscriber");
        }
        cli = new JdbcSubscriberDirectory(db.dataSource(), REALM);
        server = new CachingSubscriberDirectory(new JdbcSubscriberDirectory(db.dataSource(), REALM), TTL, 1000,
                nanos::get);
        ha1 = server.asHa1Lookup();
        cli.add(new NewSubscriber("alice", "first secret".toCharArray(), null));
        assertEquals(Optional.of(md5("first secret")), ha1.ha1("alice", DigestAlgorithm.MD5)); // now remembered
    }

    private static String md5(String password) {
        return Ha1.compute(DigestAlgorithm.MD5, "alice", REALM, password.toCharArray());
    }

    private void advance(Duration d) {
        nanos.addAndGet(d.toNanos());
    }

    @Test
    void userDisabledByTheCliIsRefusedWithinTheTimeToLive() {
        assertTrue(cli.setEnabled("alice", false));
        advance(TTL);
        assertEquals(Optional.empty(), ha1.ha1("alice", DigestAlgorithm.MD5));
    }

    @Test
    void userRemovedByTheCliIsUnknownWithinTheTimeToLive() {
        assertTrue(cli.remove("alice"));
        advance(TTL.minusMillis(1));
        assertTrue(server.find("alice").isPresent(), "still remembered just before the time to live ends");
        advance(Duration.ofMillis(1));
        assertFalse(server.find("alice").isPresent());
    }

    @Test
    void passwordChangedByTheCliIsUsedWithinTheTimeToLive() {
        assertTrue(cli.setPassword("alice", "second secret".toCharArray()));
        advance(TTL);
        assertEquals(Optional.of(md5("second secret")), ha1.ha1("alice", DigestAlgorithm.MD5));
    }

    @Test
    void changesThroughTheServersOwnDirectoryTakeEffectAtOnce() {
        assertTrue(server.setEnabled("alice", false));
        assertEquals(Optional.empty(), ha1.ha1("alice", DigestAlgorithm.MD5));
        assertTrue(server.setEnabled("alice", true));
        assertTrue(server.setPassword("alice", "second secret".toCharArray()));
        assertEquals(Optional.of(md5("second secret")), ha1.ha1("alice", DigestAlgorithm.MD5));
        assertTrue(server.remove("alice"));
        assertEquals(Optional.empty(), ha1.ha1("alice", DigestAlgorithm.MD5));
    }

    @Test
    void userAddedByTheCliIsFoundAtOnce() {
        assertFalse(server.find("bob").isPresent());
        cli.add(new NewSubscriber("bob", "bob's secret".toCharArray(), null));
        assertTrue(server.find("bob").isPresent(), "unknown names are never remembered");
    }

    @Test
    void unknownNamesAreNotRememberedAndTheCacheStaysBounded() {
        CachingSubscriberDirectory small = new CachingSubscriberDirectory(
                new JdbcSubscriberDirectory(db.dataSource(), REALM), TTL, 2, nanos::get);
        for (int i = 0; i < 50; i++) {
            small.find("nobody" + i);
        }
        assertEquals(0, small.size());
        cli.importAll(List.of(new NewSubscriber("bob", "b secret".toCharArray(), null),
                new NewSubscriber("carol", "c secret".toCharArray(), null)));
        small.find("alice");
        small.find("bob");
        small.find("carol");
        assertEquals(2, small.size());
        assertTrue(small.find("carol").isPresent(), "a full cache still answers, from the database");
    }
}
