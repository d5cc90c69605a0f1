// Copyright (C) the Palisade authors. SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.media.relay;

/**
 * Two legs whose media the relay joins: packets from leg A's peer go, re-protected with leg B's
 * keys, to leg B's peer, and back. Close it on hang-up: ports and keys are released.
 */
public final class RelaySession implements AutoCloseable {
    final RelayEngine engine;
    final IoThread io;
    final String id;
    RelayLeg a;
    RelayLeg b;
    long lastActivityNanos;
    boolean timeoutRaised;
    private volatile boolean closed;

    RelaySession(RelayEngine engine, IoThread io, String id) {
        this.engine = engine;
        this.io = io;
        this.id = id;
        this.lastActivityNanos = System.nanoTime();
    }

    public String id() {
        return id;
    }

    /** The leg toward the caller (by convention; the relay is symmetric). */
    public RelayLeg a() {
        return a;
    }

    public RelayLeg b() {
        return b;
    }

    /**
     * Counts the media timeout from now, and raises it again if it comes: the call was just answered, and silence
     * while it rang (no early media) says nothing about the call.
     */
    public void restartTimeout() {
        if (closed) {
            return;
        }
        io.call(() -> {
            lastActivityNanos = System.nanoTime();
            timeoutRaised = false;
            return null;
        });
    }

    public boolean isClosed() {
        return closed;
    }

    /** Hang-up: unregisters the sockets, closes them, zeroes keys, returns the ports. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        io.call(() -> {
            io.detach(this);
            return null;
        });
        a.destroyKeys();
        b.destroyKeys();
        engine.released(this);
    }

    @Override
    public String toString() {
        return "RelaySession[" + id + "]";
    }
}
