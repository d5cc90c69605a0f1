// Copyright (C) the Palisade authors. SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.media.srtp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.palisade.media.sdes.MasterKey;
import io.palisade.media.sdes.SessionParams;
import io.palisade.media.sdes.SrtpSuite;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.jitsi.srtp.crypto.SrtpCipherCtr;
import org.jitsi.srtp.crypto.SrtpCipherGcm;
import org.junit.jupiter.api.Test;

/** Known-answer tests from the RFCs, run through the same code the relay uses. */
class SrtpKnownAnswerTest {
    private static final HexFormat HEX = HexFormat.of();

    // RFC 3711 Appendix B.2, AES-CM test vectors
    static final String B2_SESSION_KEY = "2B7E151628AED2A6ABF7158809CF4F3C";
    static final String B2_SESSION_SALT = "F0F1F2F3F4F5F6F7F8F9FAFBFCFD";
    static final String B2_KEYSTREAM_0_2 = "E03EAD0935C95E80E166B16DD92B4EB4"
            + "D23513162B02D0F72A43A2FE4A5F97AB" + "41E95B3BB0A2E8DD477901E4FCA894C0";

    // RFC 3711 Appendix B.3, key derivation test vectors
    static final String B3_MASTER_KEY = "E1F97A0D3E018BE0D64FA32C06DE4139";
    static final String B3_MASTER_SALT = "0EC675AD498AFEEBB6960B3AABE6";
    static final String B3_CIPHER_KEY = "C61E7A93744F39EE10734AFE3FF7A087";
    static final String B3_CIPHER_SALT = "30CBBC08863D8C85D49DB34A9AE1";
    static final String B3_AUTH_KEY = "CEBE321F6FF7716B6FD4AB49AF256A156D38BAA4";

    // RFC 6188 section 7.1, AES-256 counter mode keystream (first block)
    static final String RFC6188_KEY = "57f82fe3613fd170a85ec93c40b1f0922ec4cb0dc025b58272147cc438944a98";
    static final String RFC6188_SALT = "f0f1f2f3f4f5f6f7f8f9fafbfcfd";
    static final String RFC6188_KEYSTREAM_0 = "92bdd28a93c3f52511c677d08b5515a4";

    // RFC 7714 section 16.1.1, SRTP AEAD_AES_128_GCM encryption
    static final String RFC7714_KEY = "000102030405060708090a0b0c0d0e0f";
    static final String RFC7714_SALT = "517569642070726f2071756f";
    static final String RFC7714_RTP_HEADER = "8040f17b8041f8d35501a0b2";
    static final String RFC7714_PLAINTEXT = "Gallia est omnis divisa in partes tres";
    static final String RFC7714_SRTP = "8040f17b8041f8d35501a0b2f24de3a3fb34de6cacba861c9d7e4bcabe633bd50d294e6f42a5f4"
            + "7a51c7d19b36de3adf8833899d7f27beb16a9152cf765ee4390cce";

    @Test
    void rfc3711AppendixB2AesCmKeystream() throws Exception {
        byte[] ks = keystream(B2_SESSION_KEY, B2_SESSION_SALT, 48);
        assertEquals(B2_KEYSTREAM_0_2.toLowerCase(), HEX.formatHex(ks));
    }

    @Test
    void rfc6188Aes256CmKeystream() throws Exception {
        byte[] ks = keystream(RFC6188_KEY, RFC6188_SALT, 16);
        assertEquals(RFC6188_KEYSTREAM_0, HEX.formatHex(ks));
    }

    /** Runs jitsi-srtp's counter-mode cipher over zeros with IV = salt || 0x0000 (RFC 3711 4.1.1). */
    private static byte[] keystream(String key, String salt, int len) throws Exception {
        SrtpCipherCtr ctr = new SrtpCipherCtr(Cipher.getInstance("AES/CTR/NoPadding"));
        ctr.init(HEX.parseHex(key), null);
        byte[] iv = new byte[16];
        System.arraycopy(HEX.parseHex(salt), 0, iv, 0, 14);
        ctr.setIV(iv, Cipher.ENCRYPT_MODE);
        byte[] data = new byte[len];
        ctr.process(data, 0, len);
        return data;
    }

