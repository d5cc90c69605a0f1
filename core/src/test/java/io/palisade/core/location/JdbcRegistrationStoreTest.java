// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.core.location;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.palisade.core.db.Database;
import io.palisade.core.db.TestDatabases;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store's write paths against a real H2 file database: a single binding (one statement in auto-commit), several
 * changes at once (one transaction), as the registrar uses them, and several addresses-of-record at once (the group
 * commit of {@link WriteBackRegistrationStore}).
 */
class JdbcRegistrationStoreTest {
    private static final String AOR = "sip:alice@example.com";
    private static final Instant T0 = Instant.parse("2025-01-02T03:04:05Z");
    @TempDir
    static Path dir;
    private static Database db;
    private JdbcRegistrationStore store;

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
            s.executeUpdate("DELETE FROM registration");
        }
        store = new JdbcRegistrationStore(db.dataSource());
    }

    private static void sql(String statement) {
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.executeUpdate(statement);
        } catch (java.sql.SQLException e) {
            throw new AssertionError(e);
        }
    }

    private static Binding binding(String contact, String callId, long cseq, Instant expires, int port, String ua) {
        return new Binding(AOR, contact, 1.0f, expires, callId, cseq,
                new Flow("UDP", "192.0.2.10", port, "198.51.100.1", 5060), ua, null);
    }

    @Test
    void aRemovalWithASingleUpsertStaysOneTransaction() {
        store.apply(AOR, List.of(binding("sip:a@192.0.2.10", "c1", 1, T0.plusSeconds(60), 40000, null)), List.of());
        Binding b = binding("sip:b@192.0.2.10", "c1", 2, T0.plusSeconds(60), 40000, null);
        store.apply(AOR, List.of(b), List.of("sip:a@192.0.2.10"));

        assertEquals(List.of(b), store.findByAor(AOR));
    }

    @Test
    void aFailingChangeLeavesTheStoredBindingsAsTheyWere() {
        Binding a = binding("sip:a@192.0.2.10", "c1", 1, T0.plusSeconds(60), 40000, null);
        store.apply(AOR, List.of(a), List.of());
        // a user agent longer than its column is refused before the database is asked
        Binding tooLong = binding("sip:b@192.0.2.10", "c1", 2, T0.plusSeconds(60), 40000, "x".repeat(300));
        assertThrows(RegistrationStoreException.class, () -> store.apply(AOR, List.of(tooLong), List.of(a.contactUri())));
        assertThrows(RegistrationStoreException.class, () -> store.apply(AOR, List.of(tooLong), List.of()));
        // a row the database refuses: the insert fails, the removal before it must be undone
        Binding refused = binding("sip:b@192.0.2.10", "c1", 1_000_000, T0.plusSeconds(60), 40000, null);
        sql("ALTER TABLE registration ADD CONSTRAINT test_small_cseq CHECK (cseq < 1000000)");
        try {
            assertThrows(RegistrationStoreException.class,
                    () -> store.apply(AOR, List.of(refused), List.of(a.contactUri())));
            assertThrows(RegistrationStoreException.class, () -> store.apply(AOR, List.of(refused), List.of()));
        } finally {
            sql("ALTER TABLE registration DROP CONSTRAINT test_small_cseq");
        }

        assertEquals(List.of(a), store.findByAor(AOR));
    }

    @Test
    void aGroupCommitWritesSeveralAddressesOfRecordAtOnceAndAllOrNothing() {
        String bob = "sip:bob@example.com";
        Binding a = binding("sip:a@192.0.2.10", "c1", 1, T0.plusSeconds(60), 40000, null);
        Binding gone = binding("sip:gone@192.0.2.10", "c1", 1, T0.plusSeconds(60), 40000, null);
        store.apply(AOR, List.of(a, gone), List.of());
        Binding a2 = binding("sip:a@192.0.2.10", "c1", 2, T0.plusSeconds(120), 40001, "Phone/2");
        Binding b = new Binding(bob, "sip:b@192.0.2.20", 0.5f, T0.plusSeconds(90), "c9", 4,
                new Flow("TLS", "192.0.2.20", 40002, "198.51.100.1", 5061), null, "<urn:uuid:2>");
        store.applyAll(List.of(new RegistrationStore.Change(AOR, List.of(a2), List.of(gone.contactUri())),
                new RegistrationStore.Change(bob, List.of(b), List.of())));

        assertEquals(List.of(a2), store.findByAor(AOR), "updated in place, the removed one deleted");
        assertEquals(List.of(b), store.findByAor(bob), "inserted");

        // a row the database refuses (a constraint added for the test) after others went through: all rolled back
        Binding refused = binding("sip:c@192.0.2.10", "c1", 1_000_000, T0.plusSeconds(60), 40000, null);
        Binding b2 = new Binding(bob, "sip:b@192.0.2.20", 0.5f, T0.plusSeconds(900), "c9", 5, b.flow(), null, null);
        sql("ALTER TABLE registration ADD CONSTRAINT test_small_cseq CHECK (cseq < 1000000)");
        try {
            assertThrows(RegistrationStoreException.class, () -> store.applyAll(List.of(
                    new RegistrationStore.Change(bob, List.of(b2), List.of()),
                    new RegistrationStore.Change(AOR, List.of(refused), List.of(a2.contactUri())))));
        } finally {
            sql("ALTER TABLE registration DROP CONSTRAINT test_small_cseq");
        }
        assertEquals(List.of(a2), store.findByAor(AOR));
        assertEquals(List.of(b), store.findByAor(bob), "nothing of a failed group is stored");
    }

    @Test
    void aGroupCommitRefusesABindingFiledUnderAnotherAddressOfRecord() {
        Binding other = new Binding("sip:bob@example.com", "sip:b@192.0.2.10", 1.0f, T0, "c", 1,
                new Flow("UDP", "192.0.2.10", 1, "198.51.100.1", 5060), null, null);
        assertThrows(IllegalArgumentException.class,
                () -> store.applyAll(List.of(new RegistrationStore.Change(AOR, List.of(other), List.of()))));
        assertEquals(0, store.count());
    }
}
