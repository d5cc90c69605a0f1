// Copyright (C) the Palisade authors. SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.media.relay;

import io.palisade.media.srtp.PacketBuffer;
import io.palisade.media.srtp.SrtpStatus;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One relay I/O thread: a selector over the sockets of the sessions it owns, one reusable packet
 * buffer, and a task queue through which other threads change session state. The packet path
 * (receive, unprotect, protect, send) allocates nothing in the steady state.
 */
final class IoThread extends Thread {
    private static final Logger LOG = LoggerFactory.getLogger(IoThread.class);
    /** Datagrams taken from one socket before the others get a turn. */
    private static final int BATCH = 64;
    private static final long SWEEP_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final RelayEngine engine;
    private final Selector selector;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final List<RelaySession> owned = new ArrayList<>();
    private final long timeoutNanos;
    private final PacketBuffer packet;
    /**
     * Direct buffer for the socket calls: with a heap buffer the JDK copies through a thread-local
     * temporary direct buffer anyway, and its look-up showed in the profile; the copies are the same.
     */
    private ByteBuffer io;
    private final int maxDatagram;
    /** Handles one ready socket: given to {@link Selector#select(Consumer, long)}, so no selected-key set is kept. */
    private final Consumer<SelectionKey> onReady = this::onReady;
    private long round;
    /** System.nanoTime() read once per selection round, at its first ready socket: the time of the packets' activity. */
    private long roundNanos;
    private boolean roundClockRead;
    private volatile boolean running = true;

    /**
     * What a selection key points at: a leg and which of its sockets, and the last selection round
     * in which the socket was ready (to tell a busy socket from one carrying a single call).
     */
    private static final class Endpoint {
        final RelayLeg leg;
        final boolean rtcpSocket;
        long lastReadyRound = Long.MIN_VALUE;

        Endpoint(RelayLeg leg, boolean rtcpSocket) {
            this.leg = leg;
            this.rtcpSocket = rtcpSocket;
        }
    }

    IoThread(RelayEngine engine, int index, int maxPacket, long timeoutNanos) throws IOException {
        super("media-io-" + index);
        setDaemon(true);
        this.engine = engine;
        this.selector = Selector.open();
        this.timeoutNanos = timeoutNanos;
        // room for the largest datagram plus SRTP growth (tag, MKI, SRTCP index)
        this.packet = new PacketBuffer(maxPacket + 64);
        this.maxDatagram = maxPacket;
        this.io = ByteBuffer.allocateDirect(maxPacket + 64);
    }

