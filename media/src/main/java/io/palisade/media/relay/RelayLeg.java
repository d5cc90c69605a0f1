// Copyright (C) the Palisade authors. SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.media.relay;

import io.palisade.media.sdes.CryptoAttribute;
import io.palisade.media.sdes.MediaSecurity;
import io.palisade.media.sdes.SdesConfig;
import io.palisade.media.sdes.SdesNegotiator;
import io.palisade.media.sdes.SdesOffer;
import io.palisade.media.sdes.SdesOutcome;
import io.palisade.media.srtp.SrtpStream;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;

/**
 * One call leg of a relay session: its local ports, its SDES state and its SRTP streams. The
 * negotiation methods may be called from any thread; the packet state is changed only on the
 * session's I/O thread (the methods hand it over and wait).
 */
public final class RelayLeg {
    final RelaySession session;
    final String name;
    final SdesNegotiator negotiator;
    final int rtpPort;
    final DatagramChannel rtpChannel;
    final DatagramChannel rtcpChannel;
    final InetSocketAddress localRtp;
    final InetSocketAddress localRtcp;
    RelayLeg peer;

    // --- owned by the I/O thread ---
    SrtpStream rx;
    SrtpStream tx;
    boolean ready;
    boolean rtcpMux;
    InetSocketAddress destRtp;
    InetSocketAddress destRtcp;
    InetSocketAddress latchedRtp;
    InetSocketAddress latchedRtcp;
    long packetsIn;
    long bytesIn;
    long packetsOut;
    long bytesOut;
    long authFailures;
    long replays;
    long invalid;
    long notReady;
    long foreign;
    long sendFailures;
    int fractionLost;
    int cumulativeLost;
    long jitter = -1;
    long rtcpIn;
    long reports;

    // --- negotiation state, guarded by this ---
    private CryptoAttribute local;
    private CryptoAttribute remote;

    RelayLeg(RelaySession session, String name, SdesConfig config, int rtpPort, DatagramChannel rtp, DatagramChannel rtcp,
            InetSocketAddress localRtp, InetSocketAddress localRtcp) {
        this.session = session;
        this.name = name;
        this.negotiator = new SdesNegotiator(config);
        this.rtpPort = rtpPort;
        this.rtpChannel = rtp;
        this.rtcpChannel = rtcp;
        this.localRtp = localRtp;
        this.localRtcp = localRtcp;
    }

    /** Our RTP address and port, for the SDP we send on this leg (RTCP is port + 1 unless rtcp-mux). */
    public InetSocketAddress localRtp() {
        return localRtp;
    }

    public InetSocketAddress localRtcp() {
        return localRtcp;
    }

    /**
     * The peer on this leg sent an offer: answer it. On {@link SdesOutcome.Secure} put
     * {@code local().toSdpValue()} in the answer's {@code a=crypto}; on {@link SdesOutcome.Failed}
     * reject the call (488) and log the diagnostic.
     */
    public synchronized SdesOutcome answerOffer(RemoteMedia media) {
        SdesOutcome out = negotiator.answer(media.secureProfile(), media.cryptoLines(), local);
        apply(out, media);
        return out;
    }

    /**
     * Whether an offer from this leg's peer would be refused, without applying anything: a re-offer is checked
     * before it is forwarded, and answered ({@link #answerOffer}) only once the other party accepted it.
     *
     * @return the diagnostic of the refusal, or empty when the offer is acceptable
     */
    public synchronized java.util.Optional<String> refusal(RemoteMedia media) {
        SdesOutcome out = negotiator.answer(media.secureProfile(), media.cryptoLines(), local);
        if (out instanceof SdesOutcome.Failed f) {
            return java.util.Optional.of(f.diagnostic());
        }
        if (out instanceof SdesOutcome.Secure s) {
            s.remote().destroy();
            if (local == null || s.local().key() != local.key()) {
                s.local().destroy(); // a fresh key made for the check; a key shared with the current one stays
            }
        }
        return java.util.Optional.empty();
    }

