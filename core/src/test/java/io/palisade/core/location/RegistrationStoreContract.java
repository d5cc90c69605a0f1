// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.core.location;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.palisade.core.db.Database;
import io.palisade.core.db.TestDatabases;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every {@link RegistrationStore} does, run against each implementation on a real H2 file database: the
 * write-back store must answer exactly as the JDBC store it stands in front of.
 */
abstract class RegistrationStoreContract {
    static final String ALICE = "sip:alice@example.com";
    static final String BOB = "sip:bob@example.com";
    static final Instant T0 = Instant.parse("2025-01-02T03:04:05Z");
    @TempDir
    static Path dir;
    static Database db;

    /** A store over {@link #db}, whose registration table is empty. */
    abstract RegistrationStore store();

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
    }

    static Binding binding(String aor, String contact, long cseq, Instant expires) {
        return new Binding(aor, contact, 1.0f, expires, "call-" + aor, cseq,
                new Flow("TLS", "192.0.2.10", 40000, "198.51.100.1", 5061), "Phone/1", null);
    }

    private static List<Binding> byContact(List<Binding> l) {
        List<Binding> out = new ArrayList<>(l);
        out.sort(Comparator.comparing(Binding::contactUri));
        return out;
    }

    @Test
    void anUnknownAddressOfRecordHasNoBindings() {
        assertEquals(List.of(), store().findByAor(ALICE));
        assertEquals(0, store().count());
    }

    @Test
    void aRefreshReplacesEveryValueOfItsBinding() {
        RegistrationStore s = store();
        s.apply(ALICE, List.of(binding(ALICE, "sip:a@192.0.2.10", 1, T0.plusSeconds(60))), List.of());
        Binding refreshed = new Binding(ALICE, "sip:a@192.0.2.10", 0.5f, T0.plusSeconds(3600), "c2", 7,
                new Flow("UDP", "192.0.2.11", 40001, "198.51.100.2", 5060), null, "<urn:uuid:1>");
        s.apply(ALICE, List.of(refreshed), List.of());
        assertEquals(List.of(refreshed), s.findByAor(ALICE));
        assertEquals(1, s.count());
    }

    @Test
    void removalsComeBeforeUpsertsOfTheSameChange() {
        RegistrationStore s = store();
        Binding a = binding(ALICE, "sip:a@h", 1, T0.plusSeconds(60));
        Binding b = binding(ALICE, "sip:b@h", 1, T0.plusSeconds(60));
        s.apply(ALICE, List.of(a, b), List.of());
        Binding b2 = binding(ALICE, "sip:b@h", 2, T0.plusSeconds(120));
        Binding c = binding(ALICE, "sip:c@h", 2, T0.plusSeconds(120));
        s.apply(ALICE, List.of(b2, c), List.of("sip:a@h", "sip:b@h", "sip:never@h"));
        assertEquals(List.of(b2, c), byContact(s.findByAor(ALICE)));
        assertEquals(2, s.count());
        s.apply(ALICE, List.of(), List.of("sip:b@h", "sip:c@h"));
        assertEquals(List.of(), s.findByAor(ALICE));
        assertEquals(0, s.count());
    }

    @Test
    void aBindingOfAnotherAddressOfRecordIsRefusedAndNothingChanges() {
        RegistrationStore s = store();
        Binding mine = binding(ALICE, "sip:a@h", 1, T0);
        assertThrows(IllegalArgumentException.class,
                () -> s.apply(ALICE, List.of(mine, binding(BOB, "sip:b@h", 1, T0)), List.of()));
        assertEquals(List.of(), s.findByAor(ALICE));
        assertEquals(List.of(), s.findByAor(BOB));
    }

    @Test
    void aValueLongerThanItsColumnIsRefusedAndNothingChanges() {
        RegistrationStore s = store();
        Binding a = binding(ALICE, "sip:a@h", 1, T0);
        s.apply(ALICE, List.of(a), List.of());
        Binding tooLong = new Binding(ALICE, "sip:b@h", 1.0f, T0, "c", 1, a.flow(), "x".repeat(257), null);
        assertThrows(RegistrationStoreException.class, () -> s.apply(ALICE, List.of(tooLong), List.of("sip:a@h")));
        assertEquals(List.of(a), s.findByAor(ALICE));
    }

    @Test
    void removeAllTouchesOneAddressOfRecordOnly() {
        RegistrationStore s = store();
        s.apply(ALICE, List.of(binding(ALICE, "sip:a@h", 1, T0), binding(ALICE, "sip:b@h", 1, T0)), List.of());
        Binding bob = binding(BOB, "sip:b@h", 1, T0);
        s.apply(BOB, List.of(bob), List.of());
        s.removeAll(ALICE);
        s.removeAll("sip:nobody@example.com");
        assertEquals(List.of(), s.findByAor(ALICE));
        assertEquals(List.of(bob), s.findByAor(BOB));
        assertEquals(1, s.count());
    }

    @Test
    void expiredBindingsAreFoundUntilSweptAndTheSweepCountsThem() {
        RegistrationStore s = store();
        Binding gone = binding(ALICE, "sip:gone@h", 1, T0.minusSeconds(1));
        Binding atNow = binding(ALICE, "sip:at-now@h", 1, T0);
        Binding live = binding(ALICE, "sip:live@h", 1, T0.plusMillis(1));
        Binding bobGone = binding(BOB, "sip:b@h", 1, T0.minusSeconds(100));
        s.apply(ALICE, List.of(gone, atNow, live), List.of());
        s.apply(BOB, List.of(bobGone), List.of());
        assertEquals(3, s.findByAor(ALICE).size(), "expired ones are still found");

        assertEquals(3, s.deleteExpired(T0), "expires_at <= now");
        assertEquals(List.of(live), s.findByAor(ALICE));
        assertEquals(List.of(), s.findByAor(BOB));
        assertEquals(1, s.count());
        assertEquals(0, s.deleteExpired(T0));
    }

    @Test
    void listAllOrdersByAddressOfRecordThenContactAndPages() {
        RegistrationStore s = store();
        // upper case sorts before lower case, "sip:a@h" before "sip:a@h2" before "sip:b": what ORDER BY does on H2
        List<String> aors = List.of("sip:zed@example.com", "sip:Zed@example.com", ALICE, "sip:al@example.com", BOB);
        List<String> contacts = List.of("sip:b@h", "sip:a@h2", "sip:a@h", "sip:A@h");
        List<Binding> all = new ArrayList<>();
        for (String aor : aors) {
            List<Binding> mine = new ArrayList<>();
            for (String c : contacts) {
                mine.add(binding(aor, c, 1, T0));
            }
            s.apply(aor, mine, List.of());
            all.addAll(mine);
        }
        all.sort(Comparator.comparing(Binding::aor).thenComparing(Binding::contactUri));
        JdbcRegistrationStore sql = new JdbcRegistrationStore(db.dataSource());

        assertEquals(20, s.count());
        assertEquals(all, s.listAll(0, 100));
        List<Binding> paged = new ArrayList<>();
        for (int offset = 0; offset < 20; offset += 3) {
            List<Binding> page = s.listAll(offset, 3);
            assertTrue(page.size() == 3 || offset == 18, "page at " + offset + ": " + page.size());
            paged.addAll(page);
        }
        assertEquals(all, paged);
        assertEquals(all.subList(5, 11), s.listAll(5, 6));
        assertEquals(List.of(), s.listAll(20, 5));
        assertEquals(List.of(), s.listAll(3, 0));
        assertThrows(IllegalArgumentException.class, () -> s.listAll(-1, 5));
        assertThrows(IllegalArgumentException.class, () -> s.listAll(0, -1));
        if (!(s instanceof JdbcRegistrationStore)) {
            // the JDBC store's own order, read back after the write, is the one to match
            flushed(s);
            assertEquals(sql.listAll(0, 100), s.listAll(0, 100));
        }
    }

    /** Whatever {@code s} holds back, written to the database. */
    void flushed(RegistrationStore s) {
    }
}
