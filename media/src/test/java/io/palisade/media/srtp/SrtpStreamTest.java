// Copyright (C) the Palisade authors. SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.media.srtp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.palisade.media.sdes.MasterKey;
import io.palisade.media.sdes.SdesKeys;
import io.palisade.media.sdes.SessionParams;
import io.palisade.media.sdes.SrtpSuite;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SrtpStreamTest {
    private static byte[] rtp(int seq) {
        byte[] p = new byte[172];
        p[0] = (byte) 0x80;
        p[2] = (byte) (seq >> 8);
        p[3] = (byte) seq;
        p[8] = 1;
        Arrays.fill(p, 12, p.length, (byte) seq);
        return p;
    }

    private static MasterKey key(SrtpSuite s) {
        return SdesKeys.fresh(1, s, SessionParams.NONE).key();
    }

    @Test
    void aCallLongerThan65536PacketsKeepsItsAudio() {
        MasterKey k = key(SrtpSuite.AES_CM_128_HMAC_SHA1_80);
        SrtpStream tx = SrtpStream.sender(SrtpSuite.AES_CM_128_HMAC_SHA1_80, k, SessionParams.NONE);
        SrtpStream rx = SrtpStream.receiver(SrtpSuite.AES_CM_128_HMAC_SHA1_80, k, SessionParams.NONE);
        PacketBuffer p = new PacketBuffer(512);
        for (int i = 0; i < 70_000; i++) {
            byte[] plain = rtp(i & 0xffff);
            p.load(plain, 0, plain.length);
            assertEquals(SrtpStatus.OK, tx.protectRtp(p));
            assertEquals(SrtpStatus.OK, rx.unprotectRtp(p), "packet " + i);
            if (i % 997 == 0) {
                assertArrayEquals(plain, p.toArray());
            }
        }
    }

    @Test
    void truncatedFlippedAndReplayedPacketsAreRejectedNeverThrown() {
        for (SrtpSuite suite : SrtpSuite.values()) {
            MasterKey k = key(suite);
            SrtpStream tx = SrtpStream.sender(suite, k, SessionParams.NONE);
            SrtpStream rx = SrtpStream.receiver(suite, k, SessionParams.NONE);
            PacketBuffer p = new PacketBuffer(512);
            byte[] plain = rtp(10);
            p.load(plain, 0, plain.length);
            tx.protectRtp(p);
            byte[] good = p.toArray();
            for (int cut = 1; cut < good.length; cut++) {
                p.load(good, 0, good.length - cut);
                assertNotEquals(SrtpStatus.OK, rx.unprotectRtp(p), suite + " cut " + cut);
            }
            for (int bit = 0; bit < good.length * 8; bit += 7) {
                byte[] bad = good.clone();
                bad[bit / 8] ^= (byte) (1 << (bit % 8));
                p.load(bad, 0, bad.length);
                assertNotEquals(SrtpStatus.OK, rx.unprotectRtp(p), suite + " bit " + bit);
            }
            p.load(good, 0, good.length);
            assertEquals(SrtpStatus.OK, rx.unprotectRtp(p));
            p.load(good, 0, good.length);
            assertEquals(SrtpStatus.REPLAY, rx.unprotectRtp(p));
        }
    }

    @Test
    void mkiIsWrittenCheckedAndStripped() {
        MasterKey base = key(SrtpSuite.AES_CM_128_HMAC_SHA1_80);
        MasterKey k = new MasterKey(base.key(), base.salt(), 0, 7, 2);
        SrtpStream tx = SrtpStream.sender(SrtpSuite.AES_CM_128_HMAC_SHA1_80, k, SessionParams.NONE);
        SrtpStream rx = SrtpStream.receiver(SrtpSuite.AES_CM_128_HMAC_SHA1_80, k, SessionParams.NONE);
        PacketBuffer p = new PacketBuffer(512).load(rtp(1), 0, 172);
        assertEquals(SrtpStatus.OK, tx.protectRtp(p));
        assertEquals(172 + 2 + 10, p.getLength());
        byte[] wire = p.toArray();
        assertEquals(7, wire[172 + 1]);
        wire[172 + 1] = 8;
        assertEquals(SrtpStatus.INVALID, rx.unprotectRtp(new PacketBuffer(512).load(wire, 0, wire.length)));
        wire[172 + 1] = 7;
        PacketBuffer q = new PacketBuffer(512).load(wire, 0, wire.length);
        assertEquals(SrtpStatus.OK, rx.unprotectRtp(q));
        assertArrayEquals(rtp(1), q.toArray());
    }

    @Test
    void lifetimeIsHonoured() {
        MasterKey base = key(SrtpSuite.AES_CM_128_HMAC_SHA1_80);
        MasterKey k = new MasterKey(base.key(), base.salt(), 3, 0, 0);
        SrtpStream tx = SrtpStream.sender(SrtpSuite.AES_CM_128_HMAC_SHA1_80, k, SessionParams.NONE);
        PacketBuffer p = new PacketBuffer(512);
        for (int i = 0; i < 3; i++) {
            assertEquals(SrtpStatus.OK, tx.protectRtp(p.load(rtp(i), 0, 172)));
        }
        assertEquals(SrtpStatus.KEY_EXPIRED, tx.protectRtp(p.load(rtp(3), 0, 172)));
    }

    @Test
    void closeZeroesAndForbidsUse() {
        MasterKey k = key(SrtpSuite.AES_CM_128_HMAC_SHA1_80);
        SrtpStream tx = SrtpStream.sender(SrtpSuite.AES_CM_128_HMAC_SHA1_80, k, SessionParams.NONE);
        tx.close();
        assertThrows(IllegalStateException.class, () -> tx.protectRtp(new PacketBuffer(512).load(rtp(1), 0, 172)));
        assertFalse(tx.toString().contains("key="));
        k.destroy();
        assertThrows(IllegalStateException.class, k::key);
    }
}
