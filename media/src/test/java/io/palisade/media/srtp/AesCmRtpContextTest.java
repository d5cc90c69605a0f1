// Copyright (C) the Palisade authors. SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.media.srtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.palisade.media.sdes.SrtpSuite;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.logging.Level;
import org.jitsi.srtp.SrtpContextFactory;
import org.jitsi.srtp.SrtpCryptoContext;
import org.jitsi.srtp.SrtpErrorStatus;
import org.jitsi.utils.logging2.LoggerImpl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Our AES-CM + HMAC-SHA1 RTP context against jitsi-srtp, packet by packet: the same protected
 * bytes, and the same verdict (OK, replay, auth failure) with the same plaintext on hostile
 * sequences: reordering, duplicates, jumps across rollovers, late packets from before a rollover,
 * flipped bits, CSRCs and header extensions. (RFC 3711 B.3 through a whole packet is in
 * SrtpKnownAnswerTest, which now runs on this context.)
 */
class AesCmRtpContextTest {
    private static final LoggerImpl LOG = new LoggerImpl("test", Level.OFF);

    private static byte[] packet(Random r, int seq, int ssrc) {
        int csrcs = r.nextInt(8) == 0 ? 1 + r.nextInt(3) : 0;
        int extWords = r.nextInt(8) == 0 ? r.nextInt(3) : -1;
        int payload = r.nextInt(8) == 0 ? r.nextInt(40) : 160;
        int header = 12 + 4 * csrcs + (extWords >= 0 ? 4 + 4 * extWords : 0);
        byte[] p = new byte[header + payload];
        r.nextBytes(p);
        p[0] = (byte) (0x80 | (extWords >= 0 ? 0x10 : 0) | csrcs);
        p[2] = (byte) (seq >> 8);
        p[3] = (byte) seq;
        p[8] = (byte) (ssrc >> 24);
        p[9] = (byte) (ssrc >> 16);
        p[10] = (byte) (ssrc >> 8);
        p[11] = (byte) ssrc;
        if (extWords >= 0) {
            int e = 12 + 4 * csrcs;
            p[e + 2] = 0;
            p[e + 3] = (byte) extWords;
        }
        return p;
    }

    private static SrtpStatus map(SrtpErrorStatus s) {
        return switch (s) {
            case OK -> SrtpStatus.OK;
            case AUTH_FAIL -> SrtpStatus.AUTH_FAIL;
            case REPLAY_FAIL, REPLAY_OLD -> SrtpStatus.REPLAY;
            case INVALID_PACKET -> SrtpStatus.INVALID;
            default -> SrtpStatus.FAIL;
        };
    }