    /** Runs {@code task} on this thread and waits for it (or runs it inline when called from here). */
    <T> T call(Callable<T> task) {
        if (Thread.currentThread() == this || !isAlive()) {
            try {
                return task.call();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        CompletableFuture<T> f = new CompletableFuture<>();
        tasks.add(() -> {
            try {
                f.complete(task.call());
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        });
        selector.wakeup();
        try {
            return f.get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for the media I/O thread", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("media I/O thread task failed", e);
        }
    }

    void attach(RelaySession s) throws IOException {
        register(s.a);
        register(s.b);
        s.lastActivityNanos = System.nanoTime();
        owned.add(s);
    }

    private void register(RelayLeg leg) throws IOException {
        leg.rtpChannel.register(selector, SelectionKey.OP_READ, new Endpoint(leg, false));
        leg.rtcpChannel.register(selector, SelectionKey.OP_READ, new Endpoint(leg, true));
    }

    void detach(RelaySession s) {
        owned.remove(s);
        for (RelayLeg leg : new RelayLeg[] {s.a, s.b}) {
            if (leg == null) {
                continue;
            }
            SelectionKey k1 = leg.rtpChannel.keyFor(selector);
            SelectionKey k2 = leg.rtcpChannel.keyFor(selector);
            if (k1 != null) {
                k1.cancel();
            }
            if (k2 != null) {
                k2.cancel();
            }
        }
        try {
            // deregisters the cancelled keys now, so that closing really frees the ports. What is ready on the other
            // sockets is left alone: the selector is level-triggered and reports it again in the next round.
            selector.selectNow(ignored -> { });
        } catch (IOException ignored) {
            // the channels are closed below either way
        }
        for (RelayLeg leg : new RelayLeg[] {s.a, s.b}) {
            if (leg == null) {
                continue;
            }
            RelayEngine.closeQuietly(leg.rtpChannel);
            RelayEngine.closeQuietly(leg.rtcpChannel);
            leg.closeCrypto();
        }
    }

    void shutdown() {
        running = false;
        selector.wakeup();
        try {
            join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void run() {
        long nextSweep = System.nanoTime() + SWEEP_NANOS;
        try {
            while (running) {
                round++;
                roundClockRead = false;
                selector.select(onReady, 100);
                Runnable t;
                while ((t = tasks.poll()) != null) {
                    t.run();
                }
                long now = System.nanoTime();
                if (now - nextSweep >= 0) {
                    sweep(now);
                    nextSweep = now + SWEEP_NANOS;
                }
            }
        } catch (IOException | ClosedSelectorException e) {
            LOG.error("media I/O thread {} stopped: {}", getName(), e.getClass().getName());
        } finally {
            for (RelaySession s : List.copyOf(owned)) {
                detach(s);
            }
            Runnable t;
            while ((t = tasks.poll()) != null) {
                t.run();
            }
            try {
                selector.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    private void onReady(SelectionKey k) {
        if (k.isValid()) {
            if (!roundClockRead) {
                roundNanos = System.nanoTime();
                roundClockRead = true;
            }
            drain((DatagramChannel) k.channel(), (Endpoint) k.attachment());
        }
    }

    private void sweep(long now) {
        for (RelaySession s : owned) {
            if (!s.timeoutRaised && now - s.lastActivityNanos > timeoutNanos) {
                s.timeoutRaised = true;
                engine.raiseTimeout(s);
            }
        }
    }

    /**
     * Reads what a ready socket holds. A socket that was not ready in the previous round most likely
     * holds one packet (a call sends 50 a second): read it once, since trying again would cost a
     * receive call that finds nothing, almost one system call per relayed packet; if more was
     * queued the selector reports the socket again at once, and from then on it is drained.
     */
    private void drain(DatagramChannel ch, Endpoint ep) {
        int max = ep.lastReadyRound == round - 1 ? BATCH : 1;
        ep.lastReadyRound = round;
        for (int i = 0; i < max; i++) {
            io.clear();
            io.limit(maxDatagram);
            SocketAddress src;
            try {
                src = ch.receive(io);
            } catch (IOException e) {
                return; // e.g. ICMP port unreachable surfaced on Linux: nothing to read
            }
            if (src == null) {
                return;
            }
            int len = io.position();
            io.flip();
            io.get(packet.getBuffer(), 0, len); // the packet buffer holds maxDatagram + 64
            relay(ep.leg, ep.rtcpSocket, (InetSocketAddress) src, len);
        }
    }

    /** One packet from {@code in}'s peer: verify, latch, re-protect for the other leg, send. */
    private void relay(RelayLeg in, boolean rtcpSocket, InetSocketAddress src, int len) {
        RelayLeg out = in.peer;
        byte[] b = packet.getBuffer();
        if (!in.ready || !out.ready) {
            in.notReady++;
            return;
        }
        boolean rtcp = rtcpSocket || in.rtcpMux && len >= 2 && (b[1] & 0xff) >= 192 && (b[1] & 0xff) <= 223;
        InetSocketAddress latched = rtcp ? in.latchedRtcp : in.latchedRtp;
        if (latched != null && !latched.equals(src)) {
            in.foreign++;
            return;
        }
        packet.set(0, len);
        if (in.rx != null) {
            SrtpStatus st = rtcp ? in.rx.unprotectRtcp(packet) : in.rx.unprotectRtp(packet);
            if (st != SrtpStatus.OK) {
                switch (st) {
                    case AUTH_FAIL -> in.authFailures++;
                    case REPLAY -> in.replays++;
                    default -> in.invalid++;
                }
                return;
            }
        } else if (len < (rtcp ? 8 : 12) || (b[0] & 0xC0) != 0x80) {
            in.invalid++;
            return;
        }
        // Symmetric RTP (RFC 4961): learn the peer's address from its first packet that passed
        // authentication, never from one that failed.
        if (latched == null) {
            if (rtcp) {
                in.latchedRtcp = src;
            } else {
                in.latchedRtp = src;
            }
        }
        in.packetsIn++;
        in.bytesIn += len;
        in.session.lastActivityNanos = roundNanos;
        if (rtcp) {
            in.rtcpIn++;
            readReports(in, packet.getBuffer(), packet.getOffset(), packet.getLength());
        }
        InetSocketAddress dest;
        if (rtcp && !out.rtcpMux) {
            dest = out.latchedRtcp != null ? out.latchedRtcp : out.destRtcp;
        } else {
            dest = out.latchedRtp != null ? out.latchedRtp : out.destRtp;
        }
        if (dest == null) {
            out.sendFailures++;
            return;
        }
        if (out.tx != null) {
            SrtpStatus st = rtcp ? out.tx.protectRtcp(packet) : out.tx.protectRtp(packet);
            if (st != SrtpStatus.OK) {
                out.sendFailures++;
                return;
            }
        }
        int outLen = packet.getLength();
        if (outLen > io.capacity()) {
            io = ByteBuffer.allocateDirect(outLen + 64);
        }
        io.clear();
        io.put(packet.getBuffer(), packet.getOffset(), outLen);
        io.flip();
        int sent;
        try {
            sent = (rtcp && !out.rtcpMux ? out.rtcpChannel : out.rtpChannel).send(io, dest);
        } catch (IOException e) {
            sent = 0;
        }
        if (sent == 0) {
            out.sendFailures++;
        } else {
            out.packetsOut++;
            out.bytesOut += sent;
        }
    }

    /** RFC 3550 6.4: the last report block in an SR or RR tells this leg's loss and jitter. */
    private static void readReports(RelayLeg leg, byte[] b, int off, int len) {
        int r = RtcpReports.lastBlock(b, off, len);
        if (r >= 0) {
            leg.fractionLost = RtcpReports.fractionLost(b, r);
            leg.cumulativeLost = RtcpReports.cumulativeLost(b, r);
            leg.jitter = RtcpReports.jitter(b, r);
            leg.reports++;
        }
    }
}
