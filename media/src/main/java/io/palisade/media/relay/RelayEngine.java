// Copyright (C) the Palisade authors. SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.media.relay;

import io.palisade.media.sdes.SdesConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The RTP/SRTP relay: a fixed set of I/O threads, each with its own selector, owning whole
 * sessions so that a session's crypto state is touched by one thread only and the packet path
 * needs no locks. Sockets come from the configured port range and are released on every path.
 */
public final class RelayEngine implements AutoCloseable {
    final RelayConfig config;
    private final PortAllocator ports;
    private final IoThread[] threads;
    private final ExecutorService events;
    private final MediaEventListener listener;
    private final Map<String, RelaySession> sessions = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private RelayTotals closedTotals = RelayTotals.ZERO; // guarded by this
    private final AtomicLong nextThread = new AtomicLong();
    private volatile boolean closed;

    private RelayEngine(RelayConfig config, MediaEventListener listener) throws IOException {
        this.config = config;
        this.listener = Objects.requireNonNull(listener, "listener");
        this.ports = new PortAllocator(config.portMin(), config.portMax());
        this.events = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "media-events");
            t.setDaemon(true);
            return t;
        });
        this.threads = new IoThread[config.ioThreads()];
        for (int i = 0; i < threads.length; i++) {
            threads[i] = new IoThread(this, i, config.maxPacketSize(), config.mediaTimeout().toNanos());
            threads[i].start();
        }
    }

    /** Starts the relay's I/O threads. */
    public static RelayEngine start(RelayConfig config, MediaEventListener listener) throws IOException {
        return new RelayEngine(config, listener);
    }

    public RelayConfig config() {
        return config;
    }

    /**
     * Allocates a session: two legs, each with an RTP/RTCP port pair bound on the configured
     * address.
     *
     * @throws IOException when the port range is exhausted or binding fails (nothing is leaked)
     */
    public RelaySession openSession(SdesConfig legA, SdesConfig legB) throws IOException {
        if (closed) {
            throw new IOException("media relay is shut down");
        }
        IoThread io = threads[(int) (nextThread.getAndIncrement() % threads.length)];
        RelaySession s = new RelaySession(this, io, "m" + ids.incrementAndGet());
        List<AutoCloseable> undo = new ArrayList<>();
        try {
            s.a = bindLeg(s, "a", legA, undo);
            s.b = bindLeg(s, "b", legB, undo);
            s.a.peer = s.b;
            s.b.peer = s.a;
            sessions.put(s.id, s);
            io.call(() -> {
                io.attach(s);
                return null;
            });
            return s;
        } catch (IOException | RuntimeException e) {
            for (AutoCloseable c : undo) {
                try {
                    c.close();
                } catch (Exception ignored) {
                    // best effort while unwinding
                }
            }
            sessions.remove(s.id);
            throw e;
        }
    }

    private RelayLeg bindLeg(RelaySession s, String name, SdesConfig cfg, List<AutoCloseable> undo) throws IOException {
        for (int attempt = 0; attempt < ports.capacity(); attempt++) {
            int port = ports.allocate();
            if (port < 0) {
                break;
            }
            DatagramChannel rtp = null;
            DatagramChannel rtcp = null;
            try {
                rtp = open(port);
                rtcp = open(port + 1);
            } catch (IOException e) {
                // taken by another process: skip this pair (the cursor has moved past it)
                closeQuietly(rtp);
                closeQuietly(rtcp);
                ports.release(port);
                continue;
            }
            DatagramChannel r1 = rtp;
            DatagramChannel r2 = rtcp;
            undo.add(() -> {
                closeQuietly(r1);
                closeQuietly(r2);
                ports.release(port);
            });
            InetSocketAddress pubRtp = new InetSocketAddress(config.publicAddress(), port);
            InetSocketAddress pubRtcp = new InetSocketAddress(config.publicAddress(), port + 1);
            return new RelayLeg(s, name, cfg, port, rtp, rtcp, pubRtp, pubRtcp);
        }
        throw new IOException("media port range " + config.portMin() + "-" + config.portMax() + " exhausted");
    }

    private DatagramChannel open(int port) throws IOException {
        DatagramChannel ch = DatagramChannel.open(config.bindAddress() instanceof java.net.Inet6Address
                ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
        try {
            ch.setOption(StandardSocketOptions.SO_RCVBUF, 1 << 20);
            ch.setOption(StandardSocketOptions.SO_SNDBUF, 1 << 20);
            ch.bind(new InetSocketAddress(config.bindAddress(), port));
            ch.configureBlocking(false);
            return ch;
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    static void closeQuietly(DatagramChannel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // nothing more to release
            }
        }
    }

    /** Called once the session's sockets are closed. */
    void released(RelaySession s) {
        RelayTotals last = RelayTotals.ZERO;
        try {
            last = last.plus(s.a.stats()).plus(s.b.stats());
        } catch (RuntimeException e) {
            // the I/O thread is gone (shutdown): the session's last counters are lost to the totals, nothing else
        }
        synchronized (this) {
            closedTotals = closedTotals.plus(last);
        }
        sessions.remove(s.id);
        ports.release(s.a.rtpPort);
        ports.release(s.b.rtpPort);
    }

    void raiseTimeout(RelaySession s) {
        events.execute(() -> listener.mediaTimeout(s.id));
    }

    /** The open session with this id (live packet counters for the console), if any. */
    public java.util.Optional<RelaySession> session(String id) {
        return java.util.Optional.ofNullable(id == null ? null : sessions.get(id));
    }

    /** Counters since start: the sessions already closed plus the open ones now (for metrics, read on demand). */
    public RelayTotals totals() {
        RelayTotals t;
        synchronized (this) {
            t = closedTotals;
        }
        for (RelaySession s : List.copyOf(sessions.values())) {
            try {
                t = t.plus(s.a.stats()).plus(s.b.stats());
            } catch (RuntimeException e) {
                // closed meanwhile: its counters are in closedTotals or will be
            }
        }
        return t;
    }

    /** Open sessions. */
    public int sessionCount() {
        return sessions.size();
    }

    /** Port pairs in use (two per session). */
    public int portPairsInUse() {
        return ports.inUse();
    }

    /** Shutdown: closes every session (ports and keys released) and stops the threads. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (RelaySession s : List.copyOf(sessions.values())) {
            s.close();
        }
        for (IoThread t : threads) {
            t.shutdown();
        }
        events.shutdown();
    }
}
