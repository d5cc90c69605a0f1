// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.core.auth;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.StampedLock;

/**
 * Replay protection through the nonce-count (RFC 7616 s.3.4 and s.5.5, RFC 2617 s.3.2.2):
 * a request is accepted only when its {@code nc} is strictly greater than every {@code nc}
 * already accepted for the same nonce.
 *
 * <p><b>Retention.</b> A nonce's history is kept at least {@code lifetime} plus
 * {@value #EXPIRY_GRACE_MILLIS} ms (the retention) after its first use, and forgotten at the latest
 * one slice (an eighth of the retention) later. By then the {@link NonceService} calls the nonce
 * stale, so it never reaches the tracker again.
 *
 * <p><b>Bound and eviction horizon.</b> At most {@code maxEntries} nonces are remembered. When a new
 * nonce would exceed that, the nonces first used longest ago (one generation: those first used within one
 * slice, at most an eighth of the bound) are forgotten early. That must not reopen a replay window, so before forgetting them the tracker
 * raises its eviction horizon to the newest first use among them plus the nonce service's clock-skew
 * allowance ({@code NonceService.MAX_FUTURE_SKEW_MILLIS}; a nonce can be issued at most that far after
 * its first use is recorded). Through {@link #accept(String, long, long)}, an unknown nonce issued at or
 * before the horizon is refused, because it may be one whose history was forgotten (its client simply
 * gets a fresh challenge). Nonces forgotten because they expired do not raise the horizon.
 *
 * <p><b>Storage.</b> Remembering a nonce allocates no object. Each nonce is a 64-bit key (SipHash-2-4 of
 * its UTF-16 code units under a random 128-bit key chosen per tracker) and its highest {@code nc}, stored
 * in one of nine open-addressing tables of primitive arrays: eight generations, each holding the nonces
 * first used within one slice, and the current one. All tables are allocated once, at construction
 * ({@value #BYTES_PER_NONCE} bytes per nonce of the bound), so the collector promotes them once and never
 * copies them again; forgetting a generation is one {@link Arrays#fill}. Per-nonce objects living for the
 * retention were copied through the survivor spaces many times over under load.
 *
 * <p><b>Collisions.</b> Two nonces with the same key share one history: the stored {@code nc} is the
 * highest either used, so a replay of either is still refused, and the other may be refused spuriously
 * (its client gets a fresh challenge). The one case where a collision lets a nonce through that should
 * have been refused: a nonce whose own history was evicted, replayed while its key collides with a
 * remembered nonce, skips the horizon check. Nonces reach the tracker only after their HMAC was verified,
 * so they are the server's own and cannot be chosen; with a secret key, a given nonce matches one of
 * 2,000,000 remembered keys with probability about 2,000,000 / 2^64, or 1.1e-13 (at 20,000 new nonces a
 * second, one spurious refusal in about 15 years), and an attacker cannot aim for a collision or make probe
 * sequences long.
 *
 * <p>Thread-safe: lookups and insertions of new nonces run concurrently under the read side of a lock
 * (slots are claimed and counts raised by compare-and-set, so one {@code (nonce, nc)} is accepted once);
 * starting a new generation and forgetting an old one take the write side, once per slice or per
 * generation filled.
 */
public final class NonceCountTracker {
    /** Extra retention beyond the lifetime to cover the nonce service's clock-skew allowance. */
    static final long EXPIRY_GRACE_MILLIS = 10_000;

    /**
     * Heap per nonce of the bound, allocated in full at construction: each generation's table has a key and a
     * count ({@code long}s, 16 bytes) per slot, and the nine tables together have two slots per nonce of the
     * bound (so a full generation's table is at most 9/16 occupied). 64 MB at the 2,000,000 cap.
     */
    static final long BYTES_PER_NONCE = 32;

    /** Slices the retention is cut into; the tables are these and the current generation. */
    private static final int GENERATIONS = 8;
    private static final int TABLES = GENERATIONS + 1;
    /** Packed counts: the total in the high half, the current generation's in the low half. */
    private static final long ONE_EACH = (1L << 32) | 1L;
    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(long[].class);
    /** Outcomes of the shared path. */
    private static final int REFUSED = 0;
    private static final int ACCEPTED = 1;
    private static final int NEEDS_WRITE_LOCK = 2;

    private final int maxEntries;
    private final long retentionMillis;
    private final long sliceMillis;
    private final Clock clock;
    /** SipHash key: secret, so keys are unpredictable; never printed. */
    private final long k0;
    private final long k1;
    /** Most nonces one generation holds: the bound spread over the slices. */
    private final int perGeneration;
    /** Slots per table; slot i's key is at {@code 2i} and its highest nc at {@code 2i + 1} (one cache line). */
    private final int capacity;
    private final long[][] tables;

