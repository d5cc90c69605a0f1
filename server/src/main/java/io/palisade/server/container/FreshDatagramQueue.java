// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.server.container;

import gov.nist.javax.sip.stack.DatagramQueuedMessageDispatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The queue between JAIN-SIP's UDP receiving thread and its worker threads, bounded in length and in age. JAIN-SIP's
 * own queue is unbounded: when requests arrive faster than the workers answer (a burst, or a cold JVM that has not
 * compiled its hot code yet), the backlog grows to seconds, every request is answered after its client has already
 * retransmitted it, the retransmissions add to the backlog, and the node answers almost nothing until the load stops
 * (measured: 8,000 registrations/s against a freshly started server, 34 of them a second succeeded for 20 s). Here a
 * datagram that finds the queue full is dropped on arrival, and one that waited longer than the maximum age is
 * dropped instead of worked on, exactly as if the socket buffer had overflowed: the client's retransmission, which
 * follows it in the queue, is the fresher copy. What is dropped is counted and reported in one log line at most every
 * ten seconds. Nothing is parsed before it is dropped, so shedding costs next to nothing.
 */
final class FreshDatagramQueue extends LinkedBlockingQueue<DatagramQueuedMessageDispatch> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(FreshDatagramQueue.class);
    private static final long REPORT_EVERY_MILLIS = 10_000;

    private final long maxAgeMillis;
    private final transient LongSupplier clock;
    private final transient LongAdder overflowed = new LongAdder();
    private final transient LongAdder stale = new LongAdder();
    private final transient AtomicLong lastReport = new AtomicLong(Long.MIN_VALUE);

    /**
     * @param capacity     datagrams waiting at most
     * @param maxAgeMillis the longest a datagram may wait and still be worked on
     * @param clock        milliseconds, the clock JAIN-SIP stamps each datagram with on arrival
     */
    FreshDatagramQueue(int capacity, long maxAgeMillis, LongSupplier clock) {
        super(capacity);
        this.maxAgeMillis = maxAgeMillis;
        this.clock = clock;
    }

    @Override
    public boolean offer(DatagramQueuedMessageDispatch d) {
        if (super.offer(d)) {
            return true;
        }
        overflowed.increment();
        report();
        return false;
    }

    @Override
    public DatagramQueuedMessageDispatch take() throws InterruptedException {
        while (true) {
            DatagramQueuedMessageDispatch d = super.take();
            if (fresh(d)) {
                return d;
            }
        }
    }

    @Override
    public DatagramQueuedMessageDispatch poll(long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        while (true) {
            DatagramQueuedMessageDispatch d = super.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (d == null || fresh(d)) {
                return d;
            }
        }
    }

    /** Datagrams dropped because the queue was full, and because they waited too long. */
    long[] dropped() {
        return new long[] {overflowed.sum(), stale.sum()};
    }

    private boolean fresh(DatagramQueuedMessageDispatch d) {
        if (clock.getAsLong() - d.getReceptionTime() <= maxAgeMillis) {
            return true;
        }
        stale.increment();
        report();
        return false;
    }

    private void report() {
        long now = clock.getAsLong();
        long last = lastReport.get();
        if (last != Long.MIN_VALUE && now - last < REPORT_EVERY_MILLIS) {
            return;
        }
        if (lastReport.compareAndSet(last, now)) {
            LOG.warn("UDP overload: {} datagrams dropped so far because {} were waiting, {} because they had waited"
                    + " over {} ms (the senders retransmit)", overflowed.sum(), remainingCapacity() + size(), stale.sum(),
                    maxAgeMillis);
        }
    }
}
