// Copyright (C) the Palisade authors. SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.media.srtp;

import io.palisade.media.sdes.SrtpSuite;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchProviderException;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * SRTP (RFC 3711) for one SSRC with the AES-CM suites and HMAC-SHA1 (AES_CM_128_HMAC_SHA1_80/_32,
 * AES_256_CM_HMAC_SHA1_80/_32, RFC 6188): the relay's hot path, written so that nothing is set up
 * per packet. jitsi-srtp re-initialises a {@code Cipher} (AES-CTR) for every packet, which showed as
 * the largest Java cost of the relay thread; here the AES key schedule is set once (ECB over counter
 * blocks, RFC 3711 4.1.1) and the HMAC key once (RFC 3711 4.2.1). Index estimation, replay window
 * and the order of checks follow jitsi-srtp's {@code SrtpCryptoContext} exactly (a differential
 * test compares the two packet by packet): estimate the index (appendix A), check replay, check
 * the tag, decrypt, then update the window and the ROC. With key_derivation_rate 0 the session keys
 * do not depend on the SSRC, so one context serves every SSRC of a master key and each SSRC only
 * costs an {@link Ssrc} (ROC and replay window): a flood of made-up SSRCs derives nothing.
 * Not thread-safe; one I/O thread owns it.
 */
final class AesCmRtpContext {
    private static final int LABEL_RTP_ENCRYPTION = 0x00;
    private static final int LABEL_RTP_MSG_AUTH = 0x01;
    private static final int LABEL_RTP_SALT = 0x02;
    private static final long REPLAY_WINDOW = 64;
    /** Payloads up to this many bytes are handled in one keystream call; larger ones in chunks. */
    private static final int CHUNK = 1536;

    private final boolean sender;
    private final int tagLength;
    private final Cipher aes;
    /**
     * HMAC-SHA1 (RFC 2104) on two SHA-1 digests and the padded key blocks: javax.crypto.Mac allocates a new array
     * for the inner hash on every doFinal (two per relayed packet), and that garbage brought collection pauses of
     * 17-32 ms into the relay thread every few seconds at 150k packets/s. Same work, nothing allocated.
     */
    private final MessageDigest innerSha1;
    private final MessageDigest outerSha1;
    private final byte[] ipad = new byte[64];
    private final byte[] opad = new byte[64];
    private final byte[] innerHash = new byte[20];
    private final byte[] sessionSalt = new byte[14];
    private final byte[] counters = new byte[CHUNK];
    private final byte[] keystream = new byte[CHUNK];
    private final byte[] iv = new byte[16];
    private final byte[] roc4 = new byte[4];
    private final byte[] tag = new byte[20];
    private final int keyLength;

    /** Per-SSRC state: rollover counter, highest sequence number, replay window (RFC 3711 3.3.1, 3.3.2). */
    static final class Ssrc {
        private int roc;
        private int highestSeq;
        private boolean seqSet;
        private long window;
        private int guessedRoc;
    }

