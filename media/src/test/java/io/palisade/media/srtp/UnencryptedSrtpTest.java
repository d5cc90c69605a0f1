// Copyright (C) the Palisade authors. SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.media.srtp;

import static io.palisade.media.srtp.SrtpKnownAnswerTest.B3_AUTH_KEY;
import static io.palisade.media.srtp.SrtpKnownAnswerTest.B3_CIPHER_KEY;
import static io.palisade.media.srtp.SrtpKnownAnswerTest.B3_CIPHER_SALT;
import static io.palisade.media.srtp.SrtpKnownAnswerTest.B3_MASTER_KEY;
import static io.palisade.media.srtp.SrtpKnownAnswerTest.B3_MASTER_SALT;
import static io.palisade.media.srtp.SrtpKnownAnswerTest.key;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.palisade.media.sdes.SessionParams;
import io.palisade.media.sdes.SrtpSuite;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * UNENCRYPTED_SRTP and UNENCRYPTED_SRTCP (RFC 4568 6.3.2): payload in clear, HMAC-SHA1 tag as RFC
 * 3711 4.2 and 3.4 define it. The expected tags are computed here independently: a key derivation
 * written from RFC 3711 4.3 (checked first against the appendix B.3 vectors) and the JDK's HMAC.
 */
class UnencryptedSrtpTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final SessionParams CLEAR_SRTP = new SessionParams(true, false, false, -1, -1, false, false);
    private static final SessionParams CLEAR_SRTCP = new SessionParams(false, true, false, -1, -1, false, false);
    private static final SessionParams CLEAR_BOTH = new SessionParams(true, true, false, -1, -1, false, false);
    // RFC 3711 4.3.2 labels
    private static final int LABEL_RTP_AUTH = 0x01;
    private static final int LABEL_RTCP_AUTH = 0x04;

    /** RFC 3711 4.3.1 with key_derivation_rate 0: AES-CM(master key, IV = (label << 48 XOR salt) * 2^16). */
    static byte[] derive(String masterKey, String masterSalt, int label, int len) throws Exception {
        byte[] iv = new byte[16];
        System.arraycopy(HEX.parseHex(masterSalt), 0, iv, 0, 14);
        iv[7] ^= (byte) label;
        Cipher aes = Cipher.getInstance("AES/CTR/NoPadding");
        aes.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(HEX.parseHex(masterKey), "AES"), new IvParameterSpec(iv));
        return aes.doFinal(new byte[len]);
    }

    private static byte[] hmac(byte[] authKey, byte[] data, int len, int trailer, int tagLen) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA1");
        mac.init(new SecretKeySpec(authKey, "HmacSHA1"));
        mac.update(data, 0, len);
        mac.update(new byte[] {(byte) (trailer >>> 24), (byte) (trailer >>> 16), (byte) (trailer >>> 8), (byte) trailer});
        return Arrays.copyOf(mac.doFinal(), tagLen);
    }

    private static byte[] rtp(int seq) {
        byte[] p = HEX.parseHex("800f1234decafbadcafebabe" + "abababababababababababababababab");
        p[2] = (byte) (seq >> 8);
        p[3] = (byte) seq;
        return p;
    }

    private static byte[] rr() {
        return HEX.parseHex("81c90007cafebabe" + "decafbad" + "05000010" + "00010010" + "000000a0" + "00000000" + "00000000");
    }

    @Test
    void theIndependentKeyDerivationMatchesRfc3711AppendixB3() throws Exception {
        assertEquals(B3_CIPHER_KEY, HEX.formatHex(derive(B3_MASTER_KEY, B3_MASTER_SALT, 0x00, 16)).toUpperCase());
        assertEquals(B3_AUTH_KEY, HEX.formatHex(derive(B3_MASTER_KEY, B3_MASTER_SALT, LABEL_RTP_AUTH, 20)).toUpperCase());
        assertEquals(B3_CIPHER_SALT, HEX.formatHex(derive(B3_MASTER_KEY, B3_MASTER_SALT, 0x02, 14)).toUpperCase());
    }

    @Test
    void unencryptedSrtpLeavesThePayloadClearAndTagsPacketAndRoc() throws Exception {
        byte[] authKey = derive(B3_MASTER_KEY, B3_MASTER_SALT, LABEL_RTP_AUTH, 20);
        for (SrtpSuite suite : new SrtpSuite[] {SrtpSuite.AES_CM_128_HMAC_SHA1_80, SrtpSuite.AES_CM_128_HMAC_SHA1_32}) {
            SrtpStream tx = SrtpStream.sender(suite, key(B3_MASTER_KEY, B3_MASTER_SALT), CLEAR_SRTP);
            SrtpStream rx = SrtpStream.receiver(suite, key(B3_MASTER_KEY, B3_MASTER_SALT), CLEAR_SRTP);
            PacketBuffer p = new PacketBuffer(256);
            int[] seqs = {65_534, 65_535, 0, 1}; // across a rollover: the last two carry ROC 1 in their tag
            for (int i = 0; i < seqs.length; i++) {
                byte[] plain = rtp(seqs[i]);
                p.load(plain, 0, plain.length);
                assertEquals(SrtpStatus.OK, tx.protectRtp(p));
                byte[] wire = p.toArray();
                byte[] expected = Arrays.copyOf(plain, plain.length + suite.srtpTagLength());
                System.arraycopy(hmac(authKey, plain, plain.length, i < 2 ? 0 : 1, suite.srtpTagLength()), 0, expected,
                        plain.length, suite.srtpTagLength());
                assertEquals(HEX.formatHex(expected), HEX.formatHex(wire), suite + " seq " + seqs[i]);

                assertEquals(SrtpStatus.OK, rx.unprotectRtp(p.load(wire, 0, wire.length)));
                assertArrayEquals(plain, p.toArray(), "the receiver hands on the clear payload unchanged");
                assertEquals(SrtpStatus.REPLAY, rx.unprotectRtp(p.load(wire, 0, wire.length)));
                for (int bit = 0; bit < wire.length * 8; bit += 7) {
                    byte[] bad = wire.clone();
                    bad[bit / 8] ^= (byte) (1 << (bit % 8));
                    SrtpStatus st = rx.unprotectRtp(p.load(bad, 0, bad.length));
                    assertEquals(true, st != SrtpStatus.OK, "flipped bit " + bit + " accepted");
                }
            }
            tx.close();
            rx.close();
        }
    }

    @Test
    void unencryptedSrtcpSendsEFlagZeroIndexAndTag() throws Exception {
        byte[] authKey = derive(B3_MASTER_KEY, B3_MASTER_SALT, LABEL_RTCP_AUTH, 20);
        SrtpStream tx = SrtpStream.sender(SrtpSuite.AES_CM_128_HMAC_SHA1_32, key(B3_MASTER_KEY, B3_MASTER_SALT), CLEAR_SRTCP);
        SrtpStream rx = SrtpStream.receiver(SrtpSuite.AES_CM_128_HMAC_SHA1_32, key(B3_MASTER_KEY, B3_MASTER_SALT),
                CLEAR_SRTCP);
        PacketBuffer p = new PacketBuffer(256);
        byte[] plain = rr();
        for (int index = 0; index < 3; index++) {
            p.load(plain, 0, plain.length);
            assertEquals(SrtpStatus.OK, tx.protectRtcp(p));
            byte[] wire = p.toArray();
            // packet || E=0 + 31-bit index || 80-bit tag (SRTCP keeps 80 bits with the _32 suite, RFC 4568 6.2)
            byte[] expected = Arrays.copyOf(plain, plain.length + 4 + 10);
            expected[plain.length + 3] = (byte) index;
            // the tag covers packet || E || index (RFC 3711 3.4)
            System.arraycopy(hmac(authKey, plain, plain.length, index, 10), 0, expected, plain.length + 4, 10);
            assertEquals(HEX.formatHex(expected), HEX.formatHex(wire), "index " + index);
            byte[] encryptedFlag = wire.clone();
            encryptedFlag[plain.length] |= (byte) 0x80; // claiming E=1 breaks the tag
            assertEquals(SrtpStatus.AUTH_FAIL, rx.unprotectRtcp(p.load(encryptedFlag, 0, encryptedFlag.length)));
            assertEquals(SrtpStatus.OK, rx.unprotectRtcp(p.load(wire, 0, wire.length)));
            assertArrayEquals(plain, p.toArray());
            assertEquals(SrtpStatus.REPLAY, rx.unprotectRtcp(p.load(wire, 0, wire.length)));
        }
        tx.close();
        rx.close();
    }

    @Test
    void clearAndEncryptedDirectionsMixWithinOneStream() throws Exception {
        // UNENCRYPTED_SRTCP alone: RTP is still encrypted
        SrtpStream tx = SrtpStream.sender(SrtpSuite.AES_CM_128_HMAC_SHA1_80, key(B3_MASTER_KEY, B3_MASTER_SALT), CLEAR_SRTCP);
        SrtpStream rx = SrtpStream.receiver(SrtpSuite.AES_CM_128_HMAC_SHA1_80, key(B3_MASTER_KEY, B3_MASTER_SALT),
                CLEAR_SRTCP);
        PacketBuffer p = new PacketBuffer(256);
        byte[] plain = rtp(7);
        p.load(plain, 0, plain.length);
        assertEquals(SrtpStatus.OK, tx.protectRtp(p));
        byte[] wire = p.toArray();
        assertEquals(false, Arrays.equals(Arrays.copyOfRange(wire, 12, plain.length), Arrays.copyOfRange(plain, 12, plain.length)),
                "RTP payload encrypted");
        assertEquals(SrtpStatus.OK, rx.unprotectRtp(p.load(wire, 0, wire.length)));
        assertArrayEquals(plain, p.toArray());
        tx.close();
        rx.close();

        SrtpStream both = SrtpStream.sender(SrtpSuite.AES_256_CM_HMAC_SHA1_80,
                key("f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff000102030405060708090a0b0c0d0e0f", B3_MASTER_SALT), CLEAR_BOTH);
        SrtpStream bothRx = SrtpStream.receiver(SrtpSuite.AES_256_CM_HMAC_SHA1_80,
                key("f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff000102030405060708090a0b0c0d0e0f", B3_MASTER_SALT), CLEAR_BOTH);
        p.load(plain, 0, plain.length);
        assertEquals(SrtpStatus.OK, both.protectRtp(p));
        assertArrayEquals(plain, Arrays.copyOf(p.toArray(), plain.length), "AES-256 suite, clear payload");
        assertEquals(SrtpStatus.OK, bothRx.unprotectRtp(p));
        assertArrayEquals(plain, p.toArray());
        both.close();
        bothRx.close();
    }

    @Test
    void unencryptedWithAeadAndUnauthenticatedAreRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> SrtpStream.sender(SrtpSuite.AEAD_AES_128_GCM, key("000102030405060708090a0b0c0d0e0f",
                        "517569642070726f2071756f"), CLEAR_SRTCP));
        SessionParams unauthenticated = new SessionParams(false, false, true, -1, -1, false, false);
        assertThrows(IllegalArgumentException.class,
                () -> SrtpStream.receiver(SrtpSuite.AES_CM_128_HMAC_SHA1_80, key(B3_MASTER_KEY, B3_MASTER_SALT),
                        unauthenticated));
    }
}
