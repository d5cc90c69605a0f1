// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.core.edge;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
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
 * <p>No objects per request: at 20,000 requests a second, 640,000 requests are remembered at any time, and kept as
 * a few objects each they lived just long enough for the garbage collector to copy them from survivor space to
 * survivor space many times (young pauses of over 100 ms every second or so, about a fifth of the server's CPU time
 * per registration). Here each generation is an open-addressing table in primitive arrays plus 64 KB blocks of
 * encoded answers; both are reused by the next generation in the same slot, so under steady load nothing is
 * allocated per request but the transient encoding, and the arrays, once promoted, are never copied again. A
 * generation's blocks beyond what it needed are released when it is cleared, so memory follows the load down too.
 *
 * <p>A key is kept as two independent 64-bit hashes with secret random seeds, not as text: two different keys
 * would have to agree on 128 bits for a request to be taken for another's retransmission (about 2^-108 for a
 * million keys remembered), and without the seeds such keys cannot be searched for.
 *
 * @param <V> an answer
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

    /** How answers are kept: as bytes, read back only for a retransmission. */
    public interface Codec<V> {
        byte[] encode(V answer);

        V decode(byte[] bytes, int offset, int length);
    }

    static final int BLOCK = 1 << 16;
    private static final int PENDING = -1;
    private static final int MIN_TABLE = 64;

    private final int slots;
    private final long slotNanos;
    private final int maxEntries;
    private final int maxTable;
    private final LongSupplier nanoTime;
    private final Codec<V> codec;
    private final long seed1;
    private final long seed2;
    private final Generation[] generations;
    private final ReentrantLock lock = new ReentrantLock();
    private int size; // guarded by lock

    /** One time slice: keys in an open-addressing table (linear probing), answers in blocks. Guarded by the lock. */
    private static final class Generation {
        long epoch = Long.MIN_VALUE;
        long[] first = new long[MIN_TABLE]; // 0: empty slot
        long[] second = new long[MIN_TABLE];
        int[] ref = new int[MIN_TABLE]; // PENDING, or block * BLOCK + offset of the answer's record
        int used;
        final List<byte[]> blocks = new ArrayList<>();
        int block; // the block being filled
        int position; // next free byte in it

        int mask() {
            return first.length - 1;
        }
    }

    /**
     * @param lifetimeNanos how long an answer is kept (Timer J: 32 s)
     * @param slots         generations the lifetime is cut into (memory is held at most one generation longer)
     * @param maxEntries    bound on kept requests
     */
    public AnsweredRequests(long lifetimeNanos, int slots, int maxEntries, LongSupplier nanoTime, Codec<V> codec) {
        if (lifetimeNanos <= 0 || slots < 1 || maxEntries < 1) {
            throw new IllegalArgumentException("lifetime, slots and maxEntries must be positive");
        }
        this.slots = slots;
        this.slotNanos = Math.max(1, lifetimeNanos / slots);
        this.maxEntries = maxEntries;
        // a table is at most three quarters full: room for the whole bound in one generation
        this.maxTable = Math.max(MIN_TABLE, Integer.highestOneBit((int) Math.min(1 << 30, maxEntries * 4L / 3)) << 1);
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
        this.codec = Objects.requireNonNull(codec, "codec");
        SecureRandom random = new SecureRandom();
        this.seed1 = random.nextLong();
        this.seed2 = random.nextLong();
        this.generations = new Generation[slots + 1];
        for (int i = 0; i < generations.length; i++) {
            generations[i] = new Generation();
        }
    }

    /**
     * Looks {@code key} up and, when unseen, marks it in progress in the same step (two copies of one request
     * arriving together: exactly one of them gets {@link New}).
     */
    public Seen<V> begin(String key) {
        return begin(keyOf(key));
    }

    /** A request's key hashed once, for {@link #begin(Key)}, {@link #answered(Key, Object)} and {@link #forget(Key)}. */
    public static final class Key {
        private final long h1;
        private final long h2;

        private Key(long h1, long h2) {
            this.h1 = h1;
            this.h2 = h2;
        }
    }

    /** {@code key} hashed under this memory's two seeds. */
    public Key keyOf(String key) {
        long h1 = seed1 ^ (key.length() * 0x9E3779B97F4A7C15L);
        long h2 = seed2 ^ (key.length() * 0x9E3779B97F4A7C15L);
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            h1 = (h1 ^ c) * 0xBF58476D1CE4E5B9L;
            h1 ^= h1 >>> 31;
            h2 = (h2 ^ c) * 0xBF58476D1CE4E5B9L;
            h2 ^= h2 >>> 31;
        }
        return new Key(finish(h1), finish(h2));
    }

    /** As {@link #begin(String)}. */
    public Seen<V> begin(Key key) {
        long h1 = key.h1;
        long h2 = key.h2;
        long epoch = nanoTime.getAsLong() / slotNanos;
        lock.lock();
        try {
            Generation current = current(epoch);
            for (Generation g : generations) {
                if (live(g, epoch)) {
                    int slot = find(g, h1, h2);
                    if (slot >= 0) {
                        return seen(g, slot);
                    }
                }
            }
            if (size >= maxEntries) {
                dropOldest(epoch);
                if (size >= maxEntries) {
                    return new New<>(); // full within one generation: worked on, but not remembered
                }
            }
            if (!roomFor(current)) {
                return new New<>();
            }
            insert(current, h1, h2, PENDING);
            size++;
            return new New<>();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Keeps the final answer sent for {@code key}, for its retransmissions. An answer the codec cannot encode, or
     * one over 64 KB, is not kept: a retransmission is then worked on as a new request.
     */
    public void answered(String key, V answer) {
        answered(keyOf(key), answer);
    }

    /** As {@link #answered(String, Object)}. */
    public void answered(Key key, V answer) {
        Objects.requireNonNull(answer, "answer");
        byte[] bytes;
        try {
            bytes = codec.encode(answer);
        } catch (RuntimeException e) {
            forget(key);
            return;
        }
        long h1 = key.h1;
        long h2 = key.h2;
        lock.lock();
        try {
            for (Generation g : generations) {
                int slot = find(g, h1, h2);
                if (slot >= 0 && g.ref[slot] == PENDING) {
                    int at = store(g, bytes);
                    if (at == PENDING) {
                        remove(g, slot); // too large to keep: a retransmission is worked on again
                        size--;
                    } else {
                        g.ref[slot] = at;
                    }
                    return;
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** The request was not answered (it went elsewhere): a retransmission is to be treated as new. */
    public void forget(String key) {
        forget(keyOf(key));
    }

    /** As {@link #forget(String)}. */
    public void forget(Key key) {
        long h1 = key.h1;
        long h2 = key.h2;
        lock.lock();
        try {
            for (Generation g : generations) {
                int slot = find(g, h1, h2);
                if (slot >= 0 && g.ref[slot] == PENDING) {
                    remove(g, slot);
                    size--;
                    return;
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** Requests currently remembered. */
    public int size() {
        lock.lock();
        try {
            return size;
        } finally {
            lock.unlock();
        }
    }

    /** What {@code key} holds now, for tests and diagnostics. */
    public Optional<V> answerOf(String key) {
        Key k = keyOf(key);
        long h1 = k.h1;
        long h2 = k.h2;
        lock.lock();
        try {
            for (Generation g : generations) {
                int slot = find(g, h1, h2);
                if (slot >= 0 && g.ref[slot] != PENDING) {
                    return Optional.of(decode(g, g.ref[slot]));
                }
            }
            return Optional.empty();
        } finally {
            lock.unlock();
        }
    }

    private Seen<V> seen(Generation g, int slot) {
        int at = g.ref[slot];
        return at == PENDING ? new InProgress<>() : new Answered<>(decode(g, at));
    }

    private V decode(Generation g, int at) {
        byte[] block = g.blocks.get(at / BLOCK);
        int offset = at % BLOCK;
        int length = ((block[offset] & 0xFF) << 8) | (block[offset + 1] & 0xFF);
        return codec.decode(block, offset + 2, length);
    }

    /** Appends a record (two bytes of length, then the bytes) to {@code g}'s blocks; PENDING when it cannot fit. */
    private static int store(Generation g, byte[] bytes) {
        int need = bytes.length + 2;
        if (need > BLOCK) {
            return PENDING;
        }
        if (g.blocks.isEmpty() || g.position + need > BLOCK) {
            if (!g.blocks.isEmpty()) {
                g.block++;
            }
            if (g.block == g.blocks.size()) {
                g.blocks.add(new byte[BLOCK]);
            }
            g.position = 0;
        }
        byte[] block = g.blocks.get(g.block);
        int at = g.block * BLOCK + g.position;
        block[g.position] = (byte) (bytes.length >>> 8);
        block[g.position + 1] = (byte) bytes.length;
        System.arraycopy(bytes, 0, block, g.position + 2, bytes.length);
        g.position += need;
        return at;
    }

    /** The slot holding (h1, h2) in {@code g}, or -1. */
    private static int find(Generation g, long h1, long h2) {
        if (g.used == 0) {
            return -1;
        }
        int mask = g.mask();
        for (int i = (int) h1 & mask;; i = (i + 1) & mask) {
            long f = g.first[i];
            if (f == 0) {
                return -1;
            }
            if (f == h1 && g.second[i] == h2) {
                return i;
            }
        }
    }

    private static void insert(Generation g, long h1, long h2, int ref) {
        int mask = g.mask();
        int i = (int) h1 & mask;
        while (g.first[i] != 0) {
            i = (i + 1) & mask;
        }
        g.first[i] = h1;
        g.second[i] = h2;
        g.ref[i] = ref;
        g.used++;
    }

    /** Removes slot {@code i} and moves later entries of its probe run back (no tombstones, linear probing). */
    private static void remove(Generation g, int i) {
        int mask = g.mask();
        int hole = i;
        for (int j = (i + 1) & mask; g.first[j] != 0; j = (j + 1) & mask) {
            int home = (int) g.first[j] & mask;
            // j may move to the hole when its home is not cyclically within (hole, j]
            boolean movable = hole <= j ? (home <= hole || home > j) : (home <= hole && home > j);
            if (movable) {
                g.first[hole] = g.first[j];
                g.second[hole] = g.second[j];
                g.ref[hole] = g.ref[j];
                hole = j;
            }
        }
        g.first[hole] = 0;
        g.second[hole] = 0;
        g.ref[hole] = 0;
        g.used--;
    }

    /** Whether {@code g} can take one more key, growing its table (up to the bound's size) when three quarters full. */
    private boolean roomFor(Generation g) {
        if ((g.used + 1) * 4L <= g.first.length * 3L) {
            return true;
        }
        if (g.first.length >= maxTable) {
            return false;
        }
        long[] oldFirst = g.first;
        long[] oldSecond = g.second;
        int[] oldRef = g.ref;
        int n = oldFirst.length * 2;
        g.first = new long[n];
        g.second = new long[n];
        g.ref = new int[n];
        g.used = 0;
        for (int i = 0; i < oldFirst.length; i++) {
            if (oldFirst[i] != 0) {
                insert(g, oldFirst[i], oldSecond[i], oldRef[i]);
            }
        }
        return true;
    }

    private boolean live(Generation g, long epoch) {
        return g.epoch != Long.MIN_VALUE && epoch - g.epoch <= slots;
    }

    /** The generation for {@code epoch}; the slot it reuses is cleared first when it held an older one. */
    private Generation current(long epoch) {
        Generation g = generations[(int) Math.floorMod(epoch, (long) generations.length)];
        if (g.epoch != epoch) {
            clear(g);
            g.epoch = epoch;
        }
        return g;
    }

    private void dropOldest(long epoch) {
        Generation oldest = null;
        for (Generation g : generations) {
            if (g.epoch != epoch && g.used > 0 && (oldest == null || g.epoch < oldest.epoch)) {
                oldest = g;
            }
        }
        if (oldest != null) {
            clear(oldest);
        }
    }

    /**
     * Empties {@code g} and keeps its arrays for the next generation in its slot, except what it did not need: a
     * table that was at most an eighth full halves, and blocks beyond twice the ones used go.
     */
    private void clear(Generation g) {
        size -= g.used;
        if (g.first.length > MIN_TABLE && g.used * 8L <= g.first.length) {
            int n = g.first.length / 2;
            g.first = new long[n];
            g.second = new long[n];
            g.ref = new int[n];
        } else if (g.used > 0) {
            Arrays.fill(g.first, 0L);
            Arrays.fill(g.second, 0L);
            Arrays.fill(g.ref, 0);
        }
        g.used = 0;
        int keep = g.blocks.isEmpty() ? 0 : Math.min(g.blocks.size(), 2 * (g.block + 1));
        g.blocks.subList(keep, g.blocks.size()).clear();
        g.block = 0;
        g.position = 0;
    }

    /**
     * The end of a 64-bit hash of a key under a seed ({@link #keyOf} runs both seeds' rounds in one pass); never 0
     * (0 marks an empty slot).
     */
    private static long finish(long hash) {
        long h = hash;
        h ^= h >>> 33;
        h *= 0xFF51AFD7ED558CCDL;
        h ^= h >>> 33;
        return h == 0 ? 1 : h;
    }
}
