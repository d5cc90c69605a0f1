// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.core.subscriber;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.palisade.core.MutableClock;
import io.palisade.core.auth.DigestAlgorithm;
import io.palisade.core.auth.Ha1;
import io.palisade.core.auth.Ha1Lookup;
import io.palisade.core.db.Database;
import io.palisade.core.db.TestDatabases;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JdbcSubscriberDirectoryTest {
    private static final String REALM = "example.com";
    @TempDir
    static Path dir;
    private static Database db;
    private final MutableClock clock = new MutableClock(Instant.parse("2025-01-02T03:04:05.678Z"));
    private JdbcSubscriberDirectory directory;

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
        directory = new JdbcSubscriberDirectory(db.dataSource(), REALM, clock);
    }

    private static NewSubscriber user(String name, String password) {
        return new NewSubscriber(name, password.toCharArray(), "Name of " + name);
    }

    @Test
    void addFindStoresHa1NotPassword() throws Exception {
        char[] pw = "wonderland".toCharArray();
        directory.add(new NewSubscriber("alice", pw, "Alice"));
        assertTrue(new String(pw).chars().allMatch(c -> c == 0), "password zeroed after use");
        Subscriber s = directory.find("alice").orElseThrow();
        assertEquals("Alice", s.displayName());
        assertTrue(s.enabled());
        assertEquals(clock.instant(), s.createdAt());
        assertEquals(Optional.of(Ha1.compute(DigestAlgorithm.MD5, "alice", REALM, "wonderland".toCharArray())),
                s.ha1(DigestAlgorithm.MD5));
        assertEquals(Optional.of(Ha1.compute(DigestAlgorithm.SHA_256, "alice", REALM, "wonderland".toCharArray())),
                s.ha1(DigestAlgorithm.SHA_256));
        assertFalse(s.toString().contains(s.ha1Md5()));
        assertFalse(s.toString().contains(s.ha1Sha256()));
        assertEquals(Optional.empty(), directory.find("bob"));
        assertEquals(Optional.empty(), directory.find(null));
        try (Connection c = db.dataSource().getConnection(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT * FROM subscriber")) {
            rs.next();
            for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                assertFalse(String.valueOf(rs.getObject(i)).contains("wonderland"));
            }
        }
    }

    @Test
    void addRefusesDuplicatesAndInvalid() {
        directory.add(user("alice", "pw"));
        assertEquals("user 'alice' already exists",
                assertThrows(SubscriberException.class, () -> directory.add(user("alice", "other"))).getMessage());
        assertTrue(assertThrows(SubscriberException.class, () -> directory.add(user("bad name", "pw")))
                .getMessage().startsWith("user 'bad name' is not a valid user name"));
        assertEquals("password of user 'bob' is empty",
                assertThrows(SubscriberException.class, () -> directory.add(user("bob", ""))).getMessage());
        assertEquals(1, directory.count());
    }

    @Test
    void listCountEnableDisablePasswordRemove() {
        for (String n : new String[] {"carol", "alice", "bob"}) {
            directory.add(user(n, "pw-" + n));
        }
        assertEquals(3, directory.count());
        assertEquals(List.of("alice", "bob"), directory.list(0, 2).stream().map(Subscriber::username).toList());
        assertEquals(List.of("carol"), directory.list(2, 10).stream().map(Subscriber::username).toList());

        Ha1Lookup lookup = directory.asHa1Lookup();
        String bobHa1 = Ha1.compute(DigestAlgorithm.SHA_256, "bob", REALM, "pw-bob".toCharArray());
        assertEquals(Optional.of(bobHa1), lookup.ha1("bob", DigestAlgorithm.SHA_256));
        assertTrue(directory.setEnabled("bob", false));
        assertEquals(Optional.empty(), lookup.ha1("bob", DigestAlgorithm.SHA_256), "disabled users cannot log in");
        assertFalse(directory.find("bob").orElseThrow().enabled());
        assertTrue(directory.setEnabled("bob", true));
        assertFalse(directory.setEnabled("nobody", true));
        assertEquals(Optional.empty(), lookup.ha1("bad name", DigestAlgorithm.MD5));

        assertTrue(directory.setPassword("bob", "new".toCharArray()));
        assertEquals(Optional.of(Ha1.compute(DigestAlgorithm.MD5, "bob", REALM, "new".toCharArray())),
                lookup.ha1("bob", DigestAlgorithm.MD5));
        assertFalse(directory.setPassword("nobody", "x".toCharArray()));
        assertThrows(SubscriberException.class, () -> directory.setPassword("bob", new char[0]));

        assertTrue(directory.remove("bob"));
        assertFalse(directory.remove("bob"));
        assertEquals(2, directory.count());
    }

    @Test
    void importIsAllOrNothing() {
        directory.add(user("existing", "pw"));
        List<NewSubscriber> batch = List.of(user("a1", "pw"), user("a2", "pw"), user("existing", "pw"));
        assertEquals("entry 3: user 'existing' already exists",
                assertThrows(SubscriberException.class, () -> directory.importAll(batch)).getMessage());
        assertEquals(1, directory.count());

        SubscriberException dup = assertThrows(SubscriberException.class,
                () -> directory.importAll(List.of(user("b1", "pw"), user("b2", "pw"), user("b1", "pw"))));
        assertEquals("entry 3: user 'b1' duplicates entry 1", dup.getMessage());
        SubscriberException bad = assertThrows(SubscriberException.class,
                () -> directory.importAll(List.of(user("c1", "pw"), user("c 2", "pw"))));
        assertTrue(bad.getMessage().startsWith("entry 2: user 'c 2' is not a valid"), bad.getMessage());
        assertEquals(1, directory.count());
    }

    @Test
    void importsFiveThousandQuickly() {
        List<NewSubscriber> all = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            all.add(user("u" + i, "password-" + i));
        }
        long start = System.nanoTime();
        assertEquals(5000, directory.importAll(all));
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertEquals(5001 - 1, directory.count());
        assertTrue(millis < 5000, "import took " + millis + " ms");
        assertTrue(all.stream().allMatch(s -> new String(s.password()).chars().allMatch(c -> c == 0)));
        assertEquals(Optional.of(Ha1.compute(DigestAlgorithm.SHA_256, "u4999", REALM, "password-4999".toCharArray())),
                directory.find("u4999").flatMap(s -> s.ha1(DigestAlgorithm.SHA_256)));
    }

    @Test
    void toStringsMaskSecrets() {
        assertFalse(user("a", "hunter2").toString().contains("hunter2"));
    }

    @Test
    void searchMatchesUserAndDisplayNameCaseInsensitivelyAndEscapesWildcards() {
        directory.add(new NewSubscriber("search-ann", "pw".toCharArray(), "Ann Example"));
        directory.add(new NewSubscriber("search-bob", "pw".toCharArray(), "Robert 100%"));
        directory.add(new NewSubscriber("search_cy", "pw".toCharArray(), null));
        assertEquals(List.of("search-ann"), directory.search("EXAMPLE", 0, 10).stream().map(Subscriber::username).toList());
        assertEquals(List.of("search-bob"), directory.search("100%", 0, 10).stream().map(Subscriber::username).toList());
        assertEquals(List.of("search_cy"), directory.search("h_c", 0, 10).stream().map(Subscriber::username).toList());
        assertEquals(3, directory.countMatching("search"));
        assertEquals(1, directory.search("search", 1, 1).size());
        assertTrue(directory.setDisplayName("search-ann", "  Ann B  "));
        assertEquals("Ann B", directory.find("search-ann").orElseThrow().displayName());
        assertTrue(directory.setDisplayName("search-ann", ""));
        assertEquals(null, directory.find("search-ann").orElseThrow().displayName());
        assertFalse(directory.setDisplayName("nobody-here", "x"));
        assertThrows(SubscriberException.class, () -> directory.setDisplayName("search-ann", "x".repeat(129)));
    }
}
