// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.core.location;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.palisade.core.MutableClock;
import io.palisade.core.db.Database;
import io.palisade.core.db.TestDatabases;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Write-back against a real H2 file database: what reaches the table, when, and after failures and races. */
class WriteBackRegistrationStoreTest {
    private static final String ALICE = "sip:alice@example.com";
    private static final Instant T0 = Instant.parse("2025-01-02T03:04:05Z");
    private static final Duration IDLE = Duration.ofHours(1); // the writer thread stays out of the way
    @TempDir
    Path dir;
    private Database db;
    private JdbcRegistrationStore table;

    @BeforeEach
    void open() {
        db = TestDatabases.open(dir);
        table = new JdbcRegistrationStore(db.dataSource());
    }

    @AfterEach
    void close() {
        db.close();
    }

    private static Binding binding(String aor, String contact, long cseq, Instant expires) {
        return new Binding(aor, contact, 1.0f, expires, "call-" + contact, cseq,
                new Flow("TLS", "192.0.2.10", 40000, "198.51.100.1", 5061), "Phone/1", null);
    }

    /** Every row of the table, as a fresh JDBC store reads it. */
    private List<Binding> rows() {
        return new JdbcRegistrationStore(db.dataSource()).listAll(0, 100_000);
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting: " + what);
            }
            Thread.sleep(5); // the pause between polls; the deadline bounds the wait
        }
    }

    /** Like assertEquals, but a failure names the few bindings that differ instead of printing thousands. */
    private static void sameBindings(List<Binding> expected, List<Binding> actual, String what) {
        if (!expected.equals(actual)) {
            List<Binding> missing = new ArrayList<>(expected);
            missing.removeAll(actual);
            List<Binding> extra = new ArrayList<>(actual);
            extra.removeAll(expected);
            throw new AssertionError(what + ": " + missing.size() + " binding(s) missing, for example "
                    + missing.stream().limit(3).toList() + "; " + extra.size() + " unexpected, for example "
                    + extra.stream().limit(3).toList());
        }
    }

    /** Passes everything to the table and remembers the group writes it was asked for. */
    private static final class Recording implements RegistrationStore {
        final RegistrationStore target;
        final List<List<Change>> writes = new CopyOnWriteArrayList<>();
        final AtomicInteger reads = new AtomicInteger();
        final AtomicInteger failuresToGo = new AtomicInteger();

        Recording(RegistrationStore target) {
            this.target = target;
        }

        @Override
        public List<Binding> findByAor(String aor) {
            reads.incrementAndGet();
            return target.findByAor(aor);
        }

        @Override
        public void apply(String aor, List<Binding> upserts, List<String> removed) {
            throw new AssertionError("the write-back store writes through applyAll");
        }

        @Override
        public void applyAll(List<Change> changes) {
            if (failuresToGo.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                throw new RegistrationStoreException("database unavailable (test)", new java.sql.SQLException());
            }
            writes.add(List.copyOf(changes));
            target.applyAll(changes);
        }

        @Override
        public void removeAll(String aor) {
            throw new AssertionError("not written through");
        }

        @Override
        public int deleteExpired(Instant now) {
            throw new AssertionError("not written through");
        }

        @Override
        public List<Binding> listAll(int offset, int limit) {
            return target.listAll(offset, limit);
        }

        @Override
        public int count() {
            reads.incrementAndGet();
            return target.count();
        }
    }

    @Test
    void manyRefreshesBetweenWritesAreOneRowWriteAndTheLastWins() {
        Recording rec = new Recording(table);
        try (WriteBackRegistrationStore s = WriteBackRegistrationStore.open(rec, IDLE)) {
            for (int cseq = 1; cseq <= 50; cseq++) {
                s.apply(ALICE, List.of(binding(ALICE, "sip:a@h", cseq, T0.plusSeconds(cseq))), List.of());
            }
            assertEquals(List.of(), rows(), "nothing is written before the interval");
            assertEquals(1, s.pendingAddresses());
            assertTrue(s.flush());

            assertEquals(1, rec.writes.size());
            RegistrationStore.Change only = rec.writes.get(0).get(0);
            assertEquals(List.of(binding(ALICE, "sip:a@h", 50, T0.plusSeconds(50))), only.upserts());
            assertEquals(List.of(), only.removedContactUris());
            assertEquals(List.of(binding(ALICE, "sip:a@h", 50, T0.plusSeconds(50))), rows());
            assertEquals(0, s.pendingAddresses());
            assertTrue(s.flush());
            assertEquals(1, rec.writes.size(), "nothing dirty, nothing written");
        }
    }

    /**
     * A phone refreshing far more often than its lifetime (3600 s) needs: a refresh that only moves the expiry is
     * written once the database's copy has less than half of the new lifetime left, any other change at once, and a
     * clean stop writes what was held back.
     */
    @Test
    void refreshesThatOnlyExtendTheExpiryAreWrittenWhenTheCopyHasLessThanHalfTheLifetimeLeft() {
        MutableClock clock = new MutableClock(T0);
        Recording rec = new Recording(table);
        Flow flow = new Flow("TLS", "192.0.2.10", 40000, "198.51.100.1", 5061);
        java.util.function.LongFunction<Binding> refreshAt = cseq -> new Binding(ALICE, "sip:a@h", 1.0f,
                clock.instant().plusSeconds(3600), "call-1", cseq, flow, "Phone/1", null);
        try (WriteBackRegistrationStore s = WriteBackRegistrationStore.open(rec, IDLE, clock)) {
            s.apply(ALICE, List.of(refreshAt.apply(1)), List.of());
            assertTrue(s.flush());
            assertEquals(1, rec.writes.size());

            clock.advance(Duration.ofSeconds(60));
            Binding second = refreshAt.apply(2);
            s.apply(ALICE, List.of(second), List.of());
            assertEquals(List.of(second), s.findByAor(ALICE), "memory has the refresh at once");
            assertEquals(0, s.pendingAddresses(), "the copy written 60 s ago has 3540 s left: nothing to write");
            assertTrue(s.flush());
            assertEquals(1, rec.writes.size());
            assertEquals(T0.plusSeconds(3600), rows().get(0).expiresAt());

            clock.advance(Duration.ofSeconds(1739)); // T0 + 1799 s: the copy has 1801 s left, more than half of 3600
            s.apply(ALICE, List.of(refreshAt.apply(3)), List.of());
            assertEquals(0, s.pendingAddresses());
            clock.advance(Duration.ofSeconds(2)); // T0 + 1801 s: 1799 s left, less than half
            Binding fourth = refreshAt.apply(4);
            s.apply(ALICE, List.of(fourth), List.of());
            assertEquals(1, s.pendingAddresses(), "the copy would not cover half the new lifetime");
            assertTrue(s.flush());
            assertEquals(List.of(fourth), rows());

            clock.advance(Duration.ofSeconds(1));
            Binding moved = new Binding(ALICE, "sip:a@h", 1.0f, clock.instant().plusSeconds(3600), "call-1", 5,
                    new Flow("TLS", "192.0.2.10", 40001, "198.51.100.1", 5061), "Phone/1", null);
            s.apply(ALICE, List.of(moved), List.of());
            assertEquals(1, s.pendingAddresses(), "a new flow is written whatever the expiry");
            assertTrue(s.flush());
            assertEquals(List.of(moved), rows());

            clock.advance(Duration.ofSeconds(1));
            Binding upgraded = new Binding(ALICE, "sip:a@h", 1.0f, clock.instant().plusSeconds(3600), "call-1", 6,
                    moved.flow(), "Phone/2", null);
            s.apply(ALICE, List.of(upgraded), List.of());
            assertEquals(1, s.pendingAddresses(), "a new User-Agent is written too");
            assertTrue(s.flush());

            clock.advance(Duration.ofSeconds(5));
            Binding last = new Binding(ALICE, "sip:a@h", 1.0f, clock.instant().plusSeconds(3600), "call-2", 1,
                    moved.flow(), "Phone/2", null);
            s.apply(ALICE, List.of(last), List.of());
            assertEquals(0, s.pendingAddresses(), "a refresh with a new Call-ID (as many clients send) is not");
            assertEquals(List.of(upgraded), rows());
        }
        assertEquals(List.of(new Binding(ALICE, "sip:a@h", 1.0f, T0.plusSeconds(1808 + 3600), "call-2", 1,
                new Flow("TLS", "192.0.2.10", 40001, "198.51.100.1", 5061), "Phone/2", null)), rows(),
                "a clean stop writes the refresh held back");
    }

    @Test
    void removalsSweepsAndRemoveAllAreWrittenBehindAndOnlyWhatChangedIsWritten() {
        Recording rec = new Recording(table);
        String bob = "sip:bob@example.com";
        String carol = "sip:carol@example.com";
        try (WriteBackRegistrationStore s = WriteBackRegistrationStore.open(rec, IDLE)) {
            s.apply(ALICE, List.of(binding(ALICE, "sip:a@h", 1, T0.plusSeconds(60)),
                    binding(ALICE, "sip:b@h", 1, T0.minusSeconds(1))), List.of());
            s.apply(bob, List.of(binding(bob, "sip:b@h", 1, T0.plusSeconds(60))), List.of());
            s.apply(carol, List.of(binding(carol, "sip:c@h", 1, T0.plusSeconds(60))), List.of());
            assertTrue(s.flush());
            assertEquals(4, rows().size());

            assertEquals(1, s.deleteExpired(T0));
            s.removeAll(bob);
            s.apply(carol, List.of(binding(carol, "sip:c2@h", 2, T0.plusSeconds(60))), List.of("sip:c@h"));
            assertEquals(List.of(binding(ALICE, "sip:a@h", 1, T0.plusSeconds(60)),
                    binding(carol, "sip:c2@h", 2, T0.plusSeconds(60))), s.listAll(0, 10));
            assertEquals(4, rows().size(), "not yet written");
            assertTrue(s.flush());
            assertEquals(s.listAll(0, 10), rows());

            Map<String, RegistrationStore.Change> last = new TreeMap<>();
            rec.writes.get(1).forEach(c -> last.put(c.aor(), c));
            assertEquals(new RegistrationStore.Change(ALICE, List.of(), List.of("sip:b@h")), last.get(ALICE),
                    "the untouched live binding is not written again");
            assertEquals(new RegistrationStore.Change(bob, List.of(), List.of("sip:b@h")), last.get(bob));
            assertEquals(List.of("sip:c@h"), last.get(carol).removedContactUris());
        }
    }

    @Test
    void openingLoadsEveryStoredBindingAndAMissIsNotARead() {
        List<Binding> stored = new ArrayList<>();
        for (int u = 0; u < 400; u++) { // 1,200 bindings: more than two load pages
            String aor = "sip:u" + u + "@example.com";
            List<Binding> mine = List.of(binding(aor, "sip:a@h", 1, T0), binding(aor, "sip:b@h", 2, T0.plusSeconds(9)),
                    binding(aor, "sip:c@h", 3, T0.minusSeconds(9)));
            table.apply(aor, mine, List.of());
            stored.addAll(mine);
        }
        stored.sort(Comparator.comparing(Binding::aor).thenComparing(Binding::contactUri));
        Recording rec = new Recording(table);
        try (WriteBackRegistrationStore s = WriteBackRegistrationStore.open(rec, IDLE)) {
            assertEquals(1200, s.count());
            assertEquals(stored, s.listAll(0, 5000));
            assertEquals(3, s.findByAor("sip:u7@example.com").size());
            assertEquals(List.of(), s.findByAor("sip:nobody@example.com"));
            assertEquals(0, rec.reads.get(), "reads are answered from memory");
            assertEquals(0, s.pendingAddresses(), "loading is not a change");
        }
        assertTrue(rec.writes.isEmpty());
    }

    @Test
    void aFailedWriteKeepsEverythingAndTheNextWriteStoresTheCurrentState() {
        Recording rec = new Recording(table);
        rec.failuresToGo.set(1);
        try (WriteBackRegistrationStore s = WriteBackRegistrationStore.open(rec, IDLE)) {
            s.apply(ALICE, List.of(binding(ALICE, "sip:a@h", 1, T0), binding(ALICE, "sip:b@h", 1, T0)), List.of());
            assertFalse(s.flush());
            assertEquals(1, s.writeFailures());
            assertEquals(1, s.pendingAddresses());
            assertEquals(2, s.count(), "memory is not rolled back");
            assertEquals(List.of(), rows());

            // changed again between the failure and the retry: the retry writes the newer state
            s.apply(ALICE, List.of(binding(ALICE, "sip:c@h", 2, T0)), List.of("sip:b@h"));
            assertTrue(s.flush());
            assertEquals(List.of(binding(ALICE, "sip:a@h", 1, T0), binding(ALICE, "sip:c@h", 2, T0)), rows());
            assertEquals(0, s.pendingAddresses());
            assertEquals(1, s.writeFailures());
        }
    }

    @Test
    void theWriterThreadWritesEveryIntervalAndCloseWritesTheRest() throws Exception {
        Recording rec = new Recording(table);
        WriteBackRegistrationStore s = WriteBackRegistrationStore.open(rec, Duration.ofMillis(20));
        rec.failuresToGo.set(2); // the thread survives failures and tries again
        s.apply(ALICE, List.of(binding(ALICE, "sip:a@h", 1, T0)), List.of());
        await(() -> rows().size() == 1, "the writer thread stores the binding");
        assertEquals(2, s.writeFailures());
        assertTrue(Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.getName().equals(WriteBackRegistrationStore.THREAD_NAME) && t.isDaemon()));

        s.apply(ALICE, List.of(binding(ALICE, "sip:b@h", 2, T0)), List.of("sip:a@h"));
        s.close();
        assertEquals(List.of(binding(ALICE, "sip:b@h", 2, T0)), rows(), "close writes what is pending");
        assertThrows(IllegalStateException.class,
                () -> s.apply(ALICE, List.of(binding(ALICE, "sip:c@h", 3, T0)), List.of()));
        s.close(); // twice is harmless
    }

    @Test
    void registrationsSurviveARestartOfTheStore() {
        MutableClock clock = new MutableClock(T0);
        try (WriteBackRegistrationStore s = WriteBackRegistrationStore.open(table, IDLE)) {
            RegistrarService r = new RegistrarService(RegistrarConfig.defaults(), s, clock);
            RegisterResult ok = r.register(new RegisterRequest(ALICE, "alice", "alice", false,
                    List.of(ContactSpec.of("sip:a@h")), java.util.OptionalInt.empty(), "c1", 1,
                    new Flow("tls", "192.0.2.10", 40000, "198.51.100.1", 5061), "TestPhone/1.0"));
            assertTrue(ok instanceof RegisterResult.Ok, ok.toString());
        }
        try (WriteBackRegistrationStore s = WriteBackRegistrationStore.open(table, IDLE)) {
            RegistrarService r = new RegistrarService(RegistrarConfig.defaults(), s, clock);
            List<Binding> b = r.lookup(ALICE);
            assertEquals(1, b.size());
            assertEquals(clock.instant().plusSeconds(3600), b.get(0).expiresAt());
        }
    }

    /**
     * Threads change bindings of the same addresses-of-record (each thread its own contacts, so the expected end
     * state is known) while the writer thread runs every millisecond and another thread forces writes as well. At
     * the end memory, the database and the expected state agree.
     */
    @Test
    void concurrentChangesWhileWritesRunEndWithDatabaseEqualToMemory() throws Exception {
        int threads = 4;
        int aors = 50;
        int opsPerThread = 3000;
        WriteBackRegistrationStore s = WriteBackRegistrationStore.open(table, Duration.ofMillis(1));
        ExecutorService pool = Executors.newFixedThreadPool(threads + 1);
        AtomicBoolean done = new AtomicBoolean();
        try {
            Future<?> flusher = pool.submit(() -> {
                while (!done.get()) {
                    s.flush();
                }
                return null;
            });
            List<Future<Map<String, Map<String, Binding>>>> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int me = t;
                workers.add(pool.submit(() -> {
                    Map<String, Map<String, Binding>> mine = new TreeMap<>();
                    ThreadLocalRandom rnd = ThreadLocalRandom.current();
                    for (int i = 1; i <= opsPerThread; i++) {
                        String aor = "sip:u" + rnd.nextInt(aors) + "@example.com";
                        String contact = "sip:t" + me + "-" + rnd.nextInt(3) + "@h";
                        Map<String, Binding> expected = mine.computeIfAbsent(aor, k -> new TreeMap<>());
                        if (rnd.nextInt(4) == 0) {
                            s.apply(aor, List.of(), List.of(contact));
                            expected.remove(contact);
                        } else {
                            Binding b = binding(aor, contact, i, T0.plusMillis(i));
                            s.apply(aor, List.of(b), List.of());
                            expected.put(contact, b);
                        }
                    }
                    return mine;
                }));
            }
            List<Binding> expected = new ArrayList<>();
            for (Future<Map<String, Map<String, Binding>>> w : workers) {
                w.get().values().forEach(m -> expected.addAll(m.values()));
            }
            done.set(true);
            flusher.get();
            expected.sort(Comparator.comparing(Binding::aor).thenComparing(Binding::contactUri));

            sameBindings(expected, s.listAll(0, 100_000), "memory");
            assertEquals(expected.size(), s.count());
            s.close();
            sameBindings(expected, rows(), "database");
            assertEquals(0, s.writeFailures());
        } finally {
            done.set(true);
            pool.shutdownNow();
            s.close();
        }
    }
}
