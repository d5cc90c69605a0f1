// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.core.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.palisade.core.db.Database;
import io.palisade.core.db.TestDatabases;
import io.palisade.core.net.Cidr;
import io.palisade.core.net.NetworkList;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EdgeGuardTest {
    @TempDir
    Path dir;
    Database db;
    JdbcBanStore store;
    final List<SecurityEvent> seen = new CopyOnWriteArrayList<>();
    SecurityEvents events;
    Instant now = Instant.parse("2026-11-23T10:00:00Z");
    long nanos = 1_000_000_000L;

    final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    };

    @BeforeEach
    void open() {
        db = TestDatabases.open(dir);
        store = new JdbcBanStore(db.dataSource());
        events = new SecurityEvents(List.of(seen::add), clock);
    }

    @AfterEach
    void close() {
        events.close();
        db.close();
    }

    EdgeGuard guard(EdgeConfig cfg) {
        return new EdgeGuard(cfg, store, events, clock, () -> nanos);
    }

    static EdgeConfig withExempt(EdgeConfig c, String cidr) {
        return new EdgeConfig(c.maxHeaders(), c.maxHeaderLength(), c.maxVias(), c.sourceRequests(), c.sourceRegisters(),
                c.sourceInvites(), c.userRegisters(), c.addressFailures(), c.userFailures(), c.failureWindow(), c.banBase(),
                c.banMax(), c.offenceMemory(), c.scannerUserAgents(), c.scanUsers(),
                new NetworkList(List.of(Cidr.parse(cidr).orElseThrow())), c.denyNetworks(), c.tlsAllowNetworks(),
                c.maxTrackedSources());
    }

    static MessageFacts register(String source, String user) {
        return new MessageFacts("REGISTER", "TLS", source, 10, 200, 1, 70, 0, 0, "Phone/1.0", user, "sip", false, false, true);
    }

    static MessageFacts invite(String transport, String scheme, int maxForwards, boolean crypto) {
        return new MessageFacts("INVITE", transport, "198.51.100.7", 12, 200, 1, maxForwards, 10, 10, "Phone/1.0", "bob",
                scheme, false, crypto, true);
    }

    List<SecurityEvent.Kind> kinds() throws InterruptedException {
        assertTrue(events.flush(5_000));
        return seen.stream().map(SecurityEvent::kind).toList();
    }

    @Test
    void tenFailedLoginsFromOneAddressBanIt() throws Exception {
        EdgeGuard g = guard(EdgeConfig.defaults());
        for (int i = 0; i < 9; i++) {
            g.authFailed("203.0.113.9", "alice", false);
        }
        assertInstanceOf(Verdict.Pass.class, g.inspect(register("203.0.113.9", "alice")));
        g.authFailed("203.0.113.9", "alice", false);
        assertInstanceOf(Verdict.Drop.class, g.inspect(register("203.0.113.9", "alice")));
        assertInstanceOf(Verdict.Pass.class, g.inspect(register("203.0.113.10", "alice")), "other addresses unaffected");
        List<SecurityEvent.Kind> k = kinds();
        assertEquals(10, k.stream().filter(x -> x == SecurityEvent.Kind.AUTH_FAILURE).count());
        assertTrue(k.contains(SecurityEvent.Kind.AUTH_FAILURE_BURST), k.toString());
        assertTrue(k.contains(SecurityEvent.Kind.BAN), k.toString());
        assertEquals(Duration.ofMinutes(10), Duration.between(now, g.activeBan("203.0.113.9").orElseThrow().until()));
    }

    @Test
    void failuresSpreadBeyondTheWindowDoNotBan() {
        EdgeGuard g = guard(EdgeConfig.defaults());
        for (int i = 0; i < 30; i++) {
            g.authFailed("203.0.113.9", "alice" + (i % 3), false);
            now = now.plus(Duration.ofSeconds(40)); // 7-8 per 5-minute window
        }
        assertTrue(g.activeBan("203.0.113.9").isEmpty());
    }

    @Test
    void bansExpireAndRepeatOffencesLastLonger() {
        EdgeGuard g = guard(EdgeConfig.defaults());
        g.ban("203.0.113.9", "test", null, "");
        now = now.plus(Duration.ofMinutes(10));
        assertInstanceOf(Verdict.Pass.class, g.inspect(register("203.0.113.9", "alice")), "expired after 10 min");
        g.ban("203.0.113.9", "test again", null, "");
        Ban second = g.activeBan("203.0.113.9").orElseThrow();
        assertEquals(2, second.offences());
        assertEquals(Duration.ofMinutes(20), Duration.between(second.since(), second.until()));
        now = second.until().plus(Duration.ofDays(8)); // beyond the offence memory
        g.ban("203.0.113.9", "much later", null, "");
        assertEquals(1, g.activeBan("203.0.113.9").orElseThrow().offences());
    }

    @Test
    void bansAndFailureCountersSurviveARestart() throws Exception {
        EdgeGuard g = guard(EdgeConfig.defaults());
        g.ban("203.0.113.9", "test", null, "");
        for (int i = 0; i < 9; i++) {
            g.authFailed("203.0.113.50", "bob", false);
        }
        g.refresh();
        EdgeGuard restarted = guard(EdgeConfig.defaults());
        assertInstanceOf(Verdict.Drop.class, restarted.inspect(register("203.0.113.9", "alice")));
        restarted.authFailed("203.0.113.50", "bob", false); // the tenth, counted across the restart
        assertTrue(restarted.activeBan("203.0.113.50").isPresent());
    }

    @Test
    void aLiftedBanLetsTheAddressInAndIsAnnounced() throws Exception {
        EdgeGuard g = guard(EdgeConfig.defaults());
        g.ban("203.0.113.9", "test", null, "");
        g.refresh();
        assertTrue(g.lift("203.0.113.9", "admin"));
        assertFalse(g.lift("203.0.113.9", "admin"));
        assertInstanceOf(Verdict.Pass.class, g.inspect(register("203.0.113.9", "alice")));
        assertTrue(kinds().contains(SecurityEvent.Kind.UNBAN));
    }

    @Test
    void aBanLiftedInTheStoreByAnotherProcessIsTakenInOnRefresh() throws Exception {
        now = now.plusNanos(123_456_123); // finer than the database keeps: the stored ban must still match
        EdgeGuard g = guard(EdgeConfig.defaults());
        g.ban("203.0.113.9", "test", null, "");
        g.refresh();
        Ban b = store.find("203.0.113.9").orElseThrow();
        // what `palisade bans lift` does
        store.save(new Ban(b.address(), b.reason(), b.since(), now.truncatedTo(java.time.temporal.ChronoUnit.MILLIS), b.offences()));
        g.refresh();
        assertInstanceOf(Verdict.Pass.class, g.inspect(register("203.0.113.9", "alice")));
        assertTrue(events.flush(5_000));
        assertTrue(seen.stream().anyMatch(e -> e.kind() == SecurityEvent.Kind.UNBAN && e.detail().equals("lifted")), seen.toString());
    }

    @Test
    void anExpiredBanIsAnnouncedOnce() throws Exception {
        EdgeGuard g = guard(EdgeConfig.defaults());
        g.ban("203.0.113.9", "test", null, "");
        g.refresh();
        now = now.plus(Duration.ofMinutes(11));
        g.refresh();
        g.refresh();
        assertTrue(events.flush(5_000));
        assertEquals(1, seen.stream().filter(e -> e.kind() == SecurityEvent.Kind.UNBAN && e.detail().equals("expired")).count());
    }

    @Test
    void exemptNetworksAreNeverBannedOrLimited() {
        EdgeGuard g = guard(withExempt(EdgeConfig.defaults(), "10.0.0.0/8"));
        for (int i = 0; i < 100; i++) {
            g.authFailed("10.1.2.3", "alice", false);
        }
        assertTrue(g.activeBan("10.1.2.3").isEmpty());
        for (int i = 0; i < 5_000; i++) {
            assertInstanceOf(Verdict.Pass.class, g.inspect(register("10.1.2.3", "u" + i)));
        }
    }

    @Test
    void scannerUserAgentsAreDroppedSilentlyAndBanned() throws Exception {
        EdgeGuard g = guard(EdgeConfig.defaults());
        MessageFacts svwar = new MessageFacts("OPTIONS", "UDP", "192.0.2.66", 8, 100, 1, 70, 0, 0, "friendly-scanner",
                "100", "sip", false, false, true);
        assertInstanceOf(Verdict.Drop.class, g.inspect(svwar));
        assertInstanceOf(Verdict.Drop.class, g.inspect(register("192.0.2.66", "alice")), "banned, whatever it claims next");
        assertTrue(kinds().contains(SecurityEvent.Kind.SCANNER));
    }

    @Test
    void sweepingUnknownUserNamesMarksAScanner() {
        EdgeGuard g = guard(EdgeConfig.defaults());
        for (int i = 100; i < 104; i++) {
            g.authFailed("192.0.2.77", Integer.toString(i), true);
        }
        assertTrue(g.activeBan("192.0.2.77").isEmpty());
        g.authFailed("192.0.2.77", "104", true);
        assertTrue(g.activeBan("192.0.2.77").orElseThrow().reason().startsWith("scanner"));
    }

    @Test
    void overTheRateLimitTheFirstRefusalIs503WithRetryAfterThenSilence() {
        EdgeGuard g = guard(EdgeConfig.defaults()); // INVITE: 20/s, burst 40
        for (int i = 0; i < 40; i++) {
            assertInstanceOf(Verdict.Pass.class, g.inspect(invite("TLS", "sip", 70, false)), "burst " + i);
        }
        Verdict.Reject r = assertInstanceOf(Verdict.Reject.class, g.inspect(invite("TLS", "sip", 70, false)));
        assertEquals(503, r.status());
        assertTrue(r.retryAfter().isPresent());
        assertInstanceOf(Verdict.Drop.class, g.inspect(invite("TLS", "sip", 70, false)));
        nanos += 1_000_000_000L; // one second refills 20 tokens
        for (int i = 0; i < 20; i++) {
            assertInstanceOf(Verdict.Pass.class, g.inspect(invite("TLS", "sip", 70, false)), "refilled " + i);
        }
        assertTrue(g.activeBan("198.51.100.7").isEmpty(), "rate limits never ban");
    }

    @Test
    void anOfficeBehindOneAddressReRegisteringAtOnceIsSmoothedNotBanned() {
        EdgeGuard g = guard(EdgeConfig.defaults());
        int passed = 0;
        int refused = 0;
        for (int second = 0; second < 20; second++) {
            for (int phone = 0; phone < 150; phone++) {
                Verdict v = g.inspect(register("203.0.113.200", "ext" + (second * 150 + phone) % 1000));
                if (v instanceof Verdict.Pass) {
                    passed++;
                } else {
                    refused++;
                }
            }
            nanos += 1_000_000_000L;
        }
        assertTrue(g.activeBan("203.0.113.200").isEmpty());
        assertTrue(passed >= 400 + 19 * 100, "REGISTER limit 100/s burst 400 holds: " + passed);
        assertTrue(refused > 0);
    }

    @Test
    void oneUserRegisteringTooOftenIsLimitedWhateverItsAddress() {
        EdgeGuard g = guard(EdgeConfig.defaults()); // 2/s burst 10 per user
        int passed = 0;
        for (int i = 0; i < 50; i++) {
            if (g.inspect(register("198.51.100." + (i % 50 + 1), "alice")) instanceof Verdict.Pass) {
                passed++;
            }
        }
        assertEquals(10, passed);
    }

    @Test
    void requestsWithoutCredentialsDoNotCountAgainstTheUserTheyName() {
        EdgeGuard g = guard(EdgeConfig.defaults());
        for (int i = 0; i < 50; i++) {
            g.inspect(new MessageFacts("REGISTER", "TLS", "198.51.100.9", 10, 200, 1, 70, 0, 0, "x", "alice", "sip", false,
                    false, false));
        }
        assertInstanceOf(Verdict.Pass.class, g.inspect(register("198.51.100.10", "alice")));
    }

    @Test
    void aUserWithAnAccessListMayOnlyComeFromThoseNetworks() throws Exception {
        JdbcUserNetworkStore networks = new JdbcUserNetworkStore(db.dataSource());
        try (var c = db.dataSource().getConnection(); var st = c.createStatement()) {
            st.executeUpdate("INSERT INTO subscriber (username, display_name, enabled, ha1_md5, ha1_sha256, created_at)"
                    + " VALUES ('alice', NULL, TRUE, '', '', CURRENT_TIMESTAMP)");
        }
        EdgeGuard g = new EdgeGuard(EdgeConfig.defaults(), store, networks, events, clock, () -> nanos);
        assertTrue(g.userMayConnectFrom("alice", "203.0.113.9"), "no list: anywhere");
        networks.set("alice", new NetworkList(List.of(Cidr.parse("10.0.0.0/8").orElseThrow())));
        g.refresh();
        assertTrue(g.userMayConnectFrom("alice", "10.1.2.3"));
        assertFalse(g.userMayConnectFrom("alice", "203.0.113.9"));
        assertTrue(g.userMayConnectFrom("bob", "203.0.113.9"), "other users unaffected");
        assertTrue(kinds().contains(SecurityEvent.Kind.DENIED));
        networks.set("alice", NetworkList.none());
        g.refresh();
        assertTrue(g.userMayConnectFrom("alice", "203.0.113.9"));
    }

    @Test
    void insaneRequestsAreRefusedWithAReasonNamingTheFault() {
        EdgeGuard g = guard(EdgeConfig.defaults());
        assertReject(g, new MessageFacts("REGISTER", "TLS", "198.51.100.1", 101, 100, 1, 70, 0, 0, "", "a", "sip", false, false, true),
                400, "too many header fields");
        assertReject(g, new MessageFacts("REGISTER", "TLS", "198.51.100.1", 10, 5000, 1, 70, 0, 0, "", "a", "sip", false, false, true),
                400, "header field too long");
        assertReject(g, new MessageFacts("REGISTER", "TLS", "198.51.100.1", 10, 100, 71, 70, 0, 0, "", "a", "sip", false, false, true),
                400, "too many Via");
        assertReject(g, new MessageFacts("REGISTER", "TLS", "198.51.100.1", 10, 100, 1, 256, 0, 0, "", "a", "sip", false, false, true),
                400, "Max-Forwards out of range");
        assertReject(g, new MessageFacts("OPTIONS", "UDP", "198.51.100.1", 10, 100, 1, 70, 5, 5, "", "a", "sip", false, false,
                false, "Content-Length appears more than once"), 400, "Content-Length appears more than once");
        assertInstanceOf(Verdict.Pass.class, g.inspect(new MessageFacts("REGISTER", "TLS", "198.51.100.2", 10, 100, 1, -1, 0, 0,
                "", "a", "sip", false, false, true)), "no Max-Forwards: taken as 70 (RFC 2543 clients, RFC 4475 3.4.1)");
        assertReject(g, new MessageFacts("REGISTER", "UDP", "198.51.100.1", 10, 100, 1, 70, 20, 5, "", "a", "sip", false, false, true),
                400, "Content-Length");
        assertReject(g, invite("TLS", "sip", 0, false), 483, "Too Many Hops");
        assertReject(g, invite("TCP", "sips", 70, false), 403, "sips: requires TLS");
        assertReject(g, invite("UDP", "sip", 70, true), 488, "a=crypto requires TLS");
        assertInstanceOf(Verdict.Pass.class, g.inspect(invite("TLS", "sips", 70, true)));
    }

    static void assertReject(EdgeGuard g, MessageFacts f, int status, String reasonPart) {
        Verdict.Reject r = assertInstanceOf(Verdict.Reject.class, g.inspect(f));
        assertEquals(status, r.status());
        assertTrue(r.reason().contains(reasonPart), r.reason());
    }

    @Test
    void stateStaysBoundedUnderAFloodFromSpoofedAddresses() {
        EdgeConfig d = EdgeConfig.defaults();
        EdgeConfig small = new EdgeConfig(d.maxHeaders(), d.maxHeaderLength(), d.maxVias(), d.sourceRequests(),
                d.sourceRegisters(), d.sourceInvites(), d.userRegisters(), d.addressFailures(), d.userFailures(),
                d.failureWindow(), d.banBase(), d.banMax(), d.offenceMemory(), d.scannerUserAgents(), d.scanUsers(),
                d.exemptNetworks(), d.denyNetworks(), d.tlsAllowNetworks(), 1_000);
        EdgeGuard g = guard(small);
        for (int i = 0; i < 50_000; i++) {
            g.inspect(register("10." + (i >> 16 & 255) + "." + (i >> 8 & 255) + "." + (i & 255), "u" + i));
            g.authFailed("10." + (i >> 16 & 255) + "." + (i >> 8 & 255) + "." + (i & 255), "u" + i, true);
        }
        g.refresh(); // stores the failure counters: at most the bound
        assertTrue(store.failureWindows().size() <= 2_000, "tracked: " + store.failureWindows().size());
    }

    @Test
    void denyListsDropAndTlsAllowListsRestrict() {
        EdgeConfig d = EdgeConfig.defaults();
        EdgeGuard g = guard(new EdgeConfig(d.maxHeaders(), d.maxHeaderLength(), d.maxVias(), d.sourceRequests(),
                d.sourceRegisters(), d.sourceInvites(), d.userRegisters(), d.addressFailures(), d.userFailures(),
                d.failureWindow(), d.banBase(), d.banMax(), d.offenceMemory(), d.scannerUserAgents(), d.scanUsers(),
                d.exemptNetworks(), new NetworkList(List.of(Cidr.parse("192.0.2.0/24").orElseThrow())),
                new NetworkList(List.of(Cidr.parse("198.51.100.0/24").orElseThrow())), d.maxTrackedSources()));
        assertInstanceOf(Verdict.Drop.class, g.inspect(register("192.0.2.1", "a")));
        assertInstanceOf(Verdict.Drop.class, g.inspect(register("203.0.113.1", "a")));
        assertInstanceOf(Verdict.Pass.class, g.inspect(register("198.51.100.1", "a")));
    }

    @Test
    void newListsAndLimitsApplyToTheNextRequestWithoutLosingBans() throws Exception {
        EdgeGuard g = guard(EdgeConfig.defaults());
        g.ban("203.0.113.9", "test", null, "");
        assertInstanceOf(Verdict.Pass.class, g.inspect(register("198.51.100.20", "alice")));
        java.util.Map<String, String> raw = new java.util.HashMap<>(io.palisade.core.config.SettingsView.edge(g.config()));
        raw.put("edge.deny-networks", "198.51.100.0/24");
        raw.put("edge.limit.address-registers", "1/s burst 1");
        g.reconfigure(io.palisade.core.config.ConfigLoader.edge(raw));
        assertInstanceOf(Verdict.Drop.class, g.inspect(register("198.51.100.20", "alice")), "now on the deny list");
        assertInstanceOf(Verdict.Pass.class, g.inspect(register("192.0.2.30", "alice")));
        assertInstanceOf(Verdict.Reject.class, g.inspect(register("192.0.2.30", "alice")), "the new rate: one a second");
        assertTrue(g.activeBan("203.0.113.9").isPresent(), "bans are kept");
    }
}
