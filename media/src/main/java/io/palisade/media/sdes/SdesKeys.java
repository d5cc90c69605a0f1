// Copyright (C) the Palisade authors. SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.media.sdes;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;

/** Fresh SDES master keys from {@link SecureRandom}: each call is independent of every other. */
public final class SdesKeys {
    private static final SecureRandom RANDOM = new SecureRandom();

    private SdesKeys() {
    }

    /** A new attribute for {@code suite} with a fresh random key and salt, no lifetime, no MKI. */
    public static CryptoAttribute fresh(int tag, SrtpSuite suite, SessionParams params) {
        byte[] key = new byte[suite.keyLength()];
        byte[] salt = new byte[suite.saltLength()];
        RANDOM.nextBytes(key);
        RANDOM.nextBytes(salt);
        try {
            return new CryptoAttribute(tag, suite, List.of(new MasterKey(key, salt, 0, 0, 0)), params);
        } finally {
            Arrays.fill(key, (byte) 0);
            Arrays.fill(salt, (byte) 0);
        }
    }
}
