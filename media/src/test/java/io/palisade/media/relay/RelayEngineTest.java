// Copyright (C) the Palisade authors. SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.media.relay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.palisade.media.sdes.MediaSecurity;
import io.palisade.media.sdes.SdesConfig;
import io.palisade.media.sdes.SdesLimits;
import io.palisade.media.sdes.SdesOffer;
import io.palisade.media.sdes.SdesOutcome;
import io.palisade.media.sdes.SessionParams;
import io.palisade.media.sdes.SrtpSuite;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RelayEngineTest {
    private static final int PORT_MIN = 31000;
    private static final int PORT_MAX = 31099;
    private final BlockingQueue<String> timeouts = new ArrayBlockingQueue<>(16);
    private RelayEngine engine;
    private Phone a;
    private Phone b;

    @BeforeEach
    void start() throws IOException {
        engine = RelayEngine.start(RelayConfig.loopback(PORT_MIN, PORT_MAX, 2, Duration.ofMillis(400)), timeouts::add);
        a = new Phone();
        b = new Phone();
        b.ssrc = 0x5555aaaa;
    }

    @AfterEach
    void stop() {
        a.close();
        b.close();
        engine.close();
    }

    /** Caller A offers SRTP, the relay offers SRTP to callee B, B answers. */
    private RelaySession secureCall(SrtpSuite suite) throws IOException {
        RelaySession s = engine.openSession(SdesConfig.DEFAULT, SdesConfig.DEFAULT);
        var answerToA = assertInstanceOf(SdesOutcome.Secure.class, s.a().answerOffer(a.media(a.cryptoLine(suite))));
        a.relayKey(answerToA.local().toSdpValue());
        SdesOffer offerToB = s.b().createOffer();
        String chosen = offerToB.lines().stream().filter(l -> l.contains(" " + suite.name() + " ")).findFirst().orElseThrow();
        b.relayKey(chosen);
        assertInstanceOf(SdesOutcome.Secure.class, s.b().acceptAnswer(offerToB, b.media(b.cryptoLine(suite))));
        return s;
    }

    @Test
    void srtpToSrtpBothWaysWithSeparateKeysPerLeg() throws IOException {
        RelaySession s = secureCall(SrtpSuite.AES_CM_128_HMAC_SHA1_80);
        for (int i = 0; i < 20; i++) {
            byte[] sent = a.nextPacket(i);
            a.sendRaw(sent, s.a().localRtp());
            byte[] got = b.receive();
            assertEquals(Phone.rtp(i, a.ssrc, 160, i).length, got.length);
            assertArrayEquals(Phone.rtp(i, a.ssrc, 160, i), got);
            b.send(100 + i, s.b().localRtp());
            assertArrayEquals(Phone.rtp(i, b.ssrc, 160, 100 + i), a.receive());
        }
        LegStats sa = s.a().stats();
        assertEquals(20, sa.packetsIn());
        assertEquals(20, sa.packetsOut());
        assertEquals(a.address(), sa.latchedRtp());
    }

    @Test
    void totalsCountRelayedAndRefusedPacketsOfOpenAndClosedSessions() throws IOException {
        assertEquals(0, engine.totals().packetsRelayed());
        RelaySession s = secureCall(SrtpSuite.AES_CM_128_HMAC_SHA1_80);
        for (int i = 0; i < 5; i++) {
            a.send(i, s.a().localRtp());
            b.receive();
        }
        byte[] tampered = a.nextPacket(5);
        tampered[20] ^= 1;
        a.sendRaw(tampered, s.a().localRtp());
        a.send(6, s.a().localRtp());
        b.receive(); // the genuine one after the forgery: the forgery was handled by then
        RelayTotals open = engine.totals();
        assertEquals(6, open.packetsRelayed());
        assertEquals(1, open.authFailures());
        s.close();
        RelayTotals closed = engine.totals();
        assertEquals(open, closed, "a closed session's counters stay in the totals");
        assertTrue(closed.bytesRelayed() >= 6 * 172L, "bytes: " + closed.bytesRelayed());
    }

    @Test
    void srtcpRelayedBothWaysWithSeparateKeysPerLeg() throws IOException {
        RelaySession s = secureCall(SrtpSuite.AES_CM_128_HMAC_SHA1_80);
        for (int i = 0; i < 5; i++) {
            byte[] rrFromA = Phone.receiverReport(a.ssrc, new long[] {b.ssrc, i, 10 + i, 100 + i});
            byte[] wireA = a.protectRtcp(rrFromA);
            a.sendRtcpRaw(wireA, s.a().localRtp());
            byte[] got = b.receiveRtcp(); // verified with the relay's key for leg B, not A's
            assertArrayEquals(rrFromA, got);
            byte[] srFromB = Phone.senderReportWithSdes(b.ssrc, new long[] {a.ssrc, 2 * i, 20 + i, 200 + i});
            b.sendRtcpRaw(b.protectRtcp(srFromB), s.b().localRtp());
            assertArrayEquals(srFromB, a.receiveRtcp());
        }
        // what B received is not what A sent: each leg has its own SRTCP key
        byte[] wire = a.protectRtcp(Phone.receiverReport(a.ssrc));
        a.sendRtcpRaw(wire, s.a().localRtp());
        byte[] buf = new byte[2048];
        java.net.DatagramPacket dp = new java.net.DatagramPacket(buf, buf.length);
        b.socket.receive(dp);
        assertTrue(!java.util.Arrays.equals(wire, java.util.Arrays.copyOf(buf, dp.getLength())));
        LegStats sa = s.a().stats();
        LegStats sb = s.b().stats();
        assertEquals(6, sa.rtcpIn());
        assertEquals(5, sb.rtcpIn());
        assertEquals(0, sa.authFailures() + sb.authFailures());
    }

    @Test
    void srtcpWithABadTagIsDroppedCountedAndNeverRelayed() throws IOException {
        RelaySession s = secureCall(SrtpSuite.AES_CM_128_HMAC_SHA1_32); // SRTCP keeps an 80-bit tag (RFC 4568 6.2)
        byte[] good = a.protectRtcp(Phone.receiverReport(a.ssrc, new long[] {b.ssrc, 1, 2, 3}));
        byte[] badTag = good.clone();
        badTag[badTag.length - 1] ^= 1;
        byte[] badIndex = good.clone();
        badIndex[badIndex.length - 11] ^= 1; // the SRTCP index is authenticated too
        byte[] badBody = good.clone();
        badBody[10] ^= 0x40;
        a.sendRtcpRaw(badTag, s.a().localRtp());
        a.sendRtcpRaw(badIndex, s.a().localRtp());
        a.sendRtcpRaw(badBody, s.a().localRtp());
        try (Phone attacker = new Phone()) {
            attacker.cryptoLine(SrtpSuite.AES_CM_128_HMAC_SHA1_32);
            attacker.sendRtcpRaw(attacker.protectRtcp(Phone.receiverReport(a.ssrc, new long[] {b.ssrc, 9, 9, 9})),
                    s.a().localRtp());
        }
        assertTrue(b.silentFor(200), "no forged SRTCP reaches B");
        LegStats st = awaitStats(s.a(), x -> x.authFailures() == 4);
        assertEquals(0, st.rtcpIn());
        assertEquals(0, st.reports(), "a forged report does not set the loss counters");
        assertEquals(-1, st.jitter());
        assertNull(st.latchedRtp());
        // the genuine one still passes afterwards, and a replay of it does not
        a.sendRtcpRaw(good, s.a().localRtp());
        assertArrayEquals(Phone.receiverReport(a.ssrc, new long[] {b.ssrc, 1, 2, 3}), b.receiveRtcp());
        a.sendRtcpRaw(good, s.a().localRtp());
        assertTrue(b.silentFor(200));
        assertEquals(1, awaitStats(s.a(), x -> x.replays() == 1).rtcpIn());
    }

    @Test
    void lossAndJitterComeFromTheReportsEachPeerSends() throws IOException {
        RelaySession s = secureCall(SrtpSuite.AES_CM_128_HMAC_SHA1_80);
        assertEquals(-1, s.a().stats().jitter(), "no report yet");
        // A reports on B's stream: two blocks, the last one is B's (the relay passes SSRCs through)
        a.sendRtcpRaw(a.protectRtcp(Phone.receiverReport(a.ssrc, new long[] {0x77777777, 1, 1, 1},
                new long[] {b.ssrc, 25, 300, 480})), s.a().localRtp());
        b.receiveRtcp();
        // B sends a sender report with one block on A's stream, then SDES in the same compound packet
        b.sendRtcpRaw(b.protectRtcp(Phone.senderReportWithSdes(b.ssrc, new long[] {a.ssrc, 51, 7, 40})),
                s.b().localRtp());
        a.receiveRtcp();
        LegStats sa = awaitStats(s.a(), x -> x.reports() == 1);
        assertEquals(25, sa.fractionLost());
        assertEquals(300, sa.cumulativeLost());
        assertEquals(480, sa.jitter());
        LegStats sb = awaitStats(s.b(), x -> x.reports() == 1);
        assertEquals(51, sb.fractionLost());
        assertEquals(7, sb.cumulativeLost());
        assertEquals(40, sb.jitter());
        // a later report replaces the figures
        a.sendRtcpRaw(a.protectRtcp(Phone.receiverReport(a.ssrc, new long[] {b.ssrc, 0, 301, 90})), s.a().localRtp());
        b.receiveRtcp();
        sa = awaitStats(s.a(), x -> x.reports() == 2);
        assertEquals(0, sa.fractionLost());
        assertEquals(301, sa.cumulativeLost());
        assertEquals(90, sa.jitter());
    }

    @Test
    void rtcpOnItsOwnPortOnOneLegAndMultiplexedOnTheOther() throws IOException {
        a.withRtcpSocket(); // A: RTCP on a separate port; B: rtcp-mux (RFC 5761)
        RelaySession s = secureCall(SrtpSuite.AES_CM_128_HMAC_SHA1_80);
        assertEquals(s.a().localRtp().getPort() + 1, s.a().localRtcp().getPort());
        byte[] rr = Phone.receiverReport(a.ssrc, new long[] {b.ssrc, 4, 5, 6});
        a.sendRtcpRaw(a.protectRtcp(rr), s.a().localRtcp());
        assertArrayEquals(rr, b.receiveRtcp(), "A's RTCP port -> B's RTP port (muxed)");
        byte[] sr = Phone.senderReportWithSdes(b.ssrc, new long[] {a.ssrc, 1, 2, 3});
        b.sendRtcpRaw(b.protectRtcp(sr), s.b().localRtp());
        assertArrayEquals(sr, a.receiveRtcp(), "B's muxed RTCP -> A's RTCP port");
        assertTrue(a.silentFor(100), "nothing arrived on A's RTP port");
        // RTP and RTCP share B's socket: each is told apart by its packet type and both still flow
        a.send(1, s.a().localRtp());
        assertArrayEquals(Phone.rtp(0, a.ssrc, 160, 1), b.receive());
        b.send(2, s.b().localRtp());
        assertArrayEquals(Phone.rtp(0, b.ssrc, 160, 2), a.receive());
        LegStats sa = s.a().stats();
        assertEquals(1, sa.rtcpIn());
        assertEquals(2, sa.packetsIn());
        assertEquals(1, s.b().stats().rtcpIn());
    }

    @Test
    void unencryptedSrtpLegIsAuthenticatedInClearAndTheOtherLegStaysEncrypted() throws IOException {
        SessionParams clear = new SessionParams(true, true, false, -1, -1, false, false);
        RelaySession s = engine.openSession(SdesConfig.DEFAULT.withUnencryptedSrtp(true), SdesConfig.DEFAULT);
        var ans = assertInstanceOf(SdesOutcome.Secure.class,
                s.a().answerOffer(a.media(a.cryptoLine(SrtpSuite.AES_CM_128_HMAC_SHA1_80, clear))));
        assertTrue(ans.local().params().unencryptedSrtp() && ans.local().params().unencryptedSrtcp());
        a.relayKey(ans.local().toSdpValue());
        SdesOffer offer = s.b().createOffer();
        assertTrue(offer.lines().stream().noneMatch(l -> l.contains("UNENCRYPTED")), "B's leg is offered encryption");
        b.relayKey(offer.lines().get(0));
        s.b().acceptAnswer(offer, b.media(b.cryptoLine(SrtpSuite.AES_CM_128_HMAC_SHA1_80)));

        byte[] plain = Phone.rtp(0, a.ssrc, 160, 0x11);
        byte[] wire = a.send(0x11, s.a().localRtp());
        assertArrayEquals(plain, java.util.Arrays.copyOf(wire, plain.length), "A sends its payload in clear");
        assertArrayEquals(plain, b.receive(), "B receives it encrypted with B's key and decrypts it");
        // B -> A: the relay authenticates toward A but leaves the payload clear
        b.send(0x22, s.b().localRtp());
        byte[] buf = new byte[2048];
        java.net.DatagramPacket dp = new java.net.DatagramPacket(buf, buf.length);
        a.socket.receive(dp);
        byte[] toA = java.util.Arrays.copyOf(buf, dp.getLength());
        byte[] plainB = Phone.rtp(0, b.ssrc, 160, 0x22);
        assertEquals(plainB.length + 10, toA.length);
        assertArrayEquals(plainB, java.util.Arrays.copyOf(toA, plainB.length));
        io.palisade.media.srtp.PacketBuffer pb = new io.palisade.media.srtp.PacketBuffer(512).load(toA, 0, toA.length);
        assertEquals(io.palisade.media.srtp.SrtpStatus.OK, a.rx.unprotectRtp(pb), "tagged with the relay's key for A");
        // a clear packet changed on the way is still refused
        byte[] tampered = a.nextPacket(0x33);
        tampered[40] ^= 1;
        a.sendRaw(tampered, s.a().localRtp());
        assertTrue(b.silentFor(200));
        assertEquals(1, awaitStats(s.a(), x -> x.authFailures() == 1).authFailures());
        // SRTCP both ways: clear with E=0 on A's leg, encrypted on B's
        byte[] rr = Phone.receiverReport(a.ssrc, new long[] {b.ssrc, 1, 2, 3});
        byte[] rrWire = a.protectRtcp(rr);
        assertEquals(0, rrWire[rr.length] & 0x80, "E flag 0");
        a.sendRtcpRaw(rrWire, s.a().localRtp());
        assertArrayEquals(rr, b.receiveRtcp());
        byte[] sr = Phone.senderReportWithSdes(b.ssrc, new long[] {a.ssrc, 4, 5, 6});
        b.sendRtcpRaw(b.protectRtcp(sr), s.b().localRtp());
        assertArrayEquals(sr, a.receiveRtcp());
        assertEquals(3, s.a().stats().jitter(), "A's clear SRTCP report was read");
        assertEquals(6, s.b().stats().jitter());
    }

    @Test
    void gcmSuitesRelayToo() throws IOException {
        RelaySession s = secureCall(SrtpSuite.AEAD_AES_256_GCM);
        a.send(1, s.a().localRtp());
        assertArrayEquals(Phone.rtp(0, a.ssrc, 160, 1), b.receive());
    }

    @Test
    void srtpToPlainRtpWherePolicyAllows() throws IOException {
        SdesConfig legacy = new SdesConfig(List.of(), MediaSecurity.RTP_ONLY, SdesLimits.DEFAULT);
        RelaySession s = engine.openSession(SdesConfig.DEFAULT, legacy);
        var ans = assertInstanceOf(SdesOutcome.Secure.class,
                s.a().answerOffer(a.media(a.cryptoLine(SrtpSuite.AES_CM_128_HMAC_SHA1_80))));
        a.relayKey(ans.local().toSdpValue());
        SdesOffer offer = s.b().createOffer();
        assertTrue(offer.lines().isEmpty());
        assertInstanceOf(SdesOutcome.Plain.class, s.b().acceptAnswer(offer, b.media(null)));
        byte[] sent = a.send(7, s.a().localRtp());
        byte[] plain = b.receive();
        assertArrayEquals(Phone.rtp(0, a.ssrc, 160, 7), plain, "decrypted for the legacy leg");
        assertTrue(sent.length > plain.length);
        b.send(9, s.b().localRtp());
        assertArrayEquals(Phone.rtp(0, b.ssrc, 160, 9), a.receive(), "encrypted toward the SRTP leg");
    }

    @Test
    void latchesOnTheFirstAuthenticatedPacketNotOnForgeries() throws IOException {
        RelaySession s = engine.openSession(SdesConfig.DEFAULT, SdesConfig.DEFAULT);
        // A's SDP names a stale address (NAT): the relay must learn the real one
        InetSocketAddress stale = new InetSocketAddress(InetAddress.getLoopbackAddress(), 9);
        String aLine = a.cryptoLine(SrtpSuite.AES_CM_128_HMAC_SHA1_80);
        var ans = assertInstanceOf(SdesOutcome.Secure.class,
                s.a().answerOffer(RemoteMedia.of(stale, true, true, List.of(aLine))));
        a.relayKey(ans.local().toSdpValue());
        SdesOffer offer = s.b().createOffer();
        b.relayKey(offer.lines().get(0));
        s.b().acceptAnswer(offer, b.media(b.cryptoLine(SrtpSuite.AES_CM_128_HMAC_SHA1_80)));

        try (Phone attacker = new Phone()) {
            attacker.cryptoLine(SrtpSuite.AES_CM_128_HMAC_SHA1_80); // a key the relay never saw
            attacker.ssrc = a.ssrc;
            attacker.send(66, s.a().localRtp());
            byte[] tampered = a.nextPacket(1);
            tampered[20] ^= 1;
            attacker.sendRaw(tampered, s.a().localRtp());
            a.send(2, s.a().localRtp());
            // the first packet B sees is A's genuine one: the forgeries were dropped
            assertArrayEquals(Phone.rtp(1, a.ssrc, 160, 2), b.receive());
            LegStats st = s.a().stats();
            assertEquals(2, st.authFailures());
            assertEquals(a.address(), st.latchedRtp(), "latched to A, not to the attacker");
            // after latching, even a valid packet from elsewhere is not relayed
            attacker.sendRaw(a.nextPacket(3), s.a().localRtp());
            a.send(4, s.a().localRtp());
            assertArrayEquals(Phone.rtp(3, a.ssrc, 160, 4), b.receive());
            assertEquals(1, s.a().stats().foreignSource());
        }
        // B -> A goes to the latched address, not the stale SDP one
        b.send(5, s.b().localRtp());
        assertArrayEquals(Phone.rtp(0, b.ssrc, 160, 5), a.receive());
    }

    @Test
    void forgeryBeforeAnyGenuinePacketDoesNotLatch() throws IOException {
        RelaySession s = secureCall(SrtpSuite.AES_CM_128_HMAC_SHA1_80);
        try (Phone attacker = new Phone()) {
            attacker.cryptoLine(SrtpSuite.AES_CM_128_HMAC_SHA1_80);
            attacker.send(1, s.a().localRtp());
            b.send(2, s.b().localRtp()); // round trip through the same I/O thread orders the check
            a.receive();
            assertNull(s.a().stats().latchedRtp());
            assertEquals(1, s.a().stats().authFailures());
            assertTrue(attacker.silentFor(200), "nothing is relayed to a forger");
        }
    }

    @Test
    void replayedPacketIsDropped() throws IOException {
        RelaySession s = secureCall(SrtpSuite.AES_CM_128_HMAC_SHA1_80);
        byte[] p1 = a.nextPacket(1);
        a.sendRaw(p1, s.a().localRtp());
        a.sendRaw(p1, s.a().localRtp());
        a.send(2, s.a().localRtp());
        assertArrayEquals(Phone.rtp(0, a.ssrc, 160, 1), b.receive());
        assertArrayEquals(Phone.rtp(1, a.ssrc, 160, 2), b.receive(), "the replay never reached B");
        assertEquals(1, s.a().stats().replays());
    }

    @Test
    void sequenceRolloverKeepsAudio() throws IOException {
        RelaySession s = secureCall(SrtpSuite.AES_CM_128_HMAC_SHA1_80);
        a.seq = 65_500;
        for (int i = 0; i < 100; i++) {
            int seq = a.seq & 0xffff;
            a.send(i, s.a().localRtp());
            assertArrayEquals(Phone.rtp(seq, a.ssrc, 160, i), b.receive(), "packet " + i);
        }
        assertEquals(100, s.a().stats().packetsIn());
    }

    @Test
    void rekeyResetsReplayStateButSameKeyReofferKeepsIt() throws IOException {
        RelaySession s = secureCall(SrtpSuite.AES_CM_128_HMAC_SHA1_80);
        a.seq = 1000;
        byte[] old = a.send(1, s.a().localRtp());
        b.receive();
        // hold/refresh re-offer with the same key: state kept, the old packet is still a replay
        s.a().answerOffer(a.media(a.myKey.toSdpValue()));
        a.sendRaw(old, s.a().localRtp());
        a.send(2, s.a().localRtp());
        assertArrayEquals(Phone.rtp(1001, a.ssrc, 160, 2), b.receive());
        assertEquals(1, s.a().stats().replays());
        // new key from A and its sequence restarts: a fresh context accepts it
        var ans = assertInstanceOf(SdesOutcome.Secure.class,
                s.a().answerOffer(a.media(a.cryptoLine(SrtpSuite.AES_CM_128_HMAC_SHA1_80))));
        a.relayKey(ans.local().toSdpValue());
        a.seq = 5;
        a.send(3, s.a().localRtp());
        // the relay accepts it (B's own replay window is B's business)
        LegStats st = awaitStats(s.a(), x -> x.packetsIn() == 3);
        assertEquals(1, st.replays());
        assertEquals(0, st.authFailures());
    }

    /** Polls a leg's counters until they satisfy {@code done}, for up to 3 s. */
    private static LegStats awaitStats(RelayLeg leg, java.util.function.Predicate<LegStats> done) {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        LegStats st = leg.stats();
        while (!done.test(st) && System.nanoTime() < end) {
            Thread.onSpinWait();
            st = leg.stats();
        }
        assertTrue(done.test(st), "counters never reached the expected state: " + st);
        return st;
    }

    @Test
    void mediaTimeoutRaisesAnEvent() throws Exception {
        RelaySession s = secureCall(SrtpSuite.AES_CM_128_HMAC_SHA1_80);
        assertEquals(s.id(), timeouts.poll(5, TimeUnit.SECONDS));
    }

    @Test
    void mediaKeepsTheTimeoutAwayAndSilenceBringsIt() throws Exception {
        RelaySession s = secureCall(SrtpSuite.AES_CM_128_HMAC_SHA1_80);
        // three timeout intervals (400 ms) of media, a packet every 100 ms: the activity time must follow the packets
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1200);
        for (int i = 0; System.nanoTime() < end; i++) {
            a.send(i, s.a().localRtp());
            b.receive();
            assertNull(timeouts.poll(100, TimeUnit.MILLISECONDS), "no media timeout while media flows");
        }
        assertEquals(s.id(), timeouts.poll(5, TimeUnit.SECONDS), "raised once the media stopped");
    }

    @Test
    void aRestartedTimeoutIsRaisedAgainAfterTheFullInterval() throws Exception {
        RelaySession s = secureCall(SrtpSuite.AES_CM_128_HMAC_SHA1_80);
        assertEquals(s.id(), timeouts.poll(5, TimeUnit.SECONDS));
        long t0 = System.nanoTime();
        s.restartTimeout(); // the call was answered: silence while it rang does not count
        assertEquals(s.id(), timeouts.poll(5, TimeUnit.SECONDS), "raised again once the interval passed anew");
        assertTrue(System.nanoTime() - t0 >= TimeUnit.MILLISECONDS.toNanos(400), "not before the full interval");
    }

    @Test
    void aReofferIsCheckedWithoutTouchingTheLegsKeys() throws IOException {
        RelaySession s = secureCall(SrtpSuite.AES_CM_128_HMAC_SHA1_80);
        a.send(1, s.a().localRtp());
        assertArrayEquals(Phone.rtp(0, a.ssrc, 160, 1), b.receive());
        assertTrue(s.a().refusal(a.media(a.myKey.toSdpValue())).isEmpty(), "the same offer again is acceptable");
        assertTrue(s.a().refusal(a.media(null)).isPresent(), "plain RTP on an SRTP-required leg is refused");
        // the checks changed nothing: media still flows with the keys in use
        a.send(2, s.a().localRtp());
        assertArrayEquals(Phone.rtp(1, a.ssrc, 160, 2), b.receive());
        b.send(3, s.b().localRtp());
        assertArrayEquals(Phone.rtp(0, b.ssrc, 160, 3), a.receive());
    }

    @Test
    void hangingUpOneCallLosesNoPacketOfAnotherOnTheSameThread() throws IOException {
        RelaySession kept = secureCall(SrtpSuite.AES_CM_128_HMAC_SHA1_80);
        int fill = 0;
        for (int round = 0; round < 20; round++) {
            // two more sessions: the I/O threads take sessions in turn, so one of them shares the kept call's thread
            RelaySession x = engine.openSession(SdesConfig.DEFAULT, SdesConfig.DEFAULT);
            RelaySession y = engine.openSession(SdesConfig.DEFAULT, SdesConfig.DEFAULT);
            assertTrue(x.io == kept.io || y.io == kept.io, "a hung-up session shares the kept call's I/O thread");
            // packets of the kept call wait in its socket, or are being relayed, while the others hang up
            for (int i = 0; i < 10; i++) {
                a.send(fill + i, kept.a().localRtp());
            }
            x.close();
            y.close();
            for (int i = 0; i < 10; i++) {
                assertArrayEquals(Phone.rtp(fill + i, a.ssrc, 160, fill + i), b.receive(), "round " + round + " packet " + i);
            }
            fill += 10;
        }
        assertEquals(200, kept.a().stats().packetsIn());
        assertEquals(200, kept.b().stats().packetsOut());
    }

    @Test
    void portsAreReleasedOnHangUpOnFailureAndOnShutdown() throws IOException {
        RelaySession s = secureCall(SrtpSuite.AES_CM_128_HMAC_SHA1_80);
        int port = s.a().localRtp().getPort();
        assertEquals(2, engine.portPairsInUse());
        s.close();
        s.close();
        assertEquals(0, engine.portPairsInUse());
        assertEquals(0, engine.sessionCount());
        new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), port)).close();

        // exhaust the range: the failing allocation leaks nothing
        List<RelaySession> all = new java.util.ArrayList<>();
        IOException full = assertThrows(IOException.class, () -> {
            while (true) {
                all.add(engine.openSession(SdesConfig.DEFAULT, SdesConfig.DEFAULT));
            }
        });
        assertTrue(full.getMessage().contains("exhausted"));
        assertEquals(all.size() * 2, engine.portPairsInUse());
        List<Integer> held = new java.util.ArrayList<>();
        for (RelaySession x : all) {
            for (RelayLeg leg : List.of(x.a(), x.b())) {
                held.add(leg.localRtp().getPort());
                held.add(leg.localRtcp().getPort());
            }
        }
        engine.close();
        assertEquals(0, engine.portPairsInUse());
        // every port the relay held is free again (not the whole range: on a shared machine another
        // process may hold a port in it, which the relay skips)
        for (int p : held) {
            new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), p)).close();
        }
    }
}
