// Copyright (C) the Palisade authors. SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.media.sdes;

/**
 * Safe limits for {@link CryptoParser}, in one validated value.
 *
 * @param maxLineLength longest attribute accepted, in characters
 * @param maxKeyParams most inline key parameters accepted in one line
 * @param maxCryptoLines most {@code a=crypto} lines considered in one media description
 */
public record SdesLimits(int maxLineLength, int maxKeyParams, int maxCryptoLines) {
    public static final SdesLimits DEFAULT = new SdesLimits(1024, 8, 32);

    public SdesLimits {
        if (maxLineLength < 64 || maxKeyParams < 1 || maxCryptoLines < 1) {
            throw new IllegalArgumentException("SDES limits too small");
        }
    }
}
