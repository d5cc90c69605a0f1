// Copyright (C) the Palisade authors. SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.media.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.palisade.media.sdes.CryptoAttribute;
import io.palisade.media.sdes.CryptoParse;
import io.palisade.media.sdes.CryptoParser;
import io.palisade.media.sdes.SdesConfig;
import io.palisade.media.sdes.SdesKeys;
import io.palisade.media.sdes.SdesOffer;
import io.palisade.media.sdes.SdesOutcome;
import io.palisade.media.sdes.SessionParams;
import io.palisade.media.sdes.SrtpSuite;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Interop with Debian's libsrtp2 (bin/install-test-deps installs libsrtp2-dev and gcc): a small C
 * peer protects packets with libsrtp, the relay verifies and re-protects them with the other
 * leg's key, and a second libsrtp peer verifies them; then the other direction.
 */
class LibsrtpInteropTest {
    private static final int COUNT = 200;
    private static Path peer;

    @BeforeAll
    static void build() throws Exception {
        Path src = Path.of("src/test/c/srtp_peer.c").toAbsolutePath();
        peer = Path.of("target/srtp_peer").toAbsolutePath();
        Process gcc = new ProcessBuilder("gcc", "-O2", "-o", peer.toString(), src.toString(), "-lsrtp2")
                .redirectErrorStream(true).start();
        String out = new String(gcc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(gcc.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, gcc.exitValue(), "gcc failed (run bin/install-test-deps for gcc and libsrtp2-dev): " + out);
    }

    private static String hexKey(CryptoAttribute a) {
        return HexFormat.of().formatHex(a.key().key()) + HexFormat.of().formatHex(a.key().salt());
    }

    @Test
    void libsrtpToRelayToLibsrtpBothDirections() throws Exception {
        int base = 33100;
        int peerA = base + 50;
        int peerB = base + 60;
        try (RelayEngine engine = RelayEngine.start(RelayConfig.loopback(base, base + 19, 1, Duration.ofSeconds(30)),
                MediaEventListener.NONE)) {
            RelaySession s = engine.openSession(SdesConfig.DEFAULT, SdesConfig.DEFAULT);
            InetAddress lo = InetAddress.getLoopbackAddress();
            CryptoAttribute aKey = SdesKeys.fresh(1, SrtpSuite.AES_CM_128_HMAC_SHA1_80, SessionParams.NONE);
            var toA = assertInstanceOf(SdesOutcome.Secure.class, s.a().answerOffer(
                    RemoteMedia.of(new InetSocketAddress(lo, peerA), true, true, List.of(aKey.toSdpValue()))));
            SdesOffer offer = s.b().createOffer();
            CryptoAttribute relayToB = ((CryptoParse.Ok) new CryptoParser().parse(offer.lines().get(0))).value();
            CryptoAttribute bKey = SdesKeys.fresh(1, SrtpSuite.AES_CM_128_HMAC_SHA1_80, SessionParams.NONE);
            assertInstanceOf(SdesOutcome.Secure.class, s.b().acceptAnswer(offer,
                    RemoteMedia.of(new InetSocketAddress(lo, peerB), true, true, List.of(bKey.toSdpValue()))));

            // A -> B: libsrtp protects with A's key, libsrtp verifies with the relay's key toward B
            String got = run(recv(hexKey(relayToB), peerB), send(hexKey(aKey), peerA, s.a().localRtp().getPort(), 0x11111111));
            assertEquals("ok " + COUNT + " bad 0", got);
            // B -> A
            got = run(recv(hexKey(toA.local()), peerA), send(hexKey(bKey), peerB, s.b().localRtp().getPort(), 0x22222222));
            assertEquals("ok " + COUNT + " bad 0", got);
            assertEquals(COUNT, s.a().stats().packetsIn());
            assertEquals(0, s.a().stats().authFailures());
        }
    }

    @Test
    void libsrtpNullCipherPeersMeetUnencryptedSrtpLegs() throws Exception {
        // RFC 4568 UNENCRYPTED_SRTP on both legs, against libsrtp's null-cipher + HMAC-SHA1-80 policy
        int base = 33200;
        int peerA = base + 50;
        int peerB = base + 60;
        SessionParams clear = new SessionParams(true, true, false, -1, -1, false, false);
        SdesConfig allowClear = SdesConfig.DEFAULT.withUnencryptedSrtp(true);
        try (RelayEngine engine = RelayEngine.start(RelayConfig.loopback(base, base + 19, 1, Duration.ofSeconds(30)),
                MediaEventListener.NONE)) {
            RelaySession s = engine.openSession(allowClear, allowClear);
            InetAddress lo = InetAddress.getLoopbackAddress();
            CryptoAttribute aKey = SdesKeys.fresh(1, SrtpSuite.AES_CM_128_HMAC_SHA1_80, clear);
            var toA = assertInstanceOf(SdesOutcome.Secure.class, s.a().answerOffer(
                    RemoteMedia.of(new InetSocketAddress(lo, peerA), true, true, List.of(aKey.toSdpValue()))));
            assertTrue(toA.local().params().unencryptedSrtp());
            // B offers too (as on a re-INVITE from B's side): the relay's own offers never ask for
            // clear media, and an answer that adds UNENCRYPTED_SRTP to them is refused by design
            CryptoAttribute bKey = SdesKeys.fresh(1, SrtpSuite.AES_CM_128_HMAC_SHA1_80, clear);
            var toB = assertInstanceOf(SdesOutcome.Secure.class, s.b().answerOffer(
                    RemoteMedia.of(new InetSocketAddress(lo, peerB), true, true, List.of(bKey.toSdpValue()))));
            Map<String, String> env = Map.of("SRTP_PEER_POLICY", "null_cipher_hmac_sha1_80");
            String got = run(recv(hexKey(toB.local()), peerB), send(hexKey(aKey), peerA, s.a().localRtp().getPort(),
                    0x11111111), env);
            assertEquals("ok " + COUNT + " bad 0", got);
            got = run(recv(hexKey(toA.local()), peerA), send(hexKey(bKey), peerB, s.b().localRtp().getPort(), 0x22222222),
                    env);
            assertEquals("ok " + COUNT + " bad 0", got);
            assertEquals(COUNT, s.a().stats().packetsIn());
            assertEquals(0, s.a().stats().authFailures() + s.b().stats().authFailures());
        }
    }

    private static List<String> recv(String key, int port) {
        return List.of(peer.toString(), "recv", key, Integer.toString(port), Integer.toString(COUNT));
    }

    private static List<String> send(String key, int local, int remote, int ssrc) {
        return List.of(peer.toString(), "send", key, Integer.toString(local), Integer.toString(remote),
                Integer.toString(COUNT), Integer.toString(ssrc));
    }

    /** Starts the receiver, waits for "ready", runs the sender, returns the receiver's verdict. */
    private static String run(List<String> receiver, List<String> sender) throws Exception {
        return run(receiver, sender, Map.of());
    }

    private static String run(List<String> receiver, List<String> sender, Map<String, String> env) throws Exception {
        ProcessBuilder rb = new ProcessBuilder(receiver).redirectError(ProcessBuilder.Redirect.INHERIT);
        rb.environment().putAll(env);
        Process r = rb.start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(r.getInputStream(), StandardCharsets.UTF_8))) {
            assertEquals("ready", out.readLine());
            ProcessBuilder sb = new ProcessBuilder(sender).redirectErrorStream(true).redirectOutput(new File("/dev/null"));
            sb.environment().putAll(env);
            Process snd = sb.start();
            assertTrue(snd.waitFor(30, TimeUnit.SECONDS));
            assertEquals(0, snd.exitValue());
            String verdict = out.readLine();
            assertTrue(r.waitFor(30, TimeUnit.SECONDS));
            return verdict;
        } finally {
            r.destroyForcibly();
        }
    }
}
