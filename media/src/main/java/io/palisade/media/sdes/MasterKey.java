// Copyright (C) the Palisade authors. SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.media.sdes;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * One RFC 4568 inline key parameter (section 6.1): master key, master salt, optional lifetime and
 * optional MKI. The key bytes are copied in and out, compared in constant time, zeroed by
 * {@link #destroy()}, and never shown by {@link #toString()}.
 */
public final class MasterKey {
    private final byte[] key;
    private final byte[] salt;
    private final long lifetime;
    private final int mkiValue;
    private final int mkiLength;
    private volatile boolean destroyed;

    /**
     * @param lifetime packets this key may protect, or 0 for the suite default
     * @param mkiValue the MKI value (ignored when {@code mkiLength} is 0)
     * @param mkiLength MKI length in bytes, 0 for no MKI, at most 4
     */
    public MasterKey(byte[] key, byte[] salt, long lifetime, int mkiValue, int mkiLength) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(salt, "salt");
        if (lifetime < 0 || lifetime > SrtpSuite.MAX_LIFETIME) {
            throw new IllegalArgumentException("lifetime out of range");
        }
        if (mkiLength < 0 || mkiLength > 4) {
            throw new IllegalArgumentException("MKI length must be 0..4");
        }
        this.key = key.clone();
        this.salt = salt.clone();
        this.lifetime = lifetime;
        this.mkiValue = mkiValue;
        this.mkiLength = mkiLength;
    }

    /** A copy of the master key: the caller zeroes it after use. */
    public byte[] key() {
        checkLive();
        return key.clone();
    }

    /** A copy of the master salt: the caller zeroes it after use. */
    public byte[] salt() {
        checkLive();
        return salt.clone();
    }

    /** Lifetime in packets, if the line gave one. */
    public OptionalLong lifetime() {
        return lifetime == 0 ? OptionalLong.empty() : OptionalLong.of(lifetime);
    }

    /** The MKI value, if the line gave one. */
    public OptionalInt mki() {
        return mkiLength == 0 ? OptionalInt.empty() : OptionalInt.of(mkiValue);
    }

    /** MKI length in bytes, 0 when there is none. */
    public int mkiLength() {
        return mkiLength;
    }

    /** Same key, salt, lifetime and MKI; the byte comparison takes constant time. */
    public boolean sameKeyAs(MasterKey other) {
        return other != null
                && MessageDigest.isEqual(key, other.key)
                & MessageDigest.isEqual(salt, other.salt)
                & lifetime == other.lifetime
                & mkiValue == other.mkiValue
                & mkiLength == other.mkiLength;
    }

    /** Zeroes the key and salt; later reads fail. */
    public void destroy() {
        destroyed = true;
        Arrays.fill(key, (byte) 0);
        Arrays.fill(salt, (byte) 0);
    }

    public boolean isDestroyed() {
        return destroyed;
    }

    byte[] keySaltForEncoding() {
        checkLive();
        byte[] out = new byte[key.length + salt.length];
        System.arraycopy(key, 0, out, 0, key.length);
        System.arraycopy(salt, 0, out, key.length, salt.length);
        return out;
    }

    private void checkLive() {
        if (destroyed) {
            throw new IllegalStateException("master key destroyed");
        }
    }

    @Override
    public String toString() {
        return "MasterKey[" + (key.length * 8) + "-bit key, redacted"
                + (lifetime == 0 ? "" : ", lifetime=" + lifetime)
                + (mkiLength == 0 ? "" : ", mki=" + mkiValue + ":" + mkiLength) + "]";
    }
}
