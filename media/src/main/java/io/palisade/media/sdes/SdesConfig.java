// Copyright (C) the Palisade authors. SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.media.sdes;

import java.util.EnumSet;
import java.util.List;
import java.util.Objects;

/**
 * SDES policy for one leg (per user or trunk): the suites allowed, most preferred first, and
 * whether SRTP is required.
 *
 * @param allowUnencryptedSrtp whether a peer may choose UNENCRYPTED_SRTP (RFC 4568 6.3.2): audio
 *     authenticated but in clear on this leg. Off by default: the security model promises
 *     confidential media. UNENCRYPTED_SRTCP (reports only, still authenticated) is always accepted,
 *     and an encrypted line is always preferred to a clear one.
 */
public record SdesConfig(List<SrtpSuite> suites, MediaSecurity security, SdesLimits limits, boolean allowUnencryptedSrtp) {

    /** AES_CM_128_HMAC_SHA1_80 first (RFC 4568's mandatory suite, understood by every phone). */
    public static final List<SrtpSuite> DEFAULT_SUITES = List.of(
            SrtpSuite.AES_CM_128_HMAC_SHA1_80,
            SrtpSuite.AEAD_AES_256_GCM,
            SrtpSuite.AEAD_AES_128_GCM,
            SrtpSuite.AES_256_CM_HMAC_SHA1_80,
            SrtpSuite.AES_CM_128_HMAC_SHA1_32,
            SrtpSuite.AES_256_CM_HMAC_SHA1_32);

    public static final SdesConfig DEFAULT = new SdesConfig(DEFAULT_SUITES, MediaSecurity.SRTP_REQUIRED, SdesLimits.DEFAULT);

    public SdesConfig {
        Objects.requireNonNull(security, "security");
        Objects.requireNonNull(limits, "limits");
        suites = List.copyOf(suites);
        if (security != MediaSecurity.RTP_ONLY && suites.isEmpty()) {
            throw new IllegalArgumentException("SRTP needs at least one suite");
        }
        if (EnumSet.copyOf(suites.isEmpty() ? List.of(SrtpSuite.AES_CM_128_HMAC_SHA1_80) : suites).size()
                != Math.max(1, suites.size())) {
            throw new IllegalArgumentException("a suite is listed twice");
        }
    }

    /** A leg that refuses UNENCRYPTED_SRTP. */
    public SdesConfig(List<SrtpSuite> suites, MediaSecurity security, SdesLimits limits) {
        this(suites, security, limits, false);
    }

    /** The same policy, with UNENCRYPTED_SRTP allowed or not. */
    public SdesConfig withUnencryptedSrtp(boolean allow) {
        return new SdesConfig(suites, security, limits, allow);
    }

    public static SdesConfig of(MediaSecurity security, SrtpSuite... suites) {
        return new SdesConfig(List.of(suites), security, SdesLimits.DEFAULT);
    }

    /** Preference rank of a suite, lower is better; -1 when not allowed. */
    public int rank(SrtpSuite s) {
        return suites.indexOf(s);
    }
}
