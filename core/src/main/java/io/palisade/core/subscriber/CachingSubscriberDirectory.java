// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.core.subscriber;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * A {@link SubscriberDirectory} that remembers the subscribers it found for a short time, so that a registration
 * (a REGISTER, its 401, the REGISTER with credentials) costs one database read instead of one per request.
 *
 * <p>Bounded staleness: changes made through this instance (the console, the server itself) take effect at once;
 * changes made by another process on the same database (the CLI: {@code user disable}, {@code remove},
 * {@code passwd}) take effect within {@code ttl}. Only subscribers that exist are remembered, so a user added by
 * the CLI is found at once, and a flood of made-up user names cannot fill the cache (it is also bounded by
 * {@code maxEntries}; when full, lookups go to the delegate).
 */
public final class CachingSubscriberDirectory implements SubscriberDirectory {
    private final SubscriberDirectory delegate;
    private final long ttlNanos;
    private final int maxEntries;
    private final LongSupplier nanos;
    private final Map<String, Entry> cache = new ConcurrentHashMap<>();
    /** Bumped before and after every write: a read that overlapped a write is not remembered. */
    private final AtomicLong writes = new AtomicLong();
    private volatile long lastPurge = Long.MIN_VALUE;

    private record Entry(Subscriber subscriber, long at) {
    }

    /**
     * @param ttl        how long a subscriber read from {@code delegate} is used without reading it again
     * @param maxEntries most subscribers remembered at once
     * @param nanoTime   monotonic clock (System::nanoTime; tests drive their own)
     */
    public CachingSubscriberDirectory(SubscriberDirectory delegate, Duration ttl, int maxEntries, LongSupplier nanoTime) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        if (ttl.isNegative() || maxEntries < 1) {
            throw new IllegalArgumentException("ttl must not be negative and maxEntries must be positive");
        }
        this.ttlNanos = ttl.toNanos();
        this.maxEntries = maxEntries;
        this.nanos = Objects.requireNonNull(nanoTime, "nanoTime");
    }

    @Override
    public Optional<Subscriber> find(String username) {
        if (username == null) {
            return Optional.empty();
        }
        long now = nanos.getAsLong();
        Entry e = cache.get(username);
        if (e != null && now - e.at() < ttlNanos) {
            return Optional.of(e.subscriber());
        }
        long before = writes.get();
        Optional<Subscriber> found = delegate.find(username);
        if (found.isEmpty()) {
            cache.remove(username);
        } else if (ttlNanos > 0 && room(username, now)) {
            Entry fresh = new Entry(found.get(), now);
            // decided under the map's lock for this key, which invalidate() takes too: a write that ran while we read
            // has bumped the counter by then, and what we read may predate it
            cache.compute(username, (k, old) -> writes.get() == before ? fresh : old);
        }
        return found;
    }

    private boolean room(String username, long now) {
        if (cache.size() < maxEntries || cache.containsKey(username)) {
            return true;
        }
        if (lastPurge == Long.MIN_VALUE || now - lastPurge > 1_000_000_000L) { // a scan per second at most
            lastPurge = now;
            cache.values().removeIf(x -> now - x.at() >= ttlNanos);
        }
        return cache.size() < maxEntries;
    }

    private void invalidate(String username) {
        writes.incrementAndGet();
        cache.remove(username);
    }

    private void invalidateAll() {
        writes.incrementAndGet();
        cache.clear();
    }

    /** Subscribers remembered now (for tests and diagnostics). */
    int size() {
        return cache.size();
    }

    @Override
    public List<Subscriber> list(int offset, int limit) {
        return delegate.list(offset, limit);
    }

    @Override
    public int count() {
        return delegate.count();
    }

    @Override
    public List<Subscriber> search(String query, int offset, int limit) {
        return delegate.search(query, offset, limit);
    }

    @Override
    public int countMatching(String query) {
        return delegate.countMatching(query);
    }

    @Override
    public boolean setDisplayName(String username, String displayName) {
        writes.incrementAndGet();
        try {
            return delegate.setDisplayName(username, displayName);
        } finally {
            invalidate(username);
        }
    }

    @Override
    public void add(NewSubscriber s) {
        writes.incrementAndGet();
        try {
            delegate.add(s);
        } finally {
            invalidate(s.username());
        }
    }

    @Override
    public boolean setEnabled(String username, boolean enabled) {
        writes.incrementAndGet();
        try {
            return delegate.setEnabled(username, enabled);
        } finally {
            invalidate(username);
        }
    }

    @Override
    public boolean setPassword(String username, char[] password) {
        writes.incrementAndGet();
        try {
            return delegate.setPassword(username, password);
        } finally {
            invalidate(username);
        }
    }

    @Override
    public boolean remove(String username) {
        writes.incrementAndGet();
        try {
            return delegate.remove(username);
        } finally {
            invalidate(username);
        }
    }

    @Override
    public int importAll(List<NewSubscriber> all) {
        writes.incrementAndGet();
        try {
            return delegate.importAll(all);
        } finally {
            invalidateAll();
        }
    }

    @Override
    public String realm() {
        return delegate.realm();
    }

    @Override
    public String toString() {
        return "CachingSubscriberDirectory[" + delegate + ", ttl=" + Duration.ofNanos(ttlNanos) + "]";
    }
}
