// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.core.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.palisade.core.MutableClock;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
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

    @Test
    void droppingAGenerationForTheBoundRaisesTheHorizonToItsNewestFirstUsePlusTheSkew() {
        // 800 nonces are eight generations of 100; one nonce every 10 ms, issued when first used
        NonceCountTracker t = new NonceCountTracker(800, Duration.ofSeconds(300), clock);
        long start = clock.millis();
        for (int i = 0; i < 1_000; i++) {
            assertTrue(t.accept("n" + i, clock.millis(), 1), "n" + i);
            clock.advance(Duration.ofMillis(10));
        }
        assertTrue(t.size() <= 800, "size " + t.size());
        // n800 and n900 each forgot a generation early: n0..n99, then n100..n199, first used up to start + 1990
        long horizon = start + 1_990 + NonceService.MAX_FUTURE_SKEW_MILLIS;
        assertFalse(t.accept("n0", start, 1), "forgotten, issued before the horizon");
        assertFalse(t.accept("n199", start + 1_990, 1), "forgotten, issued before the horizon");
        assertFalse(t.accept("n150", start + 1_500, 7), "any nc");
        assertFalse(t.accept("n200", start + 2_000, 1), "still remembered: nc 1 was used");
        assertTrue(t.accept("n200", start + 2_000, 2), "still remembered: nc 2 is new");
        assertFalse(t.accept("never-used", horizon, 1), "an unknown nonce issued at the horizon");
        assertTrue(t.accept("fresh", horizon + 1, 1), "issued after the horizon");
        // The bound was full: "fresh" made the tracker forget n200..n299 (first used up to start + 2990)
        assertEquals(701, t.size());
        assertFalse(t.accept("n299", start + 2_990, 2), "forgotten, issued before the raised horizon");
        assertFalse(t.accept("never-used", start + 2_990 + NonceService.MAX_FUTURE_SKEW_MILLIS, 1));
        assertTrue(t.accept("fresh2", start + 2_990 + NonceService.MAX_FUTURE_SKEW_MILLIS + 1, 1));
    }

    @Test
    void aNonceInAnOlderGenerationIsStillRefusedForCountsAlreadyUsed() {
        NonceCountTracker t = new NonceCountTracker(800, Duration.ofSeconds(300), clock);
        assertTrue(t.accept("kept", clock.millis(), 5));
        // A new generation starts every slice ((300 s + grace) / 8 = 38.75 s) and every 100 nonces
        for (int i = 0; i < 6; i++) {
            clock.advance(Duration.ofSeconds(39));
            assertTrue(t.accept("slice" + i, clock.millis(), 1));
        }
        for (int i = 0; i < 250; i++) {
            assertTrue(t.accept("more" + i, clock.millis(), 1));
        }
        assertEquals(257, t.size());
        assertFalse(t.accept("kept", clock.millis() - 234_000, 5), "replay");
        assertFalse(t.accept("kept", clock.millis() - 234_000, 3), "lower than highest");
        assertTrue(t.accept("kept", clock.millis() - 234_000, 6));
        assertFalse(t.accept("kept", clock.millis() - 234_000, 6), "replay after the update");
        assertFalse(t.accept("slice0", 1), "every generation is searched");
    }

    @Test
    void rememberedForTheRetentionAndForgottenWithinOneSliceAfter() {
        NonceCountTracker t = new NonceCountTracker(1_000, Duration.ofSeconds(300), clock);
        long first = clock.millis();
        long retention = 300_000 + NonceCountTracker.EXPIRY_GRACE_MILLIS;
        long slice = retention / 8 + 1;
        assertTrue(t.accept("n", first, 1));
        for (int s = 1; s * 1_000L <= retention; s++) {
            clock.advance(Duration.ofSeconds(1));
            assertTrue(t.accept("tick" + s, clock.millis(), 1)); // new nonces start generations and drop old ones
            assertFalse(t.accept("n", first, 1), "remembered " + s + " s after first use");
        }
        clock.advance(Duration.ofMillis(slice + 1));
        assertTrue(t.accept("later", clock.millis(), 1));
        assertTrue(t.accept("n", first, 1), "forgotten after retention + one slice (refused upstream as stale by now)");
        assertTrue(t.size() < 311, "expired generations are gone: " + t.size());
    }

    @Test
    void noNonceIsAcceptedTwiceWhileGenerationsAreForgottenUnderPressure() {
        NonceCountTracker t = new NonceCountTracker(1_000, Duration.ofSeconds(300), clock);
        Random random = new Random(7616);
        int n = 20_000;
        long[] issued = new long[n];
        int accepted = 0;
        for (int i = 0; i < n; i++) {
            clock.advance(Duration.ofMillis(random.nextInt(15)));
            long now = clock.millis();
            // Issued up to 2 s before first use, or as late as the skew allowance lets a nonce be (another node ahead)
            issued[i] = random.nextInt(10) == 0 ? now + NonceService.MAX_FUTURE_SKEW_MILLIS : now - random.nextInt(2_000);
            accepted += t.accept("n" + i, issued[i], 1) ? 1 : 0;
            int j = random.nextInt(i + 1);
            assertFalse(t.accept("n" + j, issued[j], 1), "replay of n" + j + " at n" + i);
            assertTrue(t.size() <= 1_000);
        }
        for (int j = 0; j < n; j++) {
            assertFalse(t.accept("n" + j, issued[j], 1), "replay of n" + j);
        }
        assertTrue(accepted > n * 9 / 10, "the bound holds about 7 s at this rate, so fresh nonces pass: " + accepted);
    }

    @Test
    void concurrentNewNoncesAreAcceptedOnceWhileGenerationsTurnOver() throws Exception {
        // 100 nonces a generation: threads race through generation changes and early drops. The clock stands still, so
        // the first drop puts every nonce issued now under the horizon; up to then, all are fresh.
        NonceCountTracker t = new NonceCountTracker(800, Duration.ofSeconds(300), clock);
        int n = 5_000;
        long issued = clock.millis();
        AtomicIntegerArray acceptedPerNonce = new AtomicIntegerArray(n);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Callable<Void>> tasks = new ArrayList<>();
            for (int w = 0; w < 4; w++) {
                tasks.add(() -> {
                    for (int i = 0; i < n; i++) {
                        if (t.accept("n" + i, issued, 1)) {
                            acceptedPerNonce.incrementAndGet(i);
                        }
                    }
                    return null;
                });
            }
            for (Future<Void> f : pool.invokeAll(tasks)) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        int accepted = 0;
        for (int i = 0; i < n; i++) {
            assertTrue(acceptedPerNonce.get(i) <= 1, "n" + i + " accepted " + acceptedPerNonce.get(i) + " times");
            accepted += acceptedPerNonce.get(i);
        }
        // The first 800 fill the bound; the 801st forgets a generation, and the horizon then covers all the others
        assertEquals(801, accepted);
        assertTrue(t.size() <= 800, "size " + t.size());
    }

    @Test
    void concurrentDistinctNoncesAreAllRemembered() throws Exception {
        // Below the bound, but 10,000 nonces a generation: threads add to one table together, and start new ones
        NonceCountTracker t = new NonceCountTracker(80_000, Duration.ofSeconds(300), clock);
        int n = 60_000;
        AtomicIntegerArray acceptedPerNonce = new AtomicIntegerArray(n);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Callable<Void>> tasks = new ArrayList<>();
            for (int w = 0; w < 4; w++) {
                int offset = w * n / 4;
                tasks.add(() -> {
                    // Each thread starts on nonces of its own, then meets those the others added
                    for (int k = 0; k < n; k++) {
                        int i = (offset + k) % n;
                        if (t.accept("n" + i, clock.millis(), 1)) {
                            acceptedPerNonce.incrementAndGet(i);
                        }
                    }
                    return null;
                });
            }
            for (Future<Void> f : pool.invokeAll(tasks)) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        for (int i = 0; i < n; i++) {
            assertEquals(1, acceptedPerNonce.get(i), "n" + i);
        }
        assertEquals(n, t.size());
    }

    @Test
    void rememberingANonceAllocatesNothing() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long self = Thread.currentThread().getId();
        int n = 1_000_000;
        List<String> nonces = realisticNonces(n + 100_000);
        // Warm up on another tracker, through generation changes and drops, so the accept path is compiled
        NonceCountTracker warm = new NonceCountTracker(10_000, Duration.ofSeconds(300), clock);
        for (int round = 0; round < 3; round++) {
            for (int i = n; i < n + 100_000; i++) {
                warm.accept(nonces.get(i), round + 1);
            }
        }
        NonceCountTracker t = new NonceCountTracker(n, Duration.ofSeconds(300), clock);

        long before = threads.getThreadAllocatedBytes(self);
        int accepted = 0;
        for (int i = 0; i < n; i++) {
            accepted += t.accept(nonces.get(i), clock.millis(), 1) ? 1 : 0;
        }
        long newNonces = threads.getThreadAllocatedBytes(self) - before;
        before = threads.getThreadAllocatedBytes(self);
        for (int i = 0; i < n; i++) {
            accepted += t.accept(nonces.get(i), clock.millis(), 2) ? 1 : 0;
        }
        long knownNonces = threads.getThreadAllocatedBytes(self) - before;

        assertEquals(2 * n, accepted);
        assertEquals(n, t.size());
        // An object per nonce would be 16 bytes at least; what remains is noise (the counter's own reads, the JIT)
        assertTrue(newNonces / n < 16, newNonces + " bytes allocated for " + n + " new nonces");
        assertTrue(knownNonces / n < 16, knownNonces + " bytes allocated for " + n + " known nonces");
    }

    @Test
    void theKeyIsSipHash24OfTheUtf16leEncoding() {
        // vectors_sip64 of the SipHash reference implementation (github.com/veorq/SipHash, vectors.h): key 00..0f,
        // message 00..(len - 1); read here as little-endian 64-bit values. Even lengths: two bytes make one char.
        long k0 = 0x0706050403020100L;
        long k1 = 0x0f0e0d0c0b0a0908L;
        assertEquals(0x726fdb47dd0e0e31L, NonceCountTracker.sipHash24(k0, k1, countingChars(0)));
        assertEquals(0x0d6c8009d9a94f5aL, NonceCountTracker.sipHash24(k0, k1, countingChars(2)));
        assertEquals(0x93f5f5799a932462L, NonceCountTracker.sipHash24(k0, k1, countingChars(8)));
        assertEquals(0xf723ca908e7af2eeL, NonceCountTracker.sipHash24(k0, k1, countingChars(14)));
        assertEquals(0x3f2acc7f57c29bdbL, NonceCountTracker.sipHash24(k0, k1, countingChars(16)));
        assertEquals(0xe51b38608ef25f57L, NonceCountTracker.sipHash24(k0, k1, countingChars(62)));
    }

    @Test
    void theNonceNeverAppearsInToString() {
        NonceCountTracker t = new NonceCountTracker(10, Duration.ofSeconds(300), clock);
        assertTrue(t.accept("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8", 1));
        assertEquals("NonceCountTracker[size=1, maxEntries=10]", t.toString());
    }

    /** The string whose UTF-16LE encoding is the bytes 00, 01, ..., {@code bytes - 1}. */
    private static String countingChars(int bytes) {
        char[] c = new char[bytes / 2];
        for (int i = 0; i < c.length; i++) {
            c[i] = (char) ((2 * i) | (2 * i + 1) << 8);
        }
        return new String(c);
    }

    /** Nonces shaped like the {@link NonceService}'s: 32 random bytes in unpadded base64url. */
    private static List<String> realisticNonces(int count) {
        Random random = new Random(2617);
        Base64.Encoder encoder = Base64.getUrlEncoder().withoutPadding();
        List<String> nonces = new ArrayList<>(count);
        byte[] raw = new byte[32];
        for (int i = 0; i < count; i++) {
            random.nextBytes(raw);
            nonces.add(encoder.encodeToString(raw));
        }
        return nonces;
    }
}