    /** Makes an offer for this leg (keys kept from the current one when the suite is still offered). */
    public synchronized SdesOffer createOffer() {
        return negotiator.offer(local);
    }

    /** The peer on this leg answered our offer. */
    public synchronized SdesOutcome acceptAnswer(SdesOffer offer, RemoteMedia media) {
        SdesOutcome out = offer.accept(media.secureProfile(), media.cryptoLines());
        apply(out, media);
        return out;
    }

    /** Current counters of this leg. */
    public LegStats stats() {
        return session.io.call(() -> new LegStats(packetsIn, bytesIn, packetsOut, bytesOut, authFailures, replays, invalid,
                notReady, foreign, sendFailures, fractionLost, cumulativeLost, jitter, latchedRtp, rtcpIn, reports));
    }

    private void apply(SdesOutcome out, RemoteMedia media) {
        if (out instanceof SdesOutcome.Failed) {
            return; // the previous state (if any) stays: a failed re-offer does not tear down media
        }
        if (out instanceof SdesOutcome.Plain && !session.engine.config.allowPlainRtp()
                && negotiator.config().security() != MediaSecurity.RTP_ONLY) {
            return;
        }
        CryptoAttribute newRemote = out instanceof SdesOutcome.Secure s ? s.remote() : null;
        CryptoAttribute newLocal = out instanceof SdesOutcome.Secure s ? s.local() : null;
        boolean rekeyRx = newRemote == null || !newRemote.sameKeyingAs(remote);
        boolean rekeyTx = newLocal == null || !newLocal.sameKeyingAs(local);
        SrtpStream newRx = rekeyRx && newRemote != null ? SrtpStream.receiver(newRemote.suite(), newRemote.key(), newRemote.params()) : null;
        SrtpStream newTx = rekeyTx && newLocal != null ? SrtpStream.sender(newLocal.suite(), newLocal.key(), newLocal.params()) : null;
        CryptoAttribute oldRemote = remote;
        CryptoAttribute oldLocal = local;
        if (newRemote != null && !rekeyRx) {
            newRemote.destroy(); // same key as the one in use: keep the old attribute and the stream's ROC
            newRemote = oldRemote;
        }
        remote = newRemote;
        local = newLocal;
        if (rekeyRx && oldRemote != null) {
            oldRemote.destroy();
        }
        if (rekeyTx && oldLocal != null && (newLocal == null || oldLocal.key() != newLocal.key())) {
            oldLocal.destroy();
        }
        boolean mux = media.rtcpMux();
        InetSocketAddress rtp = media.rtp();
        InetSocketAddress rtcp = media.rtcp();
        session.io.call(() -> {
            if (rekeyRx) {
                if (rx != null) {
                    rx.close();
                }
                rx = newRx;
            }
            if (rekeyTx) {
                if (tx != null) {
                    tx.close();
                }
                tx = newTx;
            }
            if (rtp != null && !rtp.equals(destRtp)) {
                // the peer moved (re-INVITE): learn its address again from authenticated packets
                latchedRtp = null;
                latchedRtcp = null;
            }
            destRtp = rtp;
            destRtcp = rtcp;
            rtcpMux = mux;
            ready = true;
            return null;
        });
    }

    /** Releases keys; called on the I/O thread when the session closes. */
    void closeCrypto() {
        if (rx != null) {
            rx.close();
            rx = null;
        }
        if (tx != null) {
            tx.close();
            tx = null;
        }
        ready = false;
    }

    /** Zeroes the negotiated keys; called by the closing thread after the I/O thread let go. */
    synchronized void destroyKeys() {
        if (remote != null) {
            remote.destroy();
        }
        if (local != null) {
            local.destroy();
        }
        remote = null;
        local = null;
    }

    @Override
    public String toString() {
        return "RelayLeg[" + session.id + "/" + name + " " + localRtp + "]";
    }
}