    @ParameterizedTest
    @EnumSource(value = SrtpSuite.class, names = {"AES_CM_128_HMAC_SHA1_80", "AES_CM_128_HMAC_SHA1_32",
        "AES_256_CM_HMAC_SHA1_80", "AES_256_CM_HMAC_SHA1_32"})
    void sameBytesAndVerdictsAsJitsiSrtp(SrtpSuite suite) throws Exception {
        Random r = new Random(suite.ordinal() * 7919L + 1);
        byte[] key = new byte[suite.keyLength()];
        byte[] salt = new byte[suite.saltLength()];
        r.nextBytes(key);
        r.nextBytes(salt);
        int ssrc = r.nextInt();
        SrtpContextFactory jtx = new SrtpContextFactory(true, key, salt, SrtpStream.policy(suite, false),
                SrtpStream.policy(suite, true), LOG);
        SrtpContextFactory jrx = new SrtpContextFactory(false, key, salt, SrtpStream.policy(suite, false),
                SrtpStream.policy(suite, true), LOG);
        SrtpCryptoContext jitsiTx = jtx.deriveContext(ssrc, 0);
        SrtpCryptoContext jitsiRx = jrx.deriveContext(ssrc, 0);
        AesCmRtpContext ourTx = new AesCmRtpContext(true, suite, key, salt);
        AesCmRtpContext ourRx = new AesCmRtpContext(false, suite, key, salt);
        AesCmRtpContext.Ssrc txState = new AesCmRtpContext.Ssrc();
        AesCmRtpContext.Ssrc rxState = new AesCmRtpContext.Ssrc();

        // a sender's sequence: mostly in order, with jumps, two rollovers and a few going backwards
        List<byte[]> wire = new ArrayList<>();
        List<byte[]> plain = new ArrayList<>();
        int seq = 65_000 + r.nextInt(400);
        for (int i = 0; i < 6000; i++) {
            int step = r.nextInt(50) == 0 ? r.nextInt(3000) : r.nextInt(20) == 0 ? -r.nextInt(70) : 1;
            seq = (seq + step) & 0xffff;
            byte[] p = packet(r, seq, ssrc);
            PacketBuffer a = new PacketBuffer(512).load(p, 0, p.length);
            PacketBuffer b = new PacketBuffer(512).load(p, 0, p.length);
            SrtpStatus sj = map(jitsiTx.transformPacket(a));
            SrtpStatus so = ourTx.protect(b, txState);
            assertEquals(sj, so, "protect verdict, packet " + i);
            assertEquals(HexFormat.of().formatHex(a.toArray()), HexFormat.of().formatHex(b.toArray()), "protect " + i);
            wire.add(a.toArray());
            plain.add(p);
        }
        // the receiver sees them reordered, duplicated, some corrupted
        int ok = 0;
        int replays = 0;
        int authFails = 0;
        for (int i = 0; i < wire.size(); i++) {
            int j = r.nextInt(10) == 0 ? Math.max(0, i - r.nextInt(100)) : i;
            byte[] w = wire.get(j).clone();
            boolean corrupt = r.nextInt(25) == 0;
            if (corrupt) {
                int bit = r.nextInt(w.length * 8);
                w[bit / 8] ^= (byte) (1 << (bit % 8));
            }
            PacketBuffer a = new PacketBuffer(512).load(w, 0, w.length);
            PacketBuffer b = new PacketBuffer(512).load(w, 0, w.length);
            SrtpStatus sj = map(jitsiRx.reverseTransformPacket(a, false));
            SrtpStatus so = ourRx.unprotect(b, rxState);
            assertEquals(sj, so, "unprotect verdict, packet " + i + " (copy of " + j + (corrupt ? ", corrupted)" : ")"));
            if (so == SrtpStatus.OK) {
                assertEquals(HexFormat.of().formatHex(a.toArray()), HexFormat.of().formatHex(b.toArray()));
                if (!corrupt) {
                    assertEquals(HexFormat.of().formatHex(plain.get(j)), HexFormat.of().formatHex(b.toArray()));
                }
                ok++;
            } else if (so == SrtpStatus.REPLAY) {
                replays++;
            } else if (so == SrtpStatus.AUTH_FAIL) {
                authFails++;
            }
        }
        // the sequence really exercised every path (a sender stepping back re-uses sequence numbers: replays)
        assertEquals(true, ok > 2500 && replays > 50 && authFails > 50, ok + " ok, " + replays + " replays, " + authFails
                + " auth failures");
        ourTx.close();
        ourRx.close();
        jtx.close();
        jrx.close();
    }
    /**
     * The relay's per-packet work (unprotect, verify, protect) allocates nothing: garbage on this path brought
     * collection pauses of tens of ms into the relay thread at 150k packets/s (javax.crypto.Mac's doFinal made an
     * array per tag).
     */
    @Test
    void unprotectAndProtectAllocateNothingPerPacket() {
        var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        SrtpSuite suite = SrtpSuite.AES_CM_128_HMAC_SHA1_80;
        var k1 = io.palisade.media.sdes.SdesKeys.fresh(1, suite, io.palisade.media.sdes.SessionParams.NONE).key();
        var k2 = io.palisade.media.sdes.SdesKeys.fresh(1, suite, io.palisade.media.sdes.SessionParams.NONE).key();
        SrtpStream phone = SrtpStream.sender(suite, k1, io.palisade.media.sdes.SessionParams.NONE);
        SrtpStream rx = SrtpStream.receiver(suite, k1, io.palisade.media.sdes.SessionParams.NONE);
        SrtpStream tx = SrtpStream.sender(suite, k2, io.palisade.media.sdes.SessionParams.NONE);
        int n = 60_000;
        byte[][] wire = new byte[n][];
        PacketBuffer p = new PacketBuffer(2048);
        Random r = new Random(7);
        for (int i = 0; i < n; i++) {
            byte[] plain = new byte[172];
            r.nextBytes(plain);
            plain[0] = (byte) 0x80;
            plain[2] = (byte) (i >> 8);
            plain[3] = (byte) i;
            plain[8] = 0x12; // one SSRC, as in a call: a new SSRC sets up new state, which is not per-packet work
            plain[9] = 0x34;
            plain[10] = 0x56;
            plain[11] = 0x78;
            p.load(plain, 0, plain.length);
            assertEquals(SrtpStatus.OK, phone.protectRtp(p));
            wire[i] = p.toArray();
        }
        long before = 0;
        for (int i = 0; i < n; i++) {
            if (i == n - 10_000) {
                before = threads.getCurrentThreadAllocatedBytes(); // once the path is compiled, as it is in the relay
            }
            p.load(wire[i], 0, wire[i].length);
            assertEquals(SrtpStatus.OK, rx.unprotectRtp(p));
            assertEquals(SrtpStatus.OK, tx.protectRtp(p));
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        // one 20-byte array per packet would be 240,000 bytes; allow for a stray allocation by the JIT or the test
        assertTrue(allocated < 20_000, "allocated " + allocated + " bytes over 10,000 packets");
        phone.close();
        rx.close();
        tx.close();
    }
}
