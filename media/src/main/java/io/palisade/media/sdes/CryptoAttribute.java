// Copyright (C) the Palisade authors. SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.media.sdes;

import java.util.Base64;
import java.util.List;
import java.util.Objects;

/**
 * One parsed {@code a=crypto} attribute (RFC 4568 section 9.1). {@link #toSdpValue()} writes it
 * back, keys included, for an SDP body; {@link #toString()} never contains key material.
 */
public record CryptoAttribute(int tag, SrtpSuite suite, List<MasterKey> keys, SessionParams params) {

    public CryptoAttribute {
        Objects.requireNonNull(suite, "suite");
        Objects.requireNonNull(params, "params");
        keys = List.copyOf(keys);
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("at least one key");
        }
        if (tag < 0 || tag > 999_999_999) {
            throw new IllegalArgumentException("tag out of range");
        }
    }

    /** The first (current) master key. */
    public MasterKey key() {
        return keys.get(0);
    }

    /** Same suite, keys and session parameters (the tag is not compared). */
    public boolean sameKeyingAs(CryptoAttribute other) {
        if (other == null || other.suite != suite || other.keys.size() != keys.size() || !other.params.equals(params)) {
            return false;
        }
        boolean same = true;
        for (int i = 0; i < keys.size(); i++) {
            same &= keys.get(i).sameKeyAs(other.keys.get(i));
        }
        return same;
    }

    /** The attribute value after {@code a=crypto:}, keys included: only for an SDP body on a TLS leg. */
    public String toSdpValue() {
        StringBuilder sb = new StringBuilder(96);
        sb.append(tag).append(' ').append(suite.name()).append(' ');
        for (int i = 0; i < keys.size(); i++) {
            MasterKey k = keys.get(i);
            if (i > 0) {
                sb.append(';');
            }
            byte[] ks = k.keySaltForEncoding();
            sb.append("inline:").append(Base64.getEncoder().encodeToString(ks));
            java.util.Arrays.fill(ks, (byte) 0);
            k.lifetime().ifPresent(l -> sb.append('|').append(formatLifetime(l)));
            k.mki().ifPresent(m -> sb.append('|').append(Integer.toUnsignedString(m)).append(':').append(k.mkiLength()));
        }
        String sp = params.toSdp();
        if (!sp.isEmpty()) {
            sb.append(' ').append(sp);
        }
        return sb.toString();
    }

    private static String formatLifetime(long l) {
        if (Long.bitCount(l) == 1) {
            return "2^" + Long.numberOfTrailingZeros(l);
        }
        return Long.toString(l);
    }

    /** Zeroes every key of this attribute. */
    public void destroy() {
        keys.forEach(MasterKey::destroy);
    }

    @Override
    public String toString() {
        return "CryptoAttribute[tag=" + tag + ", suite=" + suite + ", keys=" + keys.size() + " (redacted)"
                + (params.equals(SessionParams.NONE) ? "" : ", params=" + params.toSdp()) + "]";
    }
}
