// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.core.call;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.palisade.core.MutableClock;
import io.palisade.core.db.Database;
import io.palisade.core.db.TestDatabases;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CallServiceTest {
    @TempDir
    Path dir;
    Database db;
    JdbcCallRecordStore store;
    MutableClock clock = MutableClock.atEpochSecond(1_800_000_000L);
    AtomicLong nanos = new AtomicLong();
    CallService calls;
    List<String> hangups = new ArrayList<>();

    @BeforeEach
    void open() {
        db = TestDatabases.open(dir);
        store = new JdbcCallRecordStore(db.dataSource());
        calls = new CallService(new CallConfig(Duration.ofSeconds(3600), Duration.ofSeconds(60)), store, clock, nanos::get);
    }

    @AfterEach
    void close() {
        calls.close();
        db.close();
    }

    private void advance(Duration d) {
        clock.advance(d);
        nanos.addAndGet(d.toNanos());
    }

    @Test
    void aCallIsRecordedFromStartToEnd() {
        CallService.Call c = calls.begin("alice", "bob", "TLS", "m1", hangups::add);
        calls.flush();
        assertEquals(1, store.active().size());
        assertEquals(1, calls.active().size());
        advance(Duration.ofSeconds(2));
        calls.answered(c, "TLS", "AES_CM_128_HMAC_SHA1_80", "AEAD_AES_128_GCM");
        advance(Duration.ofSeconds(30));
        assertTrue(calls.end(c, "caller BYE", new CallService.Counters(1500, 1490, 1490, 1500)));
        assertFalse(calls.end(c, "callee BYE", CallService.Counters.NONE), "a call ends once");
        calls.flush();
        CallRecord r = store.find(c.id()).orElseThrow();
        assertEquals("caller BYE", r.cause());
        assertEquals(clock.instant().minusSeconds(30), r.answeredAt().orElseThrow());
        assertEquals(clock.instant(), r.endedAt().orElseThrow());
        assertEquals("AEAD_AES_128_GCM", r.bSuite());
        assertEquals(1500, r.aPacketsIn());
        assertTrue(store.active().isEmpty());
        assertEquals(0, calls.activeCount());
    }

    @Test
    void overlongAndUnansweredCallsAreHungUp() {
        CallService.Call talking = calls.begin("alice", "bob", "TLS", "m1", cause -> hangups.add("talking:" + cause));
        calls.answered(talking, "TLS", "x", "y");
        calls.begin("carol", "dave", "TLS", "m2", cause -> hangups.add("ringing:" + cause));
        advance(Duration.ofSeconds(59));
        calls.sweep();
        assertTrue(hangups.isEmpty());
        advance(Duration.ofSeconds(1));
        calls.sweep();
        assertEquals(List.of("ringing:no answer"), hangups);
        advance(Duration.ofSeconds(3600));
        calls.sweep();
        assertTrue(hangups.contains("talking:max duration"), hangups.toString());
    }

    @Test
    void mediaTimeoutHangsUpTheCallOfThatSession() {
        CallService.Call c = calls.begin("alice", "bob", "TLS", "m7", hangups::add);
        calls.answered(c, "TLS", "AES_CM_128_HMAC_SHA1_80", "AES_CM_128_HMAC_SHA1_80");
        calls.mediaTimeout("m8");
        assertTrue(hangups.isEmpty());
        calls.mediaTimeout("m7");
        assertEquals(List.of("media timeout"), hangups);
    }

    @Test
    void aRingingCallWithoutEarlyMediaIsLeftToTheNoAnswerTimer() {
        calls.begin("alice", "bob", "TLS", "m9", hangups::add);
        calls.mediaTimeout("m9");
        assertTrue(hangups.isEmpty(), "ringing has no media; only the no-answer timeout ends it");
    }

    @Test
    void recordsLeftOpenByAStoppedProcessAreClosed() {
        calls.begin("alice", "bob", "TLS", "m1", hangups::add);
        calls.flush();
        assertEquals(1, calls.closeDangling());
        assertTrue(store.active().isEmpty());
        assertEquals("server stopped", store.recent(1).get(0).cause());
    }

    @Test
    void anAdministratorHangsUpACallByIdAndActiveCallsShowLiveCounters() {
        CallService.Call c = calls.begin("alice", "bob", "TLS", "m3", hangups::add);
        calls.answered(c, "TLS", "AES_CM_128_HMAC_SHA1_80", "AEAD_AES_256_GCM");
        calls.liveCounters(id -> id.equals("m3") ? new CallService.Counters(10, 11, 12, 13) : CallService.Counters.NONE);
        CallRecord live = calls.active().get(0);
        assertEquals(List.of(10L, 11L, 12L, 13L),
                List.of(live.aPacketsIn(), live.aPacketsOut(), live.bPacketsIn(), live.bPacketsOut()));
        assertEquals("AES_CM_128_HMAC_SHA1_80", live.aSuite());
        assertFalse(calls.hangUp("no-such-call", "x"));
        assertTrue(calls.hangUp(c.id(), "hung up by admin:root"));
        assertEquals(List.of("hung up by admin:root"), hangups);
    }

    @Test
    void historyIsFilteredByDateRangePartyAndCauseAndPaged() {
        java.time.Instant t0 = clock.instant();
        for (int i = 0; i < 5; i++) {
            CallService.Call c = calls.begin(i % 2 == 0 ? "alice" : "carol", "bob", "TCP", "m" + i, hangups::add);
            advance(Duration.ofMinutes(10));
            calls.end(c, i == 4 ? "486 Busy_100%" : "caller BYE", CallService.Counters.NONE);
        }
        calls.flush();
        CallQuery all = CallQuery.ALL;
        assertEquals(5, store.count(all));
        assertEquals(List.of("alice", "carol"), store.search(all, 2, 2).stream().map(CallRecord::caller).toList(),
                "newest first, paged");
        assertEquals(3, store.count(new CallQuery(Optional.empty(), Optional.empty(), Optional.of("ALICE"), Optional.empty())));
        assertEquals(5, store.count(new CallQuery(Optional.empty(), Optional.empty(), Optional.of("bob"), Optional.empty())));
        assertEquals(1, store.count(new CallQuery(Optional.empty(), Optional.empty(), Optional.empty(), Optional.of("busy_100%"))));
        assertEquals(0, store.count(new CallQuery(Optional.empty(), Optional.empty(), Optional.empty(), Optional.of("busy_1000"))),
                "wildcards in the filter are literal");
        assertEquals(2, store.count(new CallQuery(Optional.of(t0.plus(Duration.ofMinutes(15))),
                Optional.of(t0.plus(Duration.ofMinutes(35))), Optional.empty(), Optional.empty())));
    }
}