    /*
     * Writes to the fields below happen under the write lock; readers hold the read lock, which orders them.
     * Table slots and the packed counts change under the read lock too, by compare-and-set.
     */
    private final StampedLock lock = new StampedLock();
    /** Remembered nonces: total (high 32 bits) and in the current generation (low 32 bits). */
    private final AtomicLong counts = new AtomicLong();
    /** Newest first use recorded in the current generation. */
    private final AtomicLong currentNewest = new AtomicLong(Long.MIN_VALUE);
    /** Per table, when it is not current: how many nonces it holds and the newest first use among them. */
    private final int[] count = new int[TABLES];
    private final long[] newest = new long[TABLES];
    /** Live tables are oldest, oldest + 1, ... current (mod TABLES); only the current one takes new nonces. */
    private int oldest;
    private int current;
    /** When the current generation was started. */
    private long currentStart;
    /** From this time on, new nonces take the write path: the slice is over or the oldest generation expired. */
    private long rotateAt = Long.MIN_VALUE;
    private long evictionHorizon = Long.MIN_VALUE;

    /**
     * @param maxEntries upper bound of remembered nonces, at least 1; its tables are allocated at once
     * @param lifetime the nonce lifetime (same as the {@link NonceService}'s)
     * @param clock time source
     */
    public NonceCountTracker(int maxEntries, Duration lifetime, Clock clock) {
        if (maxEntries < 1) {
            throw new IllegalArgumentException("maxEntries must be at least 1");
        }
        Objects.requireNonNull(lifetime, "lifetime");
        if (lifetime.isNegative() || lifetime.isZero()) {
            throw new IllegalArgumentException("lifetime must be positive");
        }
        this.maxEntries = maxEntries;
        this.retentionMillis = lifetime.toMillis() + EXPIRY_GRACE_MILLIS;
        this.sliceMillis = Math.max(1, ceilDiv(retentionMillis, GENERATIONS));
        this.clock = Objects.requireNonNull(clock, "clock");
        SecureRandom random = new SecureRandom();
        this.k0 = random.nextLong();
        this.k1 = random.nextLong();
        this.perGeneration = (int) ceilDiv(maxEntries, GENERATIONS);
        // At least one slot stays empty, so every probe sequence ends.
        this.capacity = (int) Math.max(perGeneration + 1L, ceilDiv(2L * maxEntries, TABLES));
        this.tables = new long[TABLES][2 * capacity];
    }

    /**
     * Accepts {@code nc} for {@code nonce} when it is greater than any accepted before
     * (the first use accepts any {@code nc >= 1}). The issue time of the nonce is not
     * known here, so a nonce whose history was evicted under memory pressure could be
     * accepted again; prefer {@link #accept(String, long, long)}.
     */
    public boolean accept(String nonce, long nc) {
        return accept(nonce, Long.MAX_VALUE, nc);
    }

    /**
     * Accepts {@code nc} for {@code nonce} when it is greater than any accepted before, and
     * refuses unknown nonces issued at or before the eviction horizon.
     *
     * @param issuedAtMillis the signed issue time of the nonce (see {@link NonceService})
     */
    public boolean accept(String nonce, long issuedAtMillis, long nc) {
        if (nonce == null || nc < 1) {
            return false;
        }
        long key = keyOf(nonce);
        long stamp = lock.readLock();
        try {
            int shared = acceptShared(key, issuedAtMillis, nc);
            if (shared != NEEDS_WRITE_LOCK) {
                return shared == ACCEPTED;
            }
            long write = lock.tryConvertToWriteLock(stamp);
            if (write == 0L) {
                lock.unlockRead(stamp);
                stamp = 0L; // nothing held if writeLock() does not return
                write = lock.writeLock();
            }
            stamp = write;
            return acceptExclusive(key, issuedAtMillis, nc);
        } finally {
            if (stamp != 0L) {
                lock.unlock(stamp);
            }
        }
    }

    /**
     * How many nonces to remember on a heap of {@code maxHeapBytes}: a sixty-fourth of it at {@value #BYTES_PER_NONCE} bytes
     * each, within 100,000 and 2,000,000 (64 MB, from a 4 GiB heap on). These are the bounds an eighth of the heap gave
     * when a nonce took about 256 bytes in objects. The bound is also the rate this node can authenticate at: once it is
     * reached, the nonces forgotten are the ones first used longest ago, an eighth of the bound at a time, and a nonce
     * issued before the newest of them was first used (plus the nonce service's clock-skew allowance, 5 s) is refused as
     * possibly replayed. At R new nonces a second that reaches fresh nonces once 7/8 of bound/R (what is left right after
     * a drop) falls to about 5 s: 100,000 held about 18,000 registrations/s sustained when nonces were evicted one at a
     * time (measured: at 18,000/s for 20 s, clients got 401 for fresh nonces after a few seconds); a generation at a
     * time, expect an eighth less.
     */
    public static int boundFor(long maxHeapBytes) {
        return (int) Math.max(100_000, Math.min(2_000_000, maxHeapBytes / 64 / BYTES_PER_NONCE));
    }

