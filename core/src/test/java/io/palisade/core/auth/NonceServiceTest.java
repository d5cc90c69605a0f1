// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.core.auth;

import static io.palisade.core.auth.NonceService.NonceCheck.INVALID;
import static io.palisade.core.auth.NonceService.NonceCheck.STALE;
import static io.palisade.core.auth.NonceService.NonceCheck.VALID;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.palisade.core.MutableClock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class NonceServiceTest {
    private static final Duration LIFETIME = Duration.ofSeconds(300);
    private final byte[] secret = NonceService.newSecret();
    private final MutableClock clock = MutableClock.atEpochSecond(1_700_000_000L);
    private final NonceService service = new NonceService(secret, LIFETIME, clock);

    @Test
    void freshNonceIsValidAndWellFormed() {
        String n = service.issue();
        assertEquals(43, n.length());
        assertFalse(n.contains("=") || n.contains("+") || n.contains("/"));
        assertEquals(VALID, service.verify(n));
        assertNotEquals(n, service.issue());
    }

    @Test
    void lifecycleValidThenStale() {
        String n = service.issue();
        clock.advance(LIFETIME);
        assertEquals(VALID, service.verify(n));
        clock.advance(Duration.ofMillis(1));
        assertEquals(STALE, service.verify(n));
        clock.advance(Duration.ofDays(365));
        assertEquals(STALE, service.verify(n));
    }

    @Test
    void futureTimestampBeyondSkewIsInvalid() {
        String n = service.issue();
        clock.advance(Duration.ofSeconds(-4)); // within skew: another node's clock slightly ahead
        assertEquals(VALID, service.verify(n));
        clock.advance(Duration.ofSeconds(-2));
        assertEquals(INVALID, service.verify(n));
    }

    @Test
    void otherSecretIsInvalid() {
        NonceService other = new NonceService(NonceService.newSecret(), LIFETIME, clock);
        assertEquals(INVALID, other.verify(service.issue()));
    }

    @Test
    void secretIsCopied() {
        byte[] s = NonceService.newSecret();
        NonceService ns = new NonceService(s, LIFETIME, clock);
        String n = ns.issue();
        Arrays.fill(s, (byte) 0);
        assertEquals(VALID, ns.verify(n));
    }

    @Test
    void everyBitFlipIsInvalid() {
        byte[] raw = Base64.getUrlDecoder().decode(service.issue());
        for (int i = 0; i < raw.length * 8; i++) {
            byte[] t = raw.clone();
            t[i / 8] ^= (byte) (1 << (i % 8));
            String tampered = Base64.getUrlEncoder().withoutPadding().encodeToString(t);
            assertEquals(INVALID, service.verify(tampered), "bit " + i);
        }
    }

    @Test
    void timestampMovedIntoValidityIsInvalid() {
        String n = service.issue();
        clock.advance(Duration.ofHours(1));
        byte[] raw = Base64.getUrlDecoder().decode(n);
        java.nio.ByteBuffer.wrap(raw).putLong(clock.millis()); // attacker refreshes the time
        assertEquals(INVALID, service.verify(Base64.getUrlEncoder().withoutPadding().encodeToString(raw)));
    }

    @Test
    void nonCanonicalEncodingIsInvalid() {
        String n = service.issue();
        // 32 bytes = 256 bits; the last of 43 characters carries 4 unused low bits.
        char last = n.charAt(42);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        int idx = alphabet.indexOf(last);
        String sibling = n.substring(0, 42) + alphabet.charAt(idx ^ 1);
        assertEquals(INVALID, service.verify(sibling));
    }

    @Test
    void garbageIsInvalidNeverThrows() {
        for (String g : new String[] {null, "", "x", "=".repeat(43), "a".repeat(43), "a".repeat(44),
            "a".repeat(42), "+".repeat(43), "é".repeat(43), "\0".repeat(43), "a".repeat(100_000),
            "dcd98b7102dd2f0e8b11d0f600bfb0c093"}) {
            assertEquals(INVALID, service.verify(g));
        }
        String n = service.issue();
        for (int cut = 0; cut < n.length(); cut++) {
            assertEquals(INVALID, service.verify(n.substring(0, cut)));
        }
    }

    @Test
    void shortSecretRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new NonceService(new byte[31], LIFETIME, clock));
        assertFalse(e.getMessage().contains(HexFormat.of().formatHex(new byte[31])));
        assertThrows(IllegalArgumentException.class, () -> new NonceService(secret, Duration.ZERO, clock));
    }

    @Test
    void toStringHidesSecret() {
        String s = service.toString();
        assertFalse(s.contains(HexFormat.of().formatHex(secret)));
        assertFalse(s.contains(Base64.getEncoder().encodeToString(secret)));
        assertFalse(s.contains(Arrays.toString(secret)));
    }

    @Test
    void noncesIssuedAndVerifiedOnManyThreadsAtOnceStayValidAndKeepTheirSigner() throws Exception {
        NonceService other = new NonceService(NonceService.newSecret(), LIFETIME, clock);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            java.util.List<java.util.concurrent.Future<String>> issued = new java.util.ArrayList<>();
            for (int i = 0; i < 2000; i++) {
                NonceService by = i % 2 == 0 ? service : other;
                issued.add(pool.submit(by::issue));
            }
            java.util.List<java.util.concurrent.Future<Boolean>> checks = new java.util.ArrayList<>();
            for (int i = 0; i < issued.size(); i++) {
                String nonce = issued.get(i).get();
                boolean ours = i % 2 == 0;
                checks.add(pool.submit(() -> service.verify(nonce) == (ours ? VALID : INVALID)
                        && other.verify(nonce) == (ours ? INVALID : VALID)));
            }
            for (java.util.concurrent.Future<Boolean> c : checks) {
                assertEquals(true, c.get());
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
