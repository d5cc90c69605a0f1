// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.core.edge;

import java.time.Clock;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts security events and hands them to the sinks on one background thread, so a SIP worker never waits for a
 * disk or a database. Noisy kinds (malformed, rate-limited, denied) are written at most once per source every
 * ten seconds, with the number suppressed in between; every event is counted. When the queue is full, events are
 * counted and dropped: under attack, the log must not become the bottleneck.
 */
public final class SecurityEvents implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SecurityEvents.class);
    private static final Set<SecurityEvent.Kind> NOISY = Set.of(SecurityEvent.Kind.MALFORMED,
            SecurityEvent.Kind.RATE_LIMITED, SecurityEvent.Kind.DENIED);
    private static final long QUIET_MILLIS = 10_000;
    private static final SecurityEvent STOP = new SecurityEvent(java.time.Instant.EPOCH, SecurityEvent.Kind.UNBAN, "", "", "");

    private final Clock clock;
    private final List<SecurityEventSink> sinks;
    private final Map<SecurityEvent.Kind, LongAdder> counts = new EnumMap<>(SecurityEvent.Kind.class);
    private final Map<String, long[]> quiet = new ConcurrentHashMap<>(); // kind|source -> {last written, suppressed}
    private final BlockingQueue<SecurityEvent> queue = new ArrayBlockingQueue<>(10_000);
    private final LongAdder lost = new LongAdder();
    private final AtomicLong enqueued = new AtomicLong();
    private final AtomicLong written = new AtomicLong();
    private final Thread writer;

    public SecurityEvents(List<SecurityEventSink> sinks, Clock clock) {
        this.clock = clock;
        this.sinks = List.copyOf(sinks);
        for (SecurityEvent.Kind k : SecurityEvent.Kind.values()) {
            counts.put(k, new LongAdder());
        }
        writer = new Thread(this::drain, "palisade-security-events");
        writer.setDaemon(true);
        writer.start();
    }

    public void record(SecurityEvent.Kind kind, String source, String user, String detail) {
        counts.get(kind).increment();
        String d = detail;
        if (NOISY.contains(kind)) {
            long now = clock.millis();
            String key = kind.ordinal() + "|" + source;
            if (quiet.size() > 100_000) {
                quiet.clear(); // bounded: at worst a few extra lines after a flood from very many addresses
            }
            long[] q = quiet.computeIfAbsent(key, k -> new long[] {Long.MIN_VALUE, 0});
            synchronized (q) {
                if (q[0] != Long.MIN_VALUE && now - q[0] < QUIET_MILLIS) {
                    q[1]++;
                    return;
                }
                if (q[1] > 0) {
                    d = detail + " (+" + q[1] + " similar in the last " + (now - q[0]) / 1000 + " s)";
                }
                q[0] = now;
                q[1] = 0;
            }
        }
        synchronized (enqueued) {
            if (queue.offer(new SecurityEvent(clock.instant(), kind, source, user, d))) {
                enqueued.incrementAndGet();
            } else {
                lost.increment();
            }
        }
    }

    public long count(SecurityEvent.Kind kind) {
        return counts.get(kind).sum();
    }

    public Map<SecurityEvent.Kind, Long> counts() {
        Map<SecurityEvent.Kind, Long> m = new EnumMap<>(SecurityEvent.Kind.class);
        counts.forEach((k, v) -> m.put(k, v.sum()));
        return m;
    }

    /** Events that could not be written because the queue was full. */
    public long lost() {
        return lost.sum();
    }

    /** Waits until everything recorded so far has reached the sinks (for orderly shutdown and tests). */
    public boolean flush(long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        long target = enqueued.get();
        while (written.get() < target) {
            if (System.nanoTime() > deadline || !writer.isAlive()) {
                return false;
            }
            Thread.sleep(1);
        }
        return true;
    }

    private void drain() {
        while (true) {
            SecurityEvent e;
            try {
                e = queue.take();
            } catch (InterruptedException ie) {
                return;
            }
            if (e == STOP) {
                return;
            }
            for (SecurityEventSink s : sinks) {
                try {
                    s.write(e);
                } catch (Exception ex) {
                    LOG.warn("security event sink {} failed: {}", s.getClass().getSimpleName(), ex.getClass().getName());
                }
            }
            written.incrementAndGet();
        }
    }

    @Override
    public void close() {
        try {
            flush(5_000);
            queue.put(STOP);
            writer.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (SecurityEventSink s : sinks) {
            try {
                s.close();
            } catch (Exception ex) {
                LOG.warn("closing security event sink failed: {}", ex.getClass().getName());
            }
        }
    }
}