    /** Number of nonces currently remembered. */
    public int size() {
        return (int) (counts.get() >>> 32);
    }

    /**
     * The common path, under the read lock: the generations do not change, other threads may add nonces to the
     * current one. A new nonce needs the write lock when a generation must be started or forgotten first.
     */
    private int acceptShared(long key, long issuedAtMillis, long nc) {
        int cur = current;
        long[] table = tables[cur];
        int i = indexOf(key);
        // Look in the current generation first: a nonce is mostly reused soon after its first use.
        while (true) {
            long k = (long) SLOT.getAcquire(table, 2 * i);
            if (k == key) {
                return raise(table, 2 * i + 1, nc);
            }
            if (k == 0L) {
                break;
            }
            i = next(i);
        }
        for (int g = cur; g != oldest;) {
            g = (g == 0 ? TABLES : g) - 1;
            long[] older = tables[g];
            int slot = find(older, key);
            if (slot >= 0) {
                return raise(older, 2 * slot + 1, nc);
            }
        }
        // Unknown: claim a slot in the current generation, from the first empty one seen. Slots never empty
        // under the read lock, so a thread adding the same key concurrently claims a slot on this same path.
        if (issuedAtMillis <= evictionHorizon) {
            return REFUSED;
        }
        long now = clock.millis();
        if (now >= rotateAt || !reserve()) {
            return NEEDS_WRITE_LOCK;
        }
        while (true) {
            long k = (long) SLOT.getAcquire(table, 2 * i);
            if (k == 0L) {
                if (SLOT.compareAndSet(table, 2 * i, 0L, key)) {
                    if (now > currentNewest.get()) {
                        currentNewest.accumulateAndGet(now, Math::max);
                    }
                    return raise(table, 2 * i + 1, nc);
                }
                k = (long) SLOT.getAcquire(table, 2 * i);
            }
            if (k == key) {
                counts.getAndAdd(-ONE_EACH);
                return raise(table, 2 * i + 1, nc);
            }
            i = next(i);
        }
    }

    /** Under the write lock: starts a generation or forgets old ones as needed, then looks up or adds the nonce. */
    private boolean acceptExclusive(long key, long issuedAtMillis, long nc) {
        // Another thread may have added the nonce since the shared attempt.
        for (int g = current;; g = (g == 0 ? TABLES : g) - 1) {
            int slot = find(tables[g], key);
            if (slot >= 0) {
                return raise(tables[g], 2 * slot + 1, nc) == ACCEPTED;
            }
            if (g == oldest) {
                break;
            }
        }
        if (issuedAtMillis <= evictionHorizon) {
            return false;
        }
        long now = clock.millis();
        int currentCount = (int) counts.get();
        if (currentCount == 0) {
            currentStart = now; // nothing to keep apart from: start this generation now
        } else if (currentCount >= perGeneration || now - currentStart >= sliceMillis) {
            startGeneration(now);
        }
        while (oldest != current && now - newest[oldest] > retentionMillis) {
            forgetOldest(now);
        }
        // The current generation is below perGeneration (it was just started if full), and perGeneration is at
        // most maxEntries, so this ends with room for one more: a new nonce is never refused for space.
        while (oldest != current && (counts.get() >>> 32) >= maxEntries) {
            forgetOldest(now);
        }
        long[] table = tables[current];
        int i = indexOf(key);
        while (table[2 * i] != 0L) {
            i = next(i);
        }
        table[2 * i] = key;
        table[2 * i + 1] = nc;
        counts.getAndAdd(ONE_EACH);
        currentNewest.accumulateAndGet(now, Math::max);
        rotateAt = Math.min(currentStart + sliceMillis,
                oldest == current ? Long.MAX_VALUE : newest[oldest] + retentionMillis + 1);
        return true;
    }

    /** Makes the next table the current generation, forgetting what it held if the ring is full. */
    private void startGeneration(long now) {
        int next = (current + 1) % TABLES;
        if (next == oldest) {
            forgetOldest(now);
        }
        long c = counts.get();
        count[current] = (int) c;
        newest[current] = currentNewest.get();
        current = next;
        currentStart = now;
        currentNewest.set(Long.MIN_VALUE);
        counts.set(c & 0xFFFF_FFFF_0000_0000L);
    }

