// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.core.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.palisade.core.MutableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class NonceCountTrackerTest {
    private final MutableClock clock = MutableClock.atEpochSecond(1_700_000_000L);

    @Test
    void ncMustStrictlyIncrease() {
        NonceCountTracker t = new NonceCountTracker(10, Duration.ofSeconds(300), clock);
        assertFalse(t.accept("n1", 0), "nc starts at 1");
        assertTrue(t.accept("n1", 1));
        assertFalse(t.accept("n1", 1), "replay");
        assertTrue(t.accept("n1", 2));
        assertTrue(t.accept("n1", 7), "gaps are fine");
        assertFalse(t.accept("n1", 5), "lower than highest");
        assertTrue(t.accept("n2", 3), "first use may start anywhere >= 1");
        assertFalse(t.accept(null, 1));
    }

    @Test
    void boundedByEvictingOldest() {
        NonceCountTracker t = new NonceCountTracker(3, Duration.ofSeconds(300), clock);
        for (int i = 0; i < 10; i++) {
            assertTrue(t.accept("n" + i, 1));
            clock.advance(Duration.ofMillis(1));
        }
        assertEquals(3, t.size());
        assertFalse(t.accept("n9", 1), "recent entries kept");
    }

    @Test
    void evictedNonceCannotBeReplayed() {
        NonceCountTracker t = new NonceCountTracker(2, Duration.ofSeconds(300), clock);
        long issuedOld = clock.millis();
        assertTrue(t.accept("old", issuedOld, 1));
        clock.advance(Duration.ofSeconds(10));
        assertTrue(t.accept("a", clock.millis(), 1));
        assertTrue(t.accept("b", clock.millis(), 1)); // evicts "old"
        assertEquals(2, t.size());
        assertFalse(t.accept("old", issuedOld, 1), "history evicted: issue time below horizon");
        clock.advance(Duration.ofSeconds(10));
        assertTrue(t.accept("new", clock.millis(), 1), "nonces issued after the horizon are fine");
    }

    @Test
    void entriesExpire() {
        NonceCountTracker t = new NonceCountTracker(100, Duration.ofSeconds(300), clock);
        assertTrue(t.accept("n1", 1));
        clock.advance(Duration.ofSeconds(300).plusMillis(NonceCountTracker.EXPIRY_GRACE_MILLIS + 1));
        assertTrue(t.accept("n2", 1)); // triggers purge
        assertEquals(1, t.size());
    }

    @Test
    void concurrentSameNcAcceptedOnce() throws Exception {
        NonceCountTracker t = new NonceCountTracker(100_000, Duration.ofSeconds(300), clock);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            for (int round = 0; round < 200; round++) {
                String nonce = "n" + round;
                AtomicInteger accepted = new AtomicInteger();
                List<Callable<Void>> tasks = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    tasks.add(() -> {
                        if (t.accept(nonce, 1)) {
                            accepted.incrementAndGet();
                        }
                        return null;
                    });
                }
                for (Future<Void> f : pool.invokeAll(tasks)) {
                    f.get();
                }
                assertEquals(1, accepted.get(), "round " + round);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void manyNoncesStayBounded() {
        NonceCountTracker t = new NonceCountTracker(1000, Duration.ofSeconds(300), clock);
        for (int i = 0; i < 50_000; i++) {
            t.accept("nonce-" + i, clock.millis(), 1);
            clock.advance(Duration.ofMillis(1));
        }
        assertTrue(t.size() <= 1000, "size " + t.size());
    }

    @Test
    void aTrackerTooSmallForTheRateRefusesFreshNoncesWhichIsWhyItsBoundFollowsTheHeap() {
        // 20,000 registrations a second for 10 s, each on a nonce of its own issued 50 ms before its first use
        NonceCountTracker small = new NonceCountTracker(100_000, Duration.ofSeconds(300), clock);
        NonceCountTracker sized = new NonceCountTracker(NonceCountTracker.boundFor(6L << 30), Duration.ofSeconds(300),
                clock);
        int refusedBySmall = 0;
        int refusedBySized = 0;
        for (int i = 0; i < 200_000; i++) {
            clock.advance(Duration.ofNanos(50_000));
            long issued = clock.millis() - 50;
            refusedBySmall += small.accept("n" + i, issued, 1) ? 0 : 1;
            refusedBySized += sized.accept("n" + i, issued, 1) ? 0 : 1;
        }
        assertTrue(refusedBySmall > 1_000, "100,000 entries hold 5 s at this rate: fresh nonces were refused ("
                + refusedBySmall + ")");
        assertEquals(0, refusedBySized, "a 6 GiB heap's bound holds more than a minute at this rate");
        assertFalse(sized.accept("n42", clock.millis() - 50, 1), "and replay protection still works");
        assertEquals(100_000, NonceCountTracker.boundFor(128L << 20));
        assertEquals(131_072, NonceCountTracker.boundFor(256L << 20));
        assertEquals(2_000_000, NonceCountTracker.boundFor(64L << 30));
    }
}
