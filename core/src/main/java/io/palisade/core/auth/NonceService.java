// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.core.auth;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Issues and verifies stateless, server-signed nonces (RFC 7616 s.3.3 and s.5.4; RFC 3261
 * s.22.1 leaves the nonce format to the server).
 *
 * <p>A nonce is base64url without padding of 32 bytes:
 * {@code issue time (8 bytes, epoch millis, big endian) || 8 random bytes ||
 * first 16 bytes of HMAC-SHA256(secret, first 16 bytes)}. Verification needs no server
 * state, so any node that shares the secret can verify; replay protection comes from
 * {@link NonceCountTracker}. Verification returns a value and never throws.
 *
 * <p>The secret is copied in and never appears in {@link #toString()} or messages.
 */
public final class NonceService {
    /** Raw nonce length in bytes. */
    static final int RAW_LENGTH = 32;
    /** Encoded length: 32 bytes in unpadded base64 take 43 characters. */
    static final int ENCODED_LENGTH = 43;
    /** Tolerated clock difference for nonces issued by another node whose clock runs ahead. */
    static final long MAX_FUTURE_SKEW_MILLIS = 5_000;
    private static final int MIN_SECRET_BYTES = 32;
    private static final String HMAC = "HmacSHA256";
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();
    private static final SecureRandom RANDOM = new SecureRandom();
    /**
     * The random part of each nonce, from a generator per thread (each a DRBG seeded by the platform): the platform's
     * default generator reads under one lock shared by every thread, and took more than half of the time spent issuing
     * a nonce.
     */
    private static final ThreadLocal<SecureRandom> NONCE_RANDOM = ThreadLocal.withInitial(NonceService::drbg);

    private final SecretKeySpec key;
    private final long lifetimeMillis;
    private final Clock clock;
    /**
     * One initialised MAC per thread: {@code Mac.getInstance} walks the security providers on every call, which cost
     * more than the HMAC itself (about 1.5 % of a registration's CPU). A Mac is not thread-safe, hence per thread.
     */
    private final ThreadLocal<Mac> macs = ThreadLocal.withInitial(this::newMac);

    /**
     * @param secret at least 32 bytes; copied
     * @param lifetime how long a nonce is {@link NonceCheck#VALID}; positive
     * @param clock time source (inject a fixed clock in tests)
     */
    public NonceService(byte[] secret, Duration lifetime, Clock clock) {
        Objects.requireNonNull(secret, "secret");
        Objects.requireNonNull(lifetime, "lifetime");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (secret.length < MIN_SECRET_BYTES) {
            throw new IllegalArgumentException("nonce secret must be at least " + MIN_SECRET_BYTES + " bytes");
        }
        if (lifetime.isNegative() || lifetime.isZero()) {
            throw new IllegalArgumentException("nonce lifetime must be positive");
        }
        byte[] copy = secret.clone();
        this.key = new SecretKeySpec(copy, HMAC);
        Arrays.fill(copy, (byte) 0); // SecretKeySpec keeps its own copy
        this.lifetimeMillis = lifetime.toMillis();
        // Fail at construction, not on the first request, if HMAC is unavailable.
        newMac();
    }

    /** Result of {@link #verify(String)}. */
    public enum NonceCheck {
        /** Signed by us and younger than the lifetime. */
        VALID,
        /** Signed by us but older than the lifetime: challenge with {@code stale=true}. */
        STALE,
        /** Not a nonce of ours: garbage, tampered, wrong length or from the future. */
        INVALID
    }

    /** 32 bytes from {@link SecureRandom}, suitable as a nonce secret. */
    public static byte[] newSecret() {
        byte[] s = new byte[MIN_SECRET_BYTES];
        RANDOM.nextBytes(s);
        return s;
    }

    private static SecureRandom drbg() {
        try {
            return SecureRandom.getInstance("DRBG");
        } catch (java.security.NoSuchAlgorithmException e) {
            return new SecureRandom(); // every JDK since 9 has DRBG; the default generator is as good, only shared
        }
    }

    /** Issues a fresh nonce stamped with the current time. */
    public String issue() {
        byte[] raw = new byte[RAW_LENGTH];
        ByteBuffer.wrap(raw).putLong(clock.millis());
        byte[] rnd = new byte[8];
        NONCE_RANDOM.get().nextBytes(rnd);
        System.arraycopy(rnd, 0, raw, 8, 8);
        byte[] mac = mac(raw);
        System.arraycopy(mac, 0, raw, 16, 16);
        return ENCODER.encodeToString(raw);
    }

    /** Verifies a nonce received in an Authorization header. Never throws. */
    public NonceCheck verify(String nonce) {
        return check(nonce).check();
    }

    /** A verification result with the issue time (only meaningful unless INVALID). */
    record Verification(NonceCheck check, long issuedAtMillis) {
        static final Verification INVALID = new Verification(NonceCheck.INVALID, Long.MIN_VALUE);
    }

    /** Like {@link #verify} but also returns the signed issue time. */
    Verification check(String nonce) {
        if (nonce == null || nonce.length() != ENCODED_LENGTH) {
            return Verification.INVALID;
        }
        for (int i = 0; i < ENCODED_LENGTH; i++) {
            char c = nonce.charAt(i);
            boolean ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '_';
            if (!ok) {
                return Verification.INVALID;
            }
        }
        byte[] raw;
        try {
            raw = DECODER.decode(nonce);
        } catch (IllegalArgumentException e) {
            return Verification.INVALID;
        }
        // Reject non-canonical encodings (unused low bits set in the last character), so one
        // nonce has exactly one spelling; nonce-count tracking is keyed by the string.
        if (raw.length != RAW_LENGTH || !ENCODER.encodeToString(raw).equals(nonce)) {
            return Verification.INVALID;
        }
        byte[] expected = Arrays.copyOf(mac(raw), 16);
        byte[] actual = Arrays.copyOfRange(raw, 16, RAW_LENGTH);
        if (!MessageDigest.isEqual(expected, actual)) {
            return Verification.INVALID;
        }
        long issued = ByteBuffer.wrap(raw).getLong();
        long now = clock.millis();
        if (issued > now + MAX_FUTURE_SKEW_MILLIS) {
            return Verification.INVALID;
        }
        if (now - issued > lifetimeMillis) {
            return new Verification(NonceCheck.STALE, issued);
        }
        return new Verification(NonceCheck.VALID, issued);
    }

    private byte[] mac(byte[] raw) {
        Mac mac = macs.get();
        mac.update(raw, 0, 16);
        return mac.doFinal(); // doFinal also resets it for the next use on this thread
    }

    private Mac newMac() {
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(key);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    @Override
    public String toString() {
        return "NonceService[lifetimeMillis=" + lifetimeMillis + ", secret=***]";
    }
}
