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
        engine.close();
        assertEquals(0, engine.portPairsInUse());
        for (int p = PORT_MIN; p <= PORT_MAX; p++) {
            new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), p)).close();
        }
    }
}
