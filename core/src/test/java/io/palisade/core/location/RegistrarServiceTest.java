// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.core.location;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.palisade.core.MutableClock;
import io.palisade.core.db.Database;
import io.palisade.core.db.TestDatabases;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** RFC 3261 s.10.3 registrar rules against a real H2 file database. */
class RegistrarServiceTest {
    private static final String AOR = "sip:alice@example.com";
    private static final Flow FLOW = new Flow("tls", "192.0.2.10", 40000, "198.51.100.1", 5061);
    @TempDir
    static Path dir;
    private static Database db;
    private final MutableClock clock = new MutableClock(Instant.parse("2025-01-02T03:04:05Z"));
    private RegistrationStore store;
    private RegistrarService registrar;

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
        registrar = new RegistrarService(RegistrarConfig.defaults(), store, clock);
    }

    private static RegisterRequest req(String callId, long cseq, OptionalInt expiresHeader, ContactSpec... contacts) {
        return new RegisterRequest(AOR, "alice", "alice", false, List.of(contacts), expiresHeader, callId, cseq, FLOW,
                "TestPhone/1.0");
    }

    private static RegisterRequest wildcard(String callId, long cseq, OptionalInt expiresHeader) {
        return new RegisterRequest(AOR, "alice", "alice", true, List.of(), expiresHeader, callId, cseq, FLOW, null);
    }

    private static ContactSpec contact(String uri, int expires) {
        return new ContactSpec(uri, OptionalInt.of(expires), Optional.empty(), Optional.empty());
    }

    private static List<Binding> ok(RegisterResult r) {
        return assertInstanceOf(RegisterResult.Ok.class, r, r.toString()).current();
    }

    private static RegisterResult.Refused refused(RegisterResult r, int status) {
        RegisterResult.Refused f = assertInstanceOf(RegisterResult.Refused.class, r, r.toString());
        assertEquals(status, f.status(), f.reason());
        return f;
    }

    @Test
    void toMustMatchAuthenticatedUser() {
        RegisterRequest r = new RegisterRequest(AOR, "alice", "mallory", false, List.of(ContactSpec.of("sip:a@h")),
                OptionalInt.empty(), "c1", 1, FLOW, null);
        assertEquals("Forbidden: To does not match authenticated user", refused(registrar.register(r), 403).reason());
        assertEquals(0, store.count());
    }

    @Test
    void expiryComesFromContactThenHeaderThenDefaultAndIsClamped() {
        List<Binding> b = ok(registrar.register(req("c1", 1, OptionalInt.of(600),
                contact("sip:a@192.0.2.10:40000;transport=tls", 120), ContactSpec.of("sip:b@192.0.2.10"))));
        assertEquals(2, b.size());
        Instant now = clock.instant();
        assertEquals(Map.of("sip:a@192.0.2.10:40000;transport=tls", 120L, "sip:b@192.0.2.10", 600L),
                Map.of(b.get(0).contactUri(), b.get(0).remainingSeconds(now), b.get(1).contactUri(),
                        b.get(1).remainingSeconds(now)));
        b = ok(registrar.register(req("c1", 2, OptionalInt.empty(), ContactSpec.of("sip:c@h"))));
        assertEquals(3600, b.stream().filter(x -> x.contactUri().equals("sip:c@h")).findFirst().orElseThrow()
                .remainingSeconds(now), "default");
        b = ok(registrar.register(req("c1", 3, OptionalInt.of(86400), ContactSpec.of("sip:c@h"))));
        assertEquals(3600, b.stream().filter(x -> x.contactUri().equals("sip:c@h")).findFirst().orElseThrow()
                .remainingSeconds(now), "clamped to max");
        Binding stored = store.findByAor(AOR).stream().filter(x -> x.contactUri().equals("sip:c@h")).findFirst()
                .orElseThrow();
        assertEquals(FLOW, stored.flow());
        assertEquals("TLS", stored.flow().transport());
        assertEquals("TestPhone/1.0", stored.userAgent());
        assertEquals(3, stored.cseq());
    }

    @Test
    void tooBriefIntervalGets423WithMinExpires() {
        RegisterResult.Refused f = refused(registrar.register(req("c1", 1, OptionalInt.empty(), contact("sip:a@h", 30))), 423);
        assertEquals("Interval Too Brief", f.reason());
        assertEquals(Map.of("Min-Expires", "60"), f.headers());
        assertEquals(0, store.count());
    }

    @Test
    void zeroExpiresRemovesAndQueryListsCurrent() {
        ok(registrar.register(req("c1", 1, OptionalInt.empty(), ContactSpec.of("sip:a@h"), ContactSpec.of("sip:b@h"))));
        assertEquals(2, ok(registrar.register(req("c1", 2, OptionalInt.empty()))).size(), "query");
        List<Binding> left = ok(registrar.register(req("c1", 3, OptionalInt.empty(), contact("sip:a@h", 0))));
        assertEquals(List.of("sip:b@h"), left.stream().map(Binding::contactUri).toList());
        assertEquals(1, store.count());
    }

    @Test
    void wildcardRules() {
        assertEquals("Bad Request: wildcard Contact requires Expires: 0",
                refused(registrar.register(wildcard("c1", 1, OptionalInt.empty())), 400).reason());
        assertEquals("Bad Request: wildcard Contact requires Expires: 0",
                refused(registrar.register(wildcard("c1", 1, OptionalInt.of(60))), 400).reason());
        RegisterRequest withOther = new RegisterRequest(AOR, "alice", "alice", true, List.of(ContactSpec.of("sip:a@h")),
                OptionalInt.of(0), "c1", 1, FLOW, null);
        assertEquals("Bad Request: wildcard Contact must be the only Contact",
                refused(registrar.register(withOther), 400).reason());

        ok(registrar.register(req("phone1", 10, OptionalInt.empty(), ContactSpec.of("sip:a@h"))));
        ok(registrar.register(req("phone2", 5, OptionalInt.empty(), ContactSpec.of("sip:b@h"))));
        // Same Call-ID as a binding with a CSeq not lower than ours: the update is aborted (step 6).
        assertEquals("Out of order CSeq", refused(registrar.register(wildcard("phone1", 10, OptionalInt.of(0))), 500).reason());
        assertEquals(2, store.count());
        assertEquals(List.of(), ok(registrar.register(wildcard("phone1", 11, OptionalInt.of(0)))));
        assertEquals(0, store.count());
    }

    @Test
    void cseqOrderingPerCallId() {
        ok(registrar.register(req("c1", 5, OptionalInt.empty(), ContactSpec.of("sip:a@h"))));
        assertEquals("Out of order CSeq",
                refused(registrar.register(req("c1", 5, OptionalInt.empty(), ContactSpec.of("sip:a@h"))), 500).reason());
        refused(registrar.register(req("c1", 4, OptionalInt.empty(), contact("sip:a@h", 0))), 500);
        assertEquals(1, store.count(), "old request changed nothing");
        ok(registrar.register(req("c1", 6, OptionalInt.empty(), contact("sip:a@h", 120))));
        // Another Call-ID replaces the binding whatever its CSeq (step 7).
        Binding b = ok(registrar.register(req("other", 1, OptionalInt.empty(), ContactSpec.of("sip:a@h")))).get(0);
        assertEquals("other", b.callId());
        assertEquals(1, b.cseq());
        assertEquals(1, store.count());
    }

    @Test
    void tooManyContactsRefusedWithoutChanges() {
        RegistrarService small = new RegistrarService(new RegistrarConfig(60, 3600, 3600, 2), store, clock);
        ok(small.register(req("c1", 1, OptionalInt.empty(), ContactSpec.of("sip:a@h"), ContactSpec.of("sip:b@h"))));
        assertEquals("Too Many Contacts",
                refused(small.register(req("c2", 1, OptionalInt.empty(), ContactSpec.of("sip:c@h"))), 403).reason());
        assertEquals(2, store.count());
        // Replacing within the limit is fine.
        ok(small.register(req("c1", 2, OptionalInt.empty(), contact("sip:a@h", 0), ContactSpec.of("sip:c@h"))));
        assertEquals(2, store.count());
    }

    @Test
    void refreshMatchesCanonicalContact() {
        ok(registrar.register(req("c1", 1, OptionalInt.empty(), ContactSpec.of("<sip:alice@PC.example.com;transport=tcp>"))));
        clock.advance(Duration.ofSeconds(100));
        List<Binding> b = ok(registrar.register(req("c1", 2, OptionalInt.empty(),
                ContactSpec.of("SIP:alice@pc.EXAMPLE.com;transport=tcp"))));
        assertEquals(1, b.size());
        assertEquals("sip:alice@pc.example.com;transport=tcp", b.get(0).contactUri());
        assertEquals(3600, b.get(0).remainingSeconds(clock.instant()));
    }

    @Test
    void invalidContactsAndQ() {
        assertEquals("Bad Request: invalid Contact URI",
                refused(registrar.register(req("c1", 1, OptionalInt.empty(), ContactSpec.of("not a uri"))), 400).reason());
        assertEquals("Bad Request: q out of range", refused(registrar.register(req("c1", 1, OptionalInt.empty(),
                new ContactSpec("sip:a@h", OptionalInt.empty(), Optional.of(1.5f), Optional.empty()))), 400).reason());
        assertEquals("Bad Request: negative expires",
                refused(registrar.register(req("c1", 1, OptionalInt.empty(), contact("sip:a@h", -1))), 400).reason());
    }

    @Test
    void expiryLookupOrderAndSweep() {
        ok(registrar.register(req("c1", 1, OptionalInt.empty(),
                new ContactSpec("sip:low@h", OptionalInt.of(3600), Optional.of(0.1f), Optional.empty()),
                new ContactSpec("sip:high@h", OptionalInt.of(120), Optional.of(0.9f), Optional.empty()),
                new ContactSpec("sip:mid@h", OptionalInt.of(60), Optional.of(0.5f), Optional.empty()))));
        assertEquals(List.of("sip:high@h", "sip:mid@h", "sip:low@h"),
                registrar.lookup(AOR).stream().map(Binding::contactUri).toList());
        clock.advance(Duration.ofSeconds(59).plusMillis(500));
        Binding mid = registrar.lookup(AOR).get(1);
        assertEquals(1, mid.remainingSeconds(clock.instant()), "rounded up while live");
        clock.advance(Duration.ofMillis(500));
        assertEquals(List.of("sip:high@h", "sip:low@h"), registrar.lookup(AOR).stream().map(Binding::contactUri).toList());
        assertEquals(0, mid.remainingSeconds(clock.instant()));
        assertEquals(1, registrar.sweepExpired());
        assertEquals(2, store.count());
        clock.advance(Duration.ofHours(2));
        assertEquals(List.of(), registrar.lookup(AOR));
        assertEquals(List.of(), ok(registrar.register(req("c1", 2, OptionalInt.empty()))));
    }

    @Test
    void sameInstanceOnNewAddressReplacesOldBinding() {
        ContactSpec before = new ContactSpec("sip:alice@192.0.2.10:40000", OptionalInt.empty(), Optional.empty(),
                Optional.of("<urn:uuid:00000000-0000-1000-8000-000A95A0E128>"));
        ContactSpec after = new ContactSpec("sip:alice@203.0.113.7:41000", OptionalInt.empty(), Optional.empty(),
                Optional.of("<urn:uuid:00000000-0000-1000-8000-000A95A0E128>"));
        ok(registrar.register(req("boot1", 1, OptionalInt.empty(), before)));
        ok(registrar.register(req("other-phone", 1, OptionalInt.empty(), ContactSpec.of("sip:alice@198.51.100.9"))));
        List<Binding> b = ok(registrar.register(req("boot2", 1, OptionalInt.empty(), after)));
        assertEquals(List.of("sip:alice@198.51.100.9", "sip:alice@203.0.113.7:41000"),
                b.stream().map(Binding::contactUri).sorted().toList());
    }

    @Test
    void bindingsSurviveRestart(@TempDir Path other) {
        try (Database first = TestDatabases.open(other)) {
            RegistrarService r = new RegistrarService(RegistrarConfig.defaults(),
                    new JdbcRegistrationStore(first.dataSource()), clock);
            ok(r.register(req("c1", 1, OptionalInt.empty(), ContactSpec.of("sip:a@h"))));
        }
        try (Database second = TestDatabases.open(other)) {
            RegistrarService r = new RegistrarService(RegistrarConfig.defaults(),
                    new JdbcRegistrationStore(second.dataSource()), clock);
            List<Binding> b = r.lookup(AOR);
            assertEquals(1, b.size());
            assertEquals(FLOW, b.get(0).flow());
            assertEquals(clock.instant().plusSeconds(3600), b.get(0).expiresAt());
        }
    }

    @Test
    void concurrentRegistersOfOneAorStayConsistent() throws Exception {
        RegistrarService wide = new RegistrarService(new RegistrarConfig(60, 3600, 3600, 1000), store, clock);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Callable<RegisterResult>> tasks = new ArrayList<>();
            for (int i = 0; i < 400; i++) {
                int n = i;
                tasks.add(() -> wide.register(req("phone" + (n % 40), n, OptionalInt.empty(),
                        ContactSpec.of("sip:dev" + (n % 40) + "@h"))));
            }
            long start = System.nanoTime();
            for (Future<RegisterResult> f : pool.invokeAll(tasks)) {
                assertInstanceOf(RegisterResult.class, f.get());
            }
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertEquals(40, store.count());
            assertTrue(ms < 10_000, "400 REGISTERs took " + ms + " ms");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void storeListsAndRemoves() {
        ok(registrar.register(req("c1", 1, OptionalInt.empty(), ContactSpec.of("sip:a@h"), ContactSpec.of("sip:b@h"))));
        assertEquals(List.of("sip:a@h"), store.listAll(0, 1).stream().map(Binding::contactUri).toList());
        assertEquals(List.of("sip:b@h"), store.listAll(1, 5).stream().map(Binding::contactUri).toList());
        store.removeAll(AOR);
        assertEquals(0, store.count());
    }

    @Test
    void configValidation() {
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> new RegistrarConfig(0, 10, 5, 1));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> new RegistrarConfig(60, 30, 30, 1));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> new RegistrarConfig(60, 3600, 10, 1));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> new RegistrarConfig(60, 3600, 60, 0));
        assertEquals(new RegistrarConfig(60, 3600, 3600, 10), RegistrarConfig.defaults());
    }
}