    @Test
    void rfc3711AppendixB3KeyDerivationThroughAWholePacket() throws Exception {
        // Protect a packet with the B.3 master key, then recompute it by hand from the B.3 session
        // keys: equal output proves the library derived exactly those keys.
        byte[] rtp = HEX.parseHex("800f1234decafbadcafebabe" + "abababababababababababababababab");
        SrtpStream s = SrtpStream.sender(SrtpSuite.AES_CM_128_HMAC_SHA1_80, key(B3_MASTER_KEY, B3_MASTER_SALT),
                SessionParams.NONE);
        PacketBuffer p = new PacketBuffer(256).load(rtp, 0, rtp.length);
        assertEquals(SrtpStatus.OK, s.protectRtp(p));
        byte[] got = p.toArray();

        byte[] iv = new byte[16];
        byte[] salt = HEX.parseHex(B3_CIPHER_SALT);
        System.arraycopy(salt, 0, iv, 0, 14);
        for (int i = 0; i < 4; i++) {
            iv[4 + i] ^= rtp[8 + i]; // SSRC
        }
        iv[12] ^= rtp[2]; // index = ROC 0 || SEQ
        iv[13] ^= rtp[3];
        Cipher aes = Cipher.getInstance("AES/CTR/NoPadding");
        aes.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(HEX.parseHex(B3_CIPHER_KEY), "AES"), new IvParameterSpec(iv));
        byte[] expected = new byte[rtp.length + 10];
        System.arraycopy(rtp, 0, expected, 0, 12);
        aes.doFinal(rtp, 12, rtp.length - 12, expected, 12);
        Mac mac = Mac.getInstance("HmacSHA1");
        mac.init(new SecretKeySpec(HEX.parseHex(B3_AUTH_KEY), "HmacSHA1"));
        mac.update(expected, 0, rtp.length);
        mac.update(new byte[4]); // ROC
        System.arraycopy(mac.doFinal(), 0, expected, rtp.length, 10);
        assertEquals(HEX.formatHex(expected), HEX.formatHex(got));
        s.close();
    }

    @Test
    void rfc7714Section1611Aes128GcmEncryption() throws Exception {
        // RFC 7714's vectors use the session key and salt directly (no KDF): run the library's GCM
        // cipher with the IV of section 8.1 (salt XOR 00 00 || SSRC || ROC || SEQ), AAD = header.
        byte[] hdr = HEX.parseHex(RFC7714_RTP_HEADER);
        byte[] pt = RFC7714_PLAINTEXT.getBytes(StandardCharsets.US_ASCII);
        byte[] iv = HEX.parseHex(RFC7714_SALT);
        for (int i = 0; i < 4; i++) {
            iv[2 + i] ^= hdr[8 + i];
        }
        iv[10] ^= hdr[2];
        iv[11] ^= hdr[3];
        SrtpCipherGcm gcm = new SrtpCipherGcm(Cipher.getInstance("AES/GCM/NoPadding"));
        gcm.init(HEX.parseHex(RFC7714_KEY), null);
        gcm.setIV(iv, Cipher.ENCRYPT_MODE);
        gcm.processAAD(hdr, 0, hdr.length);
        byte[] out = new byte[hdr.length + pt.length + 16];
        System.arraycopy(hdr, 0, out, 0, hdr.length);
        System.arraycopy(pt, 0, out, hdr.length, pt.length);
        int n = gcm.process(out, hdr.length, pt.length);
        assertEquals(pt.length + 16, n);
        assertEquals(RFC7714_SRTP, HEX.formatHex(out));
    }

    @Test
    void gcmRoundTripThroughStreams() {
        byte[] rtp = HEX.parseHex(RFC7714_RTP_HEADER + HEX.formatHex(RFC7714_PLAINTEXT.getBytes(StandardCharsets.US_ASCII)));
        for (SrtpSuite suite : SrtpSuite.values()) {
            byte[] k = new byte[suite.keyLength()];
            byte[] s = new byte[suite.saltLength()];
            k[0] = 7;
            MasterKey mk = new MasterKey(k, s, 0, 0, 0);
            SrtpStream tx = SrtpStream.sender(suite, mk, SessionParams.NONE);
            SrtpStream rx = SrtpStream.receiver(suite, mk, SessionParams.NONE);
            PacketBuffer p = new PacketBuffer(256).load(rtp, 0, rtp.length);
            assertEquals(SrtpStatus.OK, tx.protectRtp(p), suite.name());
            assertEquals(rtp.length + suite.srtpTagLength(), p.getLength(), suite.name());
            assertEquals(SrtpStatus.OK, rx.unprotectRtp(p), suite.name());
            assertArrayEquals(rtp, p.toArray(), suite.name());
        }
    }

    static MasterKey key(String k, String s) {
        return new MasterKey(HEX.parseHex(k), HEX.parseHex(s), 0, 0, 0);
    }
}
