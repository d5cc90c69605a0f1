// Copyright (C) the Palisade authors. SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.media.sdes;

import java.util.Optional;

/**
 * SRTP crypto-suites that may appear in an {@code a=crypto} line, spelled exactly as the RFCs
 * register them: RFC 4568 section 6.2, RFC 6188 section 3 (AES-256 counter mode) and RFC 7714
 * section 14.1 (AES-GCM).
 */
public enum SrtpSuite {
    AES_CM_128_HMAC_SHA1_80(16, 14, 10, 10, false),
    AES_CM_128_HMAC_SHA1_32(16, 14, 4, 10, false),
    AES_256_CM_HMAC_SHA1_80(32, 14, 10, 10, false),
    AES_256_CM_HMAC_SHA1_32(32, 14, 4, 10, false),
    AEAD_AES_128_GCM(16, 12, 16, 16, true),
    AEAD_AES_256_GCM(32, 12, 16, 16, true);

    /** RFC 4568 section 6.2.1 / RFC 6188 / RFC 7714: a master key protects at most 2^48 SRTP packets. */
    public static final long MAX_LIFETIME = 1L << 48;

    private final int keyLength;
    private final int saltLength;
    private final int srtpTagLength;
    private final int srtcpTagLength;
    private final boolean aead;

    SrtpSuite(int keyLength, int saltLength, int srtpTagLength, int srtcpTagLength, boolean aead) {
        this.keyLength = keyLength;
        this.saltLength = saltLength;
        this.srtpTagLength = srtpTagLength;
        this.srtcpTagLength = srtcpTagLength;
        this.aead = aead;
    }

    /** Master key length in bytes. */
    public int keyLength() {
        return keyLength;
    }

    /** Master salt length in bytes. */
    public int saltLength() {
        return saltLength;
    }

    /** Length in bytes of the inline key||salt. */
    public int keySaltLength() {
        return keyLength + saltLength;
    }

    /** SRTP authentication tag length in bytes (the _32 suites shorten only SRTP, RFC 4568 6.2.2). */
    public int srtpTagLength() {
        return srtpTagLength;
    }

    /** SRTCP authentication tag length in bytes. */
    public int srtcpTagLength() {
        return srtcpTagLength;
    }

    /** Whether this is an AEAD (AES-GCM, RFC 7714) suite. */
    public boolean aead() {
        return aead;
    }

    /** The suite with this exact RFC spelling (case-sensitive, as RFC 4568's grammar is). */
    public static Optional<SrtpSuite> bySdesName(String name) {
        for (SrtpSuite s : values()) {
            if (s.name().equals(name)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }
}