    /**
     * Forgets the oldest (not current) generation; early, it raises the horizon first. Clearing a table of the
     * 2,000,000 bound (7 MB) holds the write lock for roughly a millisecond (memory bandwidth; not measured here),
     * once per generation.
     */
    private void forgetOldest(long now) {
        int g = oldest;
        if (now - newest[g] <= retentionMillis) {
            // Evicted before it expired: a nonce issued up to the skew allowance after its first use was recorded
            // may be among those forgotten, so refuse unknown nonces issued up to then.
            evictionHorizon = Math.max(evictionHorizon, newest[g] + NonceService.MAX_FUTURE_SKEW_MILLIS);
        }
        Arrays.fill(tables[g], 0L);
        counts.getAndAdd(-((long) count[g] << 32));
        count[g] = 0;
        oldest = (g + 1) % TABLES;
    }

    /** Takes room for one more nonce in the current generation, if it and the bound allow. */
    private boolean reserve() {
        long before = counts.getAndAdd(ONE_EACH);
        if ((int) before >= perGeneration || (before >>> 32) >= maxEntries) {
            counts.getAndAdd(-ONE_EACH);
            return false;
        }
        return true;
    }

    /** Stores {@code nc} at {@code at} when it is above the highest there (0 in a slot being claimed). */
    private static int raise(long[] table, int at, long nc) {
        while (true) {
            long highest = (long) SLOT.getVolatile(table, at);
            if (nc <= highest) {
                return REFUSED;
            }
            if (SLOT.compareAndSet(table, at, highest, nc)) {
                return ACCEPTED;
            }
        }
    }

    /** Slot of {@code key} in a table no thread adds to, or -1. */
    private int find(long[] table, long key) {
        for (int i = indexOf(key);; i = next(i)) {
            long k = table[2 * i];
            if (k == key) {
                return i;
            }
            if (k == 0L) {
                return -1;
            }
        }
    }

    private int indexOf(long key) {
        // The high 32 bits scaled to [0, capacity): the capacity need not be a power of two.
        return (int) (((key >>> 32) * capacity) >>> 32);
    }

    private int next(int i) {
        return i + 1 == capacity ? 0 : i + 1;
    }

    private long keyOf(String nonce) {
        long h = sipHash24(k0, k1, nonce);
        return h == 0L ? 1L : h; // 0 marks an empty slot
    }

    /**
     * SipHash-2-4 (Aumasson and Bernstein, 2012) of the string's UTF-16LE encoding, read from its chars without
     * copying them: four chars make one little-endian 64-bit message word.
     */
    static long sipHash24(long k0, long k1, String s) {
        long v0 = k0 ^ 0x736f6d6570736575L;
        long v1 = k1 ^ 0x646f72616e646f6dL;
        long v2 = k0 ^ 0x6c7967656e657261L;
        long v3 = k1 ^ 0x7465646279746573L;
        int n = s.length();
        int words = n / 4;
        // Two rounds per message word (the last one padded), then four to finish.
        for (int w = 0; w <= words + 1; w++) {
            long m = 0L;
            int rounds = 2;
            if (w < words) {
                int at = 4 * w;
                m = s.charAt(at) | (long) s.charAt(at + 1) << 16 | (long) s.charAt(at + 2) << 32
                        | (long) s.charAt(at + 3) << 48;
            } else if (w == words) {
                // The remaining chars, and the length in bytes mod 256 in the top byte.
                m = (long) (2 * n) << 56;
                for (int j = 4 * w, shift = 0; j < n; j++, shift += 16) {
                    m |= (long) s.charAt(j) << shift;
                }
            } else {
                v2 ^= 0xff;
                rounds = 4;
            }
            v3 ^= m;
            for (int r = 0; r < rounds; r++) {
                v0 += v1;
                v1 = Long.rotateLeft(v1, 13);
                v1 ^= v0;
                v0 = Long.rotateLeft(v0, 32);
                v2 += v3;
                v3 = Long.rotateLeft(v3, 16);
                v3 ^= v2;
                v0 += v3;
                v3 = Long.rotateLeft(v3, 21);
                v3 ^= v0;
                v2 += v1;
                v1 = Long.rotateLeft(v1, 17);
                v1 ^= v2;
                v2 = Long.rotateLeft(v2, 32);
            }
            v0 ^= m;
        }
        return v0 ^ v1 ^ v2 ^ v3;
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }

    @Override
    public String toString() {
        return "NonceCountTracker[size=" + size() + ", maxEntries=" + maxEntries + "]";
    }
}
