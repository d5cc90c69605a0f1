// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.core.location;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A memory-first location service that writes its changes behind to another store (the idea of Kamailio's usrloc
 * {@code db_mode=2}). On open it loads every binding of the delegate, so memory is complete and authoritative for
 * this node: reads never reach the database, and a missing address-of-record means no bindings. Every change is made
 * in memory at once and noted as dirty; one thread ({@value #THREAD_NAME}) writes the current state of each dirty
 * address-of-record to the delegate every interval, all of them in one group commit when the delegate can
 * ({@link RegistrationStore#applyAll}). Many refreshes of one binding between two writes cost one row write.
 *
 * <p>A refresh that changes nothing but the expiry, the Call-ID and the CSeq (same flow, q, User-Agent and instance)
 * is not written while the database's copy still has at least half of the new lifetime left: a phone that refreshes
 * more often than every half lifetime costs a row write about every half lifetime, not one per interval. After a
 * crash such a binding comes back with its written expiry, which is at least half the lifetime the phone was last
 * given, so it lives until the phone's next refresh unless the phone waits longer than half its lifetime (which is
 * also when every refresh is written). The Call-ID and CSeq written with it only order requests that share that
 * Call-ID (RFC 3261 section 10.3 step 7): the phone's next REGISTER carries its current Call-ID, or the written one
 * with a higher CSeq, and is taken either way.
 *
 * <p>Only for a database this node alone writes (the embedded one): other nodes' changes are never read. A crash
 * loses at most the changes of the last interval and the refreshes described above; {@link #close()} writes
 * everything, those refreshes too, before it returns.
 *
 * <p>Each address-of-record is changed under a striped lock, and the writer reads the state it writes under the same
 * lock at the moment it takes the address-of-record's dirty mark, so a change made while a write runs is marked again
 * and written by the next one, and no write carries an older state than the one before it. A failed write keeps the
 * marks and is tried again at the next interval; memory is never rolled back.
 */
public final class WriteBackRegistrationStore implements RegistrationStore, AutoCloseable {
    static final String THREAD_NAME = "palisade-registration-writer";
    private static final Logger LOG = LoggerFactory.getLogger(WriteBackRegistrationStore.class);
    private static final int LOAD_PAGE = 500;
    /** Addresses-of-record per transaction: bounds the transaction after a mass change (a sweep, a long outage). */
    private static final int WRITE_CHUNK = 1000;
    private static final int STRIPES = 256;

    private final RegistrationStore delegate;
    private final Duration interval;
    /** Address-of-record to its bindings, an immutable list sorted by contact; never an empty list. */
    private final ConcurrentHashMap<String, List<Binding>> bindings = new ConcurrentHashMap<>();
    /** Address-of-record to the contacts changed since they were last written; each set is guarded by its stripe. */
    private final ConcurrentHashMap<String, Set<String>> dirty = new ConcurrentHashMap<>();
    /**
     * Address-of-record to contact to the expiry of the copy last handed to the delegate (loaded or taken by a write);
     * each inner map is guarded by its stripe.
     */
    private final ConcurrentHashMap<String, Map<String, Instant>> written = new ConcurrentHashMap<>();
    private final Clock clock;
    private final ReentrantLock[] stripes = new ReentrantLock[STRIPES];
    /** One write at a time (the writer thread, or close()). */
    private final ReentrantLock writing = new ReentrantLock();
    private final AtomicInteger size = new AtomicInteger();
    private final AtomicLong failures = new AtomicLong();
    private final ScheduledExecutorService writer;
    private int failedInARow; // guarded by writing
    private volatile boolean closed;

    private WriteBackRegistrationStore(RegistrationStore delegate, Duration interval, Clock clock) {
        this.delegate = delegate;
        this.interval = interval;
        this.clock = clock;
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new ReentrantLock();
        }
        writer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, THREAD_NAME);
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Loads every binding of {@code delegate} and starts writing changes back to it every {@code interval}.
     *
     * @throws RegistrationStoreException when the bindings cannot be read
     */
    public static WriteBackRegistrationStore open(RegistrationStore delegate, Duration interval) {
        return open(delegate, interval, Clock.systemUTC());
    }

    /**
     * As {@link #open(RegistrationStore, Duration)}, with the clock that decides whether a refresh's database copy
     * still has half of its lifetime left.
     */
    public static WriteBackRegistrationStore open(RegistrationStore delegate, Duration interval, Clock clock) {
        Objects.requireNonNull(delegate, "delegate");
        Objects.requireNonNull(clock, "clock");
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("interval must be positive");
        }
        WriteBackRegistrationStore s = new WriteBackRegistrationStore(delegate, interval, clock);
        try {
            s.load();
        } catch (RuntimeException e) {
            s.writer.shutdownNow();
            throw e;
        }
        long ms = Math.max(1, interval.toMillis());
        s.writer.scheduleWithFixedDelay(s::writeQuietly, ms, ms, TimeUnit.MILLISECONDS);
        return s;
    }

    private void load() {
        Map<String, Map<String, Binding>> all = new java.util.HashMap<>();
        for (int offset = 0;; offset += LOAD_PAGE) {
            List<Binding> page = delegate.listAll(offset, LOAD_PAGE);
            for (Binding b : page) {
                all.computeIfAbsent(b.aor(), k -> new TreeMap<>()).put(b.contactUri(), b);
            }
            if (page.size() < LOAD_PAGE) {
                break;
            }
        }
        int n = 0;
        for (Map.Entry<String, Map<String, Binding>> e : all.entrySet()) {
            bindings.put(e.getKey(), List.copyOf(e.getValue().values())); // TreeMap: sorted by contact
            Map<String, Instant> copies = new java.util.HashMap<>();
            e.getValue().values().forEach(b -> copies.put(b.contactUri(), b.expiresAt()));
            written.put(e.getKey(), copies);
            n += e.getValue().size();
        }
        size.set(n);
    }

    @Override
    public List<Binding> findByAor(String aor) {
        return bindings.getOrDefault(aor, List.of());
    }

    @Override
    public void apply(String aor, List<Binding> upserts, List<String> removedContactUris) {
        for (Binding b : upserts) {
            if (!b.aor().equals(aor)) {
                throw new IllegalArgumentException("binding of another address-of-record");
            }
            JdbcRegistrationStore.checkFits(b); // refuse now what the database would refuse at every later write
        }
        if (upserts.isEmpty() && removedContactUris.isEmpty()) {
            return;
        }
        ReentrantLock lock = stripe(aor);
        lock.lock();
        try {
            ensureOpen();
            // removals first, then upserts: what the JDBC store's transaction does
            Map<String, Binding> next = byContact(bindings.get(aor));
            List<String> touched = new ArrayList<>(upserts.size() + removedContactUris.size());
            boolean changed = false;
            for (String uri : removedContactUris) {
                if (next.remove(uri) != null) { // memory is complete: what it lacks, the table lacks too
                    touched.add(uri);
                    changed = true;
                }
            }
            Instant now = null;
            for (Binding b : upserts) {
                Binding old = next.put(b.contactUri(), b);
                changed = true;
                if (old != null && sameButExpiry(old, b)) {
                    now = now == null ? clock.instant() : now;
                    if (copyCovers(aor, b, now)) {
                        continue; // in memory now, in the database at a later refresh or when it changes
                    }
                }
                touched.add(b.contactUri());
            }
            if (changed) {
                if (!touched.isEmpty()) {
                    touched(aor).addAll(touched);
                }
                replace(aor, next);
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void removeAll(String aor) {
        ReentrantLock lock = stripe(aor);
        lock.lock();
        try {
            ensureOpen();
            List<Binding> old = bindings.get(aor);
            if (old != null) {
                Set<String> touched = touched(aor);
                old.forEach(b -> touched.add(b.contactUri()));
                replace(aor, Map.of());
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int deleteExpired(Instant now) {
        int removed = 0;
        for (Map.Entry<String, List<Binding>> e : bindings.entrySet()) {
            if (e.getValue().stream().allMatch(b -> b.isLive(now))) {
                continue; // the common case, checked without the lock
            }
            String aor = e.getKey();
            ReentrantLock lock = stripe(aor);
            lock.lock();
            try {
                ensureOpen();
                Map<String, Binding> next = byContact(bindings.get(aor)); // again, under the lock
                Set<String> gone = new HashSet<>();
                next.values().removeIf(b -> !b.isLive(now) && gone.add(b.contactUri()));
                if (!gone.isEmpty()) {
                    touched(aor).addAll(gone);
                    replace(aor, next);
                    removed += gone.size();
                }
            } finally {
                lock.unlock();
            }
        }
        return removed;
    }

    /**
     * From memory, in the JDBC store's order ({@code ORDER BY aor, contact_uri}): {@link String#compareTo}, which is
     * how H2 compares by default. PostgreSQL under a locale collation may order differently; write-back is for the
     * embedded database.
     */
    @Override
    public List<Binding> listAll(int offset, int limit) {
        if (offset < 0 || limit < 0) {
            throw new IllegalArgumentException("offset and limit must not be negative");
        }
        List<String> aors = new ArrayList<>(bindings.keySet());
        aors.sort(Comparator.naturalOrder());
        List<Binding> out = new ArrayList<>(Math.min(limit, 1024));
        int skip = offset;
        for (String aor : aors) {
            if (out.size() >= limit) {
                break;
            }
            List<Binding> list = bindings.getOrDefault(aor, List.of());
            if (skip >= list.size()) {
                skip -= list.size();
                continue;
            }
            for (int i = skip; i < list.size() && out.size() < limit; i++) {
                out.add(list.get(i));
            }
            skip = 0;
        }
        return out;
    }

    @Override
    public int count() {
        return size.get();
    }

    /** Failed writes to the delegate since open (each is retried). */
    public long writeFailures() {
        return failures.get();
    }

    /** Addresses-of-record with changes not yet written. */
    public int pendingAddresses() {
        return dirty.size();
    }

    /**
     * Writes every change made so far to the delegate and returns whether it worked (a failure keeps the changes for
     * the next attempt). Package-private for tests; the writer thread calls it every interval.
     */
    boolean flush() {
        writing.lock();
        try {
            return writeDirty();
        } finally {
            writing.unlock();
        }
    }

    private boolean writeDirty() {
        List<String> aors = new ArrayList<>(dirty.keySet());
        for (int from = 0; from < aors.size(); from += WRITE_CHUNK) {
            List<String> chunk = aors.subList(from, Math.min(aors.size(), from + WRITE_CHUNK));
            List<Taken> taken = new ArrayList<>(chunk.size());
            for (String aor : chunk) {
                Taken t = take(aor);
                if (t != null) {
                    taken.add(t);
                }
            }
            if (taken.isEmpty()) {
                continue;
            }
            try {
                delegate.applyAll(taken.stream().map(Taken::change).toList());
            } catch (RuntimeException | Error e) {
                taken.forEach(this::giveBack); // whatever went wrong, the marks must not be lost
                if (e instanceof Error err) {
                    throw err;
                }
                failed((RuntimeException) e);
                return false;
            }
        }
        if (failedInARow > 0) {
            LOG.info("registrations are written to the database again, after {} failed attempt(s)", failedInARow);
            failedInARow = 0;
        }
        return true;
    }

    /**
     * Whether {@code b} differs from {@code old} only in what a plain refresh changes: the expiry, the Call-ID and the
     * CSeq (many clients send each refresh with a new Call-ID). The database's copy then differs from {@code b} in
     * those alone too, as every other change is written.
     */
    private static boolean sameButExpiry(Binding old, Binding b) {
        return old.q() == b.q() && old.flow().equals(b.flow())
                && Objects.equals(old.userAgent(), b.userAgent()) && Objects.equals(old.instanceId(), b.instanceId());
    }

    /**
     * Whether the copy of {@code b}'s contact handed to the delegate is live for at least half of {@code b}'s
     * lifetime from {@code now}: its expiry is no earlier than halfway between now and {@code b}'s. Call under the
     * stripe of {@code aor}.
     */
    private boolean copyCovers(String aor, Binding b, Instant now) {
        Map<String, Instant> copies = written.get(aor);
        Instant copy = copies == null ? null : copies.get(b.contactUri());
        if (copy == null) {
            return false;
        }
        long nowMs = now.toEpochMilli();
        long halfway = nowMs + (b.expiresAt().toEpochMilli() - nowMs) / 2;
        return copy.toEpochMilli() >= halfway;
    }

    /** A dirty mark taken by a write, with the state it writes. */
    private record Taken(Set<String> touched, Change change) {
    }

    /** Takes the dirty mark of {@code aor} and, under the same lock, the current state of the contacts it names. */
    private Taken take(String aor) {
        ReentrantLock lock = stripe(aor);
        lock.lock();
        try {
            Set<String> touched = dirty.remove(aor);
            if (touched == null) {
                return null;
            }
            List<Binding> upserts = new ArrayList<>();
            Set<String> gone = new HashSet<>(touched);
            Map<String, Instant> copies = written.computeIfAbsent(aor, k -> new java.util.HashMap<>());
            for (Binding b : bindings.getOrDefault(aor, List.of())) {
                if (gone.remove(b.contactUri())) {
                    upserts.add(b);
                    copies.put(b.contactUri(), b.expiresAt());
                }
            }
            copies.keySet().removeAll(gone);
            if (copies.isEmpty()) {
                written.remove(aor);
            }
            return new Taken(touched, new Change(aor, upserts, List.copyOf(gone)));
        } finally {
            lock.unlock();
        }
    }

    /** Marks a failed write's contacts dirty again (together with any marked since), for the next attempt. */
    private void giveBack(Taken t) {
        String aor = t.change().aor();
        ReentrantLock lock = stripe(aor);
        lock.lock();
        try {
            touched(aor).addAll(t.touched());
        } finally {
            lock.unlock();
        }
    }

    private void failed(RuntimeException e) {
        failures.incrementAndGet();
        failedInARow++;
        if (failedInARow == 1 || failedInARow % 60 == 0) {
            // the class only: a message may quote values (a contact, a user agent)
            Throwable cause = e.getCause() == null ? e : e.getCause();
            LOG.warn("writing registrations to the database failed ({}, attempt {}); {} address(es)-of-record kept"
                    + " in memory, tried again every {} ms", cause.getClass().getName(), failedInARow, dirty.size(),
                    interval.toMillis());
        }
    }

    /** The writer thread's task: nothing may escape it, or the executor would cancel the schedule for good. */
    private void writeQuietly() {
        try {
            flush();
        } catch (Throwable e) { // an OutOfMemoryError too: the next interval tries again with the marks kept
            LOG.error("registration writer: {}", e.getClass().getName());
        }
    }

    /**
     * Stops the writer thread and writes every pending change, on the caller's thread, before returning: close this
     * store before the database. The thread is not interrupted (interrupting H2 in the middle of a write closes the
     * database file); a running write is waited for.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        // a change that began before it saw the flag finishes before the last write takes its marks
        for (ReentrantLock lock : stripes) {
            lock.lock();
            lock.unlock();
        }
        writer.shutdown();
        try {
            if (!writer.awaitTermination(30, TimeUnit.SECONDS)) {
                LOG.warn("registration writer did not finish within 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        markDeferredRefreshes();
        // once more if it fails: at JVM exit H2's own shutdown hook may have closed a pooled connection under us,
        // and the next one reopens the file
        if (!flush() && !flush()) {
            LOG.warn("{} address(es)-of-record could not be written at shutdown; their phones' next REGISTER restores"
                    + " them", dirty.size());
        }
    }

    /** Marks every refresh not yet written as dirty, so a clean stop leaves the database equal to memory. */
    private void markDeferredRefreshes() {
        for (Map.Entry<String, List<Binding>> e : bindings.entrySet()) {
            String aor = e.getKey();
            ReentrantLock lock = stripe(aor);
            lock.lock();
            try {
                Map<String, Instant> copies = written.getOrDefault(aor, Map.of());
                for (Binding b : bindings.getOrDefault(aor, List.of())) {
                    if (!b.expiresAt().equals(copies.get(b.contactUri()))) {
                        touched(aor).add(b.contactUri());
                    }
                }
            } finally {
                lock.unlock();
            }
        }
    }

    /** Call under a stripe: with the barrier in close(), no change lands after the last write. */
    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("registration store closed");
        }
    }

    /** The dirty set of {@code aor}, created when needed; call under its stripe. */
    private Set<String> touched(String aor) {
        return dirty.computeIfAbsent(aor, k -> new HashSet<>());
    }

    /** Installs {@code next} as the bindings of {@code aor} and keeps the count; call under its stripe. */
    private void replace(String aor, Map<String, Binding> next) {
        List<Binding> old = next.isEmpty() ? bindings.remove(aor)
                : bindings.put(aor, List.copyOf(next.values()));
        int delta = next.size() - (old == null ? 0 : old.size());
        if (delta != 0) {
            size.addAndGet(delta);
        }
    }

    /** A mutable copy of {@code list}, keyed and sorted by contact. */
    private static Map<String, Binding> byContact(List<Binding> list) {
        Map<String, Binding> m = new TreeMap<>();
        if (list != null) {
            for (Binding b : list) {
                m.put(b.contactUri(), b);
            }
        }
        return m;
    }

    private ReentrantLock stripe(String aor) {
        int h = aor.hashCode();
        return stripes[(h ^ (h >>> 16)) & (STRIPES - 1)];
    }
}