    AesCmRtpContext(boolean sender, SrtpSuite suite, byte[] masterKey, byte[] masterSalt) throws GeneralSecurityException {
        if (suite.aead()) {
            throw new IllegalArgumentException(suite + " is not an AES-CM suite");
        }
        this.sender = sender;
        this.tagLength = suite.srtpTagLength();
        this.keyLength = suite.keyLength();
        byte[] encKey = derive(masterKey, masterSalt, LABEL_RTP_ENCRYPTION, keyLength);
        byte[] authKey = derive(masterKey, masterSalt, LABEL_RTP_MSG_AUTH, 20);
        byte[] salt = derive(masterKey, masterSalt, LABEL_RTP_SALT, 14);
        try {
            System.arraycopy(salt, 0, sessionSalt, 0, 14);
            aes = cipher("AES/ECB/NoPadding");
            aes.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(encKey, "AES"));
            innerSha1 = sha1();
            outerSha1 = sha1();
            // RFC 2104 2: the 20-byte key zero-padded to SHA-1's 64-byte block, XOR 0x36 and 0x5c
            for (int i = 0; i < 64; i++) {
                byte k = i < authKey.length ? authKey[i] : 0;
                ipad[i] = (byte) (k ^ 0x36);
                opad[i] = (byte) (k ^ 0x5c);
            }
        } finally {
            Arrays.fill(encKey, (byte) 0);
            Arrays.fill(authKey, (byte) 0);
            Arrays.fill(salt, (byte) 0);
        }
    }

    /**
     * The JDK's own provider when it is there: measured on JDK 17 (best of 8 rounds, loaded machine)
     * its AES-ECB over 10 blocks took 0.018 us against 0.063 us for jitsi's OpenSSL provider through
     * JNI, and HMAC-SHA1 over 176 bytes 0.27 us against 0.35 us; without pinning, which provider
     * answered depended on what had registered first.
     */
    private static Cipher cipher(String transformation) throws GeneralSecurityException {
        try {
            return Cipher.getInstance(transformation, "SunJCE");
        } catch (NoSuchProviderException e) {
            return Cipher.getInstance(transformation);
        }
    }

    private static MessageDigest sha1() throws GeneralSecurityException {
        try {
            return MessageDigest.getInstance("SHA-1", "SUN");
        } catch (NoSuchProviderException e) {
            return MessageDigest.getInstance("SHA-1");
        }
    }

    /**
     * RFC 3711 4.3.1 with key_derivation_rate 0: AES-CM under the master key with
     * IV = (label << 48 XOR master salt) * 2^16.
     */
    static byte[] derive(byte[] masterKey, byte[] masterSalt, int label, int length) throws GeneralSecurityException {
        byte[] x = new byte[16];
        System.arraycopy(masterSalt, 0, x, 0, 14);
        x[7] ^= (byte) label;
        Cipher ctr = cipher("AES/CTR/NoPadding");
        SecretKeySpec k = new SecretKeySpec(masterKey, "AES");
        ctr.init(Cipher.ENCRYPT_MODE, k, new IvParameterSpec(x));
        return ctr.doFinal(new byte[length]);
    }

    /** Encrypts the payload and appends the tag (the buffer grows by the tag length). */
    SrtpStatus protect(PacketBuffer p, Ssrc x) throws GeneralSecurityException {
        byte[] b = p.getBuffer();
        int off = p.getOffset();
        int len = p.getLength();
        int header = headerLength(b, off, len);
        if (header < 0) {
            return SrtpStatus.INVALID;
        }
        int seq = (b[off + 2] & 0xff) << 8 | b[off + 3] & 0xff;
        if (!x.seqSet) {
            x.seqSet = true;
            x.highestSeq = seq;
        }
        long index = guessIndex(x, seq);
        crypt(b, off, header, len, index);
        p.grow(tagLength);
        b = p.getBuffer();
        computeTag(b, off, len, x.guessedRoc);
        System.arraycopy(tag, 0, b, off + len, tagLength);
        p.setLength(len + tagLength);
        update(x, seq, index);
        return SrtpStatus.OK;
    }

    /** Checks replay and tag, then decrypts in place and removes the tag; anything but OK: drop. */
    SrtpStatus unprotect(PacketBuffer p, Ssrc x) throws GeneralSecurityException {
        byte[] b = p.getBuffer();
        int off = p.getOffset();
        int len = p.getLength() - tagLength;
        int header = len < 12 ? -1 : headerLength(b, off, len);
        if (header < 0) {
            return SrtpStatus.INVALID;
        }
        int seq = (b[off + 2] & 0xff) << 8 | b[off + 3] & 0xff;
        boolean first = !x.seqSet;
        if (first) {
            x.seqSet = true;
            x.highestSeq = seq;
        }
        long index = guessIndex(x, seq);
        SrtpStatus st = checkReplay(x, index);
        if (st == SrtpStatus.OK) {
            computeTag(b, off, len, x.guessedRoc);
            int diff = 0;
            for (int i = 0; i < tagLength; i++) {
                diff |= tag[i] ^ b[off + len + i];
            }
            if (diff != 0) {
                st = SrtpStatus.AUTH_FAIL;
            }
        }
        if (st != SrtpStatus.OK) {
            if (first) {
                x.seqSet = false;
            }
            return st;
        }
        crypt(b, off, header, len, index);
        p.setLength(len);
        update(x, seq, index);
        return SrtpStatus.OK;
    }

    /** Overwrites the key schedules with zero keys, so that no session key stays behind in the providers. */
    void close() {
        try {
            aes.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(new byte[keyLength], "AES"));
        } catch (GeneralSecurityException ignored) {
            // nothing better to do while closing
        }
        Arrays.fill(ipad, (byte) 0);
        Arrays.fill(opad, (byte) 0);
        Arrays.fill(innerHash, (byte) 0);
        Arrays.fill(tag, (byte) 0);
        innerSha1.reset();
        outerSha1.reset();
        Arrays.fill(sessionSalt, (byte) 0);
        Arrays.fill(keystream, (byte) 0);
        Arrays.fill(iv, (byte) 0);
        Arrays.fill(counters, (byte) 0);
    }

    /** RTP header length with CSRCs and extension, or -1 when it does not fit in {@code len}. */
    private static int headerLength(byte[] b, int off, int len) {
        if (len < 12 || (b[off] & 0xC0) != 0x80) {
            return -1;
        }
        int h = 12 + 4 * (b[off] & 0x0f);
        if ((b[off] & 0x10) != 0) {
            if (h + 4 > len) {
                return -1;
            }
            h += 4 + 4 * ((b[off + h + 2] & 0xff) << 8 | b[off + h + 3] & 0xff);
        }
        return h <= len ? h : -1;
    }

    /** RFC 3711 4.1.1: XORs the payload with AES-CM keystream, IV = salt*2^16 XOR SSRC*2^64 XOR index*2^16. */
    private void crypt(byte[] b, int off, int header, int len, long index) throws GeneralSecurityException {
        System.arraycopy(sessionSalt, 0, iv, 0, 14);
        iv[14] = 0;
        iv[15] = 0;
        for (int i = 0; i < 4; i++) {
            iv[4 + i] ^= b[off + 8 + i];
        }
        for (int i = 0; i < 6; i++) {
            iv[8 + i] ^= (byte) (index >>> (8 * (5 - i)));
        }
        int pos = off + header;
        int end = off + len;
        int block = 0;
        while (pos < end) {
            int n = Math.min(CHUNK, end - pos);
            int blocks = (n + 15) >>> 4;
            for (int i = 0; i < blocks; i++, block++) {
                int c = i << 4;
                System.arraycopy(iv, 0, counters, c, 14);
                counters[c + 14] = (byte) (block >>> 8);
                counters[c + 15] = (byte) block;
            }
            try {
                aes.update(counters, 0, blocks << 4, keystream, 0);
            } catch (ShortBufferException e) {
                throw new IllegalStateException(e);
            }
            for (int i = 0; i < n; i++) {
                b[pos + i] ^= keystream[i];
            }
            pos += n;
        }
    }

    /** RFC 3711 4.2: HMAC-SHA1 over the authenticated portion and the ROC, into {@link #tag}. */
    private void computeTag(byte[] b, int off, int len, int rocValue) throws GeneralSecurityException {
        roc4[0] = (byte) (rocValue >>> 24);
        roc4[1] = (byte) (rocValue >>> 16);
        roc4[2] = (byte) (rocValue >>> 8);
        roc4[3] = (byte) rocValue;
        // RFC 2104: H(K XOR opad, H(K XOR ipad, text)); digest(byte[], int, int) resets the digest and allocates nothing
        innerSha1.update(ipad, 0, 64);
        innerSha1.update(b, off, len);
        innerSha1.update(roc4, 0, 4);
        innerSha1.digest(innerHash, 0, 20);
        outerSha1.update(opad, 0, 64);
        outerSha1.update(innerHash, 0, 20);
        outerSha1.digest(tag, 0, 20);
    }

    /** RFC 3711 appendix A, as jitsi-srtp does it. */
    private static long guessIndex(Ssrc x, int seq) {
        if (x.highestSeq < 32_768) {
            x.guessedRoc = seq - x.highestSeq > 32_768 ? x.roc - 1 : x.roc;
        } else {
            x.guessedRoc = x.highestSeq - 32_768 > seq ? x.roc + 1 : x.roc;
        }
        return (long) x.guessedRoc << 16 | seq;
    }

    /** RFC 3711 3.3.2 with a 64-packet window. */
    private static SrtpStatus checkReplay(Ssrc x, long index) {
        long delta = index - ((long) x.roc << 16 | x.highestSeq);
        if (delta > 0) {
            return SrtpStatus.OK;
        }
        if (-delta >= REPLAY_WINDOW) {
            return SrtpStatus.REPLAY;
        }
        return (x.window >>> (int) -delta & 1) != 0 ? SrtpStatus.REPLAY : SrtpStatus.OK;
    }

    private static void update(Ssrc x, int seq, long index) {
        long delta = index - ((long) x.roc << 16 | x.highestSeq);
        if (delta >= REPLAY_WINDOW) {
            x.window = 1;
        } else if (delta > 0) {
            x.window = x.window << (int) delta | 1;
        } else {
            x.window |= 1L << (int) -delta;
        }
        if (x.guessedRoc == x.roc) {
            if (seq > x.highestSeq) {
                x.highestSeq = seq & 0xffff;
            }
        } else if (x.guessedRoc == x.roc + 1) {
            x.highestSeq = seq & 0xffff;
            x.roc = x.guessedRoc;
        }
    }

    boolean isSender() {
        return sender;
    }
}
