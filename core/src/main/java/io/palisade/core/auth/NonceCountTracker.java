// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.core.auth;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Replay protection through the nonce-count (RFC 7616 s.3.4 and s.5.5, RFC 2617 s.3.2.2):
 * a request is accepted only when its {@code nc} is strictly greater than every {@code nc}
 * already accepted for the same nonce.
 *
 * <p>Memory is bounded: at most {@code maxEntries} nonces are remembered; entries expire
 * {@code lifetime} (plus a small grace) after their first use, and when the table is full
 * the oldest entry is evicted. Eviction must not reopen a replay window, so the tracker
 * remembers the first-use time of the newest evicted entry (the eviction horizon): through
 * {@link #accept(String, long, long)}, an unknown nonce that was issued at or before that
 * horizon is refused, because it may be one whose history was evicted (its client simply
 * gets a fresh challenge).
 *
 * <p>Thread-safe and cheap: a concurrent map and one CAS per accepted request; new nonces
 * also go to an insertion-order queue that a single purger trims (others never wait).
 */
public final class NonceCountTracker {
    /** Extra retention beyond the lifetime to cover the nonce service's clock-skew allowance. */
    static final long EXPIRY_GRACE_MILLIS = 10_000;

    private final int maxEntries;
    private final long retentionMillis;
    private final Clock clock;
    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<Entry> order = new ConcurrentLinkedQueue<>();
    private final AtomicInteger size = new AtomicInteger();
    private final AtomicLong evictionHorizon = new AtomicLong(Long.MIN_VALUE);
    private final ReentrantLock purgeLock = new ReentrantLock();

    private static final class Entry {
        final String nonce;
        final long firstUseMillis;
        final AtomicLong highestNc;

        Entry(String nonce, long firstUseMillis, long nc) {
            this.nonce = nonce;
            this.firstUseMillis = firstUseMillis;
            this.highestNc = new AtomicLong(nc);
        }
    }

    /**
     * @param maxEntries upper bound of remembered nonces, at least 1
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
        this.clock = Objects.requireNonNull(clock, "clock");
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
        Entry e = entries.get(nonce);
        if (e == null) {
            if (issuedAtMillis <= evictionHorizon.get()) {
                return false;
            }
            long now = clock.millis();
            Entry fresh = new Entry(nonce, now, nc);
            Entry prior = entries.putIfAbsent(nonce, fresh);
            if (prior == null) {
                order.add(fresh);
                size.incrementAndGet();
                purge(now);
                return true;
            }
            e = prior;
        }
        AtomicLong highest = e.highestNc;
        while (true) {
            long cur = highest.get();
            if (nc <= cur) {
                return false;
            }
            if (highest.compareAndSet(cur, nc)) {
                return true;
            }
        }
    }

    /** Rough heap per remembered nonce (entry, counter, nonce string, map and queue nodes), with room to spare. */
    static final long BYTES_PER_NONCE = 256;

    /**
     * How many nonces to remember on a heap of {@code maxHeapBytes}: an eighth of it at {@value #BYTES_PER_NONCE} bytes
     * each, within 100,000 and 2,000,000. The bound is also the rate this node can authenticate at: once it is
     * reached, the nonces evicted are the ones first used longest ago, and a nonce issued before the newest evicted one
     * (plus the nonce service's clock-skew allowance, 5 s) is refused as possibly replayed. At R new nonces a second
     * that reaches fresh nonces once bound/R falls to about 5 s: 100,000 held about 18,000 registrations/s sustained
     * (measured: at 18,000/s for 20 s, clients got 401 for fresh nonces after a few seconds).
     */
    public static int boundFor(long maxHeapBytes) {
        return (int) Math.max(100_000, Math.min(2_000_000, maxHeapBytes / 8 / BYTES_PER_NONCE));
    }

    /** Number of nonces currently remembered. */
    public int size() {
        return size.get();
    }

    private void purge(long now) {
        // One purger at a time keeps queue and map consistent; others skip, the next
        // insertion purges again, so the bound is exceeded only momentarily.
        if (!purgeLock.tryLock()) {
            return;
        }
        try {
            Entry head;
            while ((head = order.peek()) != null) {
                boolean expired = now - head.firstUseMillis > retentionMillis;
                if (!expired && size.get() <= maxEntries) {
                    return;
                }
                order.poll();
                if (!expired) {
                    // Raise the horizon before the entry disappears, so no thread can see
                    // "unknown nonce" with the old horizon. Issue time may lead first use by
                    // the nonce service's skew allowance.
                    long horizon = head.firstUseMillis + NonceService.MAX_FUTURE_SKEW_MILLIS;
                    evictionHorizon.accumulateAndGet(horizon, Math::max);
                }
                if (entries.remove(head.nonce, head)) {
                    size.decrementAndGet();
                }
            }
        } finally {
            purgeLock.unlock();
        }
    }

    @Override
    public String toString() {
        return "NonceCountTracker[size=" + size.get() + ", maxEntries=" + maxEntries + "]";
    }
}
