// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.server.container;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gov.nist.javax.sip.stack.DatagramQueuedMessageDispatch;
import java.net.DatagramPacket;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class FreshDatagramQueueTest {
    private final AtomicLong now = new AtomicLong(1_000_000);

    private DatagramQueuedMessageDispatch datagram() {
        return new DatagramQueuedMessageDispatch(new DatagramPacket(new byte[1], 1), now.get());
    }

    @Test
    void aFullQueueDropsTheNewDatagram() {
        FreshDatagramQueue q = new FreshDatagramQueue(2, 1000, now::get);
        assertTrue(q.offer(datagram()));
        assertTrue(q.offer(datagram()));
        assertFalse(q.offer(datagram()), "the third finds the queue full");
        assertArrayEquals(new long[] {1, 0}, q.dropped());
    }

    @Test
    void aDatagramThatWaitedTooLongIsSkippedForTheNextFreshOne() throws Exception {
        FreshDatagramQueue q = new FreshDatagramQueue(10, 1000, now::get);
        q.offer(datagram());
        now.addAndGet(600);
        DatagramQueuedMessageDispatch retransmission = datagram();
        q.offer(retransmission);
        now.addAndGet(500); // the first has waited 1,100 ms, its retransmission 500 ms
        assertSame(retransmission, q.take());
        assertArrayEquals(new long[] {0, 1}, q.dropped());
    }

    @Test
    void pollSkipsStaleDatagramsAndStillHonoursItsTimeout() throws Exception {
        FreshDatagramQueue q = new FreshDatagramQueue(10, 1000, now::get);
        DatagramQueuedMessageDispatch fresh = datagram();
        q.offer(fresh);
        assertSame(fresh, q.poll(1, TimeUnit.SECONDS));
        q.offer(datagram());
        now.addAndGet(5_000);
        assertNull(q.poll(50, TimeUnit.MILLISECONDS), "only a stale datagram was waiting");
        assertArrayEquals(new long[] {0, 1}, q.dropped());
    }
}
