// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.core.edge;

import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * What a transaction-less UAS must remember to behave like a server transaction towards retransmissions of a
 * request over UDP (RFC 3261 section 17.2.2): while the request is being worked on, a retransmission is absorbed
 * (state Trying); once it is answered, a retransmission gets the same final answer again, for Timer J (64*T1,
 * 32 s). The edge answers authenticated REGISTERs itself and keeps only this: the encoded answer, a few hundred
 * bytes, instead of a SIP stack transaction and its timers.
 *
 * <p>Entries live in {@code slots} generations of {@code lifetime/slots} each, and a whole generation is dropped
 * when it is older than the lifetime, so an entry lives between the lifetime and one generation more. The number
 * of entries is bounded: when full, the oldest generation goes early, so memory stays bounded under any load (a
 * retransmission that late is then taken for a new request, which the registrar answers as replayed or out of
 * order). Should one generation alone fill the bound, further requests are worked on without being remembered.
 *
 * @param <V> an answer as it is kept (encoded bytes)
 */
public final class AnsweredRequests<V> {
    /** What a lookup found. */
    public sealed interface Seen<V> {
    }

    /** First sight: the caller now owns the request and must {@link #answered} or {@link #forget} it. */
    public record New<V>() implements Seen<V> {
    }

    /** A retransmission of a request still being worked on: drop it. */
    public record InProgress<V>() implements Seen<V> {
    }

    /** A retransmission of an answered request: send {@code answer} again. */
    public record Answered<V>(V answer) implements Seen<V> {
    }

    private static final Object PENDING = new Object();

    private final int slots;
    private final long slotNanos;
    private final int maxEntries;
    private final LongSupplier nanoTime;
    private final Generation[] generations;
    private final AtomicInteger size = new AtomicInteger();

    private final class Generation {
        final ConcurrentHashMap<String, Object> entries = new ConcurrentHashMap<>();
        volatile long epoch = Long.MIN_VALUE;
    }

    /**
     * @param lifetimeNanos how long an answer is kept (Timer J: 32 s)
     * @param slots         generations the lifetime is cut into (memory is held at most one generation longer)
     * @param maxEntries    bound on kept requests
     */
    public AnsweredRequests(long lifetimeNanos, int slots, int maxEntries, LongSupplier nanoTime) {
        if (lifetimeNanos <= 0 || slots < 1 || maxEntries < 1) {
            throw new IllegalArgumentException("lifetime, slots and maxEntries must be positive");
        }
        this.slots = slots;
        this.slotNanos = Math.max(1, lifetimeNanos / slots);
        this.maxEntries = maxEntries;
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
        this.generations = new AnsweredRequests.Generation[slots + 1];
        for (int i = 0; i < generations.length; i++) {
            generations[i] = new Generation();
        }
    }

    /**
     * Looks {@code key} up and, when unseen, marks it in progress in the same step (two copies of one request
     * arriving together: exactly one of them gets {@link New}).
     */
    @SuppressWarnings("unchecked")
    public Seen<V> begin(String key) {
        long epoch = nanoTime.getAsLong() / slotNanos;
        Generation current = current(epoch);
        for (Generation g : generations) {
            if (g != current && live(g, epoch)) {
                Object v = g.entries.get(key);
                if (v != null) {
                    return v == PENDING ? new InProgress<>() : new Answered<>((V) v);
                }
            }
        }
        if (size.get() >= maxEntries) {
            dropOldest(epoch);
            if (size.get() >= maxEntries) {
                return new New<>(); // full within one generation: worked on, but not remembered
            }
        }
        Object before = current.entries.putIfAbsent(key, PENDING);
        if (before == null) {
            size.incrementAndGet();
            return new New<>();
        }
        return before == PENDING ? new InProgress<>() : new Answered<>((V) before);
    }

    /** Keeps the final answer sent for {@code key}, for its retransmissions. */
    public void answered(String key, V answer) {
        Objects.requireNonNull(answer, "answer");
        for (Generation g : generations) {
            if (g.entries.replace(key, PENDING, answer)) {
                return;
            }
        }
    }

    /** The request was not answered (it went elsewhere): a retransmission is to be treated as new. */
    public void forget(String key) {
        for (Generation g : generations) {
            if (g.entries.remove(key, PENDING)) {
                size.decrementAndGet();
                return;
            }
        }
    }

    /** Requests currently remembered. */
    public int size() {
        return Math.max(0, size.get());
    }

    /** What {@code key} holds now, for tests and diagnostics. */
    @SuppressWarnings("unchecked")
    public Optional<V> answerOf(String key) {
        for (Generation g : generations) {
            Object v = g.entries.get(key);
            if (v != null && v != PENDING) {
                return Optional.of((V) v);
            }
        }
        return Optional.empty();
    }

    private boolean live(Generation g, long epoch) {
        return g.epoch != Long.MIN_VALUE && epoch - g.epoch <= slots;
    }

    /** The generation for {@code epoch}; the slot it reuses is cleared first when it held an expired one. */
    private Generation current(long epoch) {
        Generation g = generations[(int) Math.floorMod(epoch, (long) generations.length)];
        if (g.epoch != epoch) {
            synchronized (g) {
                if (g.epoch != epoch) {
                    clear(g);
                    g.epoch = epoch;
                }
            }
        }
        return g;
    }

    private void dropOldest(long epoch) {
        Generation oldest = null;
        for (Generation g : generations) {
            if (g.epoch != epoch && !g.entries.isEmpty() && (oldest == null || g.epoch < oldest.epoch)) {
                oldest = g;
            }
        }
        if (oldest != null) {
            synchronized (oldest) {
                clear(oldest);
            }
        }
    }

    private void clear(Generation g) {
        int n = g.entries.size();
        g.entries.clear();
        size.addAndGet(-n);
    }
}
