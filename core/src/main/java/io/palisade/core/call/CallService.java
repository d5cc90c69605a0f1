// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.core.call;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The calls in progress on this node and their records. The SIP adapter reports each step (begin, answer, end)
 * and gives a {@link Hangup} for the call; this service ends calls that outlive the maximum duration or ring
 * unanswered too long, and those whose media the relay reports dead. Records are written to the
 * {@link CallRecordStore} by one background writer, so signalling threads never wait for the database; the queue is
 * bounded and pushes back on the caller when full rather than growing without limit.
 */
public final class CallService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CallService.class);

    /** How the SIP side ends one call: BYE both legs when answered, CANCEL/final response when not. */
    @FunctionalInterface
    public interface Hangup {
        void hangUp(String cause);

        /** Once a second while the call is answered: per-leg timers (RFC 4028 session timers) check themselves. */
        default void tick(long nowNanos) {
        }
    }

    /**
     * Where the packet counters of a call in progress come from: the media relay, which core does not know. The
     * composition root plugs it in once the relay runs (the relay itself needs this service first, for timeouts).
     */
    @FunctionalInterface
    public interface LiveCounters {
        /** The counters of the relay session {@code mediaSessionId} now, or {@link Counters#NONE}. */
        Counters of(String mediaSessionId);
    }

    /** Packet counters of both legs at the end of a call. */
    public record Counters(long aPacketsIn, long aPacketsOut, long bPacketsIn, long bPacketsOut) {
        public static final Counters NONE = new Counters(0, 0, 0, 0);
    }

    /** One call in progress. */
    public static final class Call {
        private final String id;
        private final String caller;
        private final String callee;
        private final String aTransport;
        private final Instant startedAt;
        private final long startedNanos;
        private final String mediaSessionId;
        private final Hangup hangup;
        private final AtomicBoolean ended = new AtomicBoolean();
        private volatile Instant answeredAt;
        private volatile long answeredNanos;
        private volatile String bTransport = "";
        private volatile String aSuite = "";
        private volatile String bSuite = "";

        private Call(String id, String caller, String callee, String aTransport, Instant startedAt, long startedNanos,
                     String mediaSessionId, Hangup hangup) {
            this.id = id;
            this.caller = caller;
            this.callee = callee;
            this.aTransport = aTransport;
            this.startedAt = startedAt;
            this.startedNanos = startedNanos;
            this.mediaSessionId = mediaSessionId;
            this.hangup = hangup;
        }

        public String id() {
            return id;
        }

        public boolean isAnswered() {
            return answeredAt != null;
        }

        public boolean isEnded() {
            return ended.get();
        }

        CallRecord record(Optional<Instant> endedAt, String cause, Counters c) {
            return new CallRecord(id, caller, callee, startedAt, Optional.ofNullable(answeredAt), endedAt, cause,
                    aTransport, bTransport, aSuite, bSuite, c.aPacketsIn(), c.aPacketsOut(), c.bPacketsIn(),
                    c.bPacketsOut());
        }

        @Override
        public String toString() {
            return "Call[" + id + " " + caller + " -> " + callee + "]";
        }
    }

    private final CallConfig config;
    private final CallRecordStore store;
    private final Clock clock;
    private final java.util.function.LongSupplier nanoTime;
    private final Map<String, Call> calls = new ConcurrentHashMap<>();
    private final Map<String, Call> byMedia = new ConcurrentHashMap<>();
    private final ExecutorService writer;
    private final AtomicLong started = new AtomicLong();
    private final AtomicLong answered = new AtomicLong();
    private final AtomicLong finished = new AtomicLong();
    private final AtomicLong writeFailures = new AtomicLong();
    private volatile LiveCounters liveCounters = id -> Counters.NONE;

    public CallService(CallConfig config, CallRecordStore store, Clock clock, java.util.function.LongSupplier nanoTime) {
        this.config = Objects.requireNonNull(config, "config");
        this.store = Objects.requireNonNull(store, "store");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
        this.writer = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(50_000), r -> {
            Thread t = new Thread(r, "palisade-call-records");
            t.setDaemon(true);
            return t;
        }, new ThreadPoolExecutor.CallerRunsPolicy());
    }

    /** Plugs in the relay's live packet counters for {@link #active()}. */
    public void liveCounters(LiveCounters source) {
        this.liveCounters = Objects.requireNonNull(source, "source");
    }

    public CallConfig config() {
        return config;
    }

    /** Ends records a previous process left open (it stopped with calls up); call once at start-up. */
    public int closeDangling() {
        return store.endDangling(clock.instant(), "server stopped");
    }

    /** A new call: the caller authenticated and the callee has contacts; media is allocated. */
    public Call begin(String caller, String callee, String aTransport, String mediaSessionId, Hangup hangup) {
        Call c = new Call(UUID.randomUUID().toString(), caller, callee, aTransport, clock.instant(), nanoTime.getAsLong(),
                mediaSessionId, Objects.requireNonNull(hangup, "hangup"));
        calls.put(c.id, c);
        if (mediaSessionId != null) {
            byMedia.put(mediaSessionId, c);
        }
        started.incrementAndGet();
        CallRecord r = c.record(Optional.empty(), "", Counters.NONE);
        write(() -> store.insert(r));
        return c;
    }

    /** The callee answered (2xx) on a leg over {@code bTransport}; the suites are SRTP suite names or {@code RTP}. */
    public void answered(Call c, String bTransport, String aSuite, String bSuite) {
        if (c.ended.get() || c.answeredAt != null) {
            return;
        }
        c.bTransport = bTransport;
        c.aSuite = aSuite;
        c.bSuite = bSuite;
        c.answeredNanos = nanoTime.getAsLong();
        c.answeredAt = clock.instant();
        answered.incrementAndGet();
        CallRecord r = c.record(Optional.empty(), "", Counters.NONE);
        write(() -> store.update(r));
    }

    /** The call ended for {@code cause}; idempotent, returns whether this was the first end. */
    public boolean end(Call c, String cause, Counters counters) {
        if (!c.ended.compareAndSet(false, true)) {
            return false;
        }
        calls.remove(c.id);
        if (c.mediaSessionId != null) {
            byMedia.remove(c.mediaSessionId);
        }
        finished.incrementAndGet();
        CallRecord r = c.record(Optional.of(clock.instant()), cause, counters);
        write(() -> store.update(r));
        return true;
    }

    /**
     * The relay saw no media on a session for too long. Only an answered call is ended: while it rings there is
     * normally no media, and the no-answer timeout governs (the SIP side restarts the relay's count at the answer).
     */
    public void mediaTimeout(String mediaSessionId) {
        Call c = byMedia.get(mediaSessionId);
        if (c != null && c.isAnswered()) {
            hangUp(c, "media timeout");
        }
    }

    /** Ends calls over the maximum duration and unanswered calls over the no-answer time; run about once a second. */
    public void sweep() {
        long now = nanoTime.getAsLong();
        for (Call c : List.copyOf(calls.values())) {
            if (c.answeredAt != null) {
                if (now - c.answeredNanos >= config.maxDuration().toNanos()) {
                    hangUp(c, "max duration");
                } else {
                    try {
                        c.hangup.tick(now);
                    } catch (RuntimeException e) {
                        LOG.warn("call {}: timers failed: {}", c.id, e.getClass().getName()); // a message may quote SIP
                    }
                }
            } else if (now - c.startedNanos >= config.noAnswerTimeout().toNanos()) {
                hangUp(c, "no answer");
            }
        }
    }

    private static void hangUp(Call c, String cause) {
        try {
            c.hangup.hangUp(cause);
        } catch (RuntimeException e) {
            LOG.warn("ending call {} ({}) failed: {}", c.id, cause, e.getClass().getName()); // a message may quote SIP
        }
    }

    /**
     * Ends the call {@code id} on this node as an administrator asked (BYE on both legs when answered, CANCEL and a
     * final response when ringing); the record gets {@code cause}.
     *
     * @return false when no such call is in progress here
     */
    public boolean hangUp(String id, String cause) {
        Call c = id == null ? null : calls.get(id);
        if (c == null || c.isEnded()) {
            return false;
        }
        hangUp(c, cause);
        return true;
    }

    /** The calls in progress on this node, oldest first, with the relay's packet counters so far. */
    public List<CallRecord> active() {
        List<CallRecord> out = new ArrayList<>();
        LiveCounters live = liveCounters;
        for (Call c : calls.values()) {
            Counters n = Counters.NONE;
            if (c.mediaSessionId != null) {
                try {
                    n = live.of(c.mediaSessionId);
                } catch (RuntimeException e) {
                    LOG.debug("no live counters for {}: {}", c.id, e.getClass().getName());
                }
            }
            out.add(c.record(Optional.empty(), "", n == null ? Counters.NONE : n));
        }
        out.sort(Comparator.comparing(CallRecord::startedAt));
        return out;
    }

    public int activeCount() {
        return calls.size();
    }

    public long startedCount() {
        return started.get();
    }

    public long answeredCount() {
        return answered.get();
    }

    public long endedCount() {
        return finished.get();
    }

    private void write(Runnable w) {
        writer.execute(() -> {
            try {
                w.run();
            } catch (RuntimeException e) {
                writeFailures.incrementAndGet();
                LOG.warn("call record not written: {}", e.getClass().getName());
            }
        });
    }

    /** Waits until every record handed over so far is written (tests, shutdown). */
    public void flush() {
        try {
            writer.submit(() -> { }).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("call records not flushed", e);
        }
    }

    @Override
    public void close() {
        for (Call c : List.copyOf(calls.values())) {
            hangUp(c, "server stopping");
        }
        writer.shutdown();
        try {
            if (!writer.awaitTermination(30, TimeUnit.SECONDS)) {
                writer.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
