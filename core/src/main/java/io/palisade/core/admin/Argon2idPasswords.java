// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.core.admin;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Admin password hashing with Argon2id (RFC 9106), stored in the PHC string format
 * {@code $argon2id$v=19$m=<KiB>,t=<passes>,p=<lanes>$<salt>$<hash>} (unpadded base64). The default cost is the
 * OWASP recommendation for Argon2id (19 MiB, 2 passes, 1 lane): about 30 ms on one core.
 * Verification compares in constant time and reads the parameters from the stored string, so the cost can rise
 * later without invalidating old hashes ({@link #needsRehash} tells when).
 */
public final class Argon2idPasswords {
    private static final Pattern PHC = Pattern.compile(
            "\\$argon2id\\$v=19\\$m=(\\d{1,7}),t=(\\d{1,3}),p=(\\d{1,2})\\$([A-Za-z0-9+/]{16,})\\$([A-Za-z0-9+/]{16,})");
    private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getDecoder();
    private static final SecureRandom RANDOM = new SecureRandom();

    private final int memoryKiB;
    private final int iterations;
    private final int parallelism;

    public Argon2idPasswords(int memoryKiB, int iterations, int parallelism) {
        if (memoryKiB < 8 * parallelism || iterations < 1 || parallelism < 1) {
            throw new IllegalArgumentException("invalid Argon2id cost");
        }
        this.memoryKiB = memoryKiB;
        this.iterations = iterations;
        this.parallelism = parallelism;
    }

    /** OWASP's recommended minimum for Argon2id. */
    public static Argon2idPasswords defaults() {
        return new Argon2idPasswords(19 * 1024, 2, 1);
    }

    /** Hashes {@code password} with a fresh 16-byte salt. Does not modify {@code password}. */
    public String hash(char[] password) {
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        byte[] out = derive(password, salt, memoryKiB, iterations, parallelism, 32);
        try {
            return "$argon2id$v=19$m=" + memoryKiB + ",t=" + iterations + ",p=" + parallelism + "$"
                    + B64.encodeToString(salt) + "$" + B64.encodeToString(out);
        } finally {
            Arrays.fill(out, (byte) 0);
        }
    }

    /** True when {@code password} matches {@code stored}; false for a malformed stored value. */
    public boolean verify(char[] password, String stored) {
        Optional<Params> p = parse(stored);
        if (p.isEmpty()) {
            return false;
        }
        Params x = p.get();
        byte[] actual = derive(password, x.salt, x.memoryKiB, x.iterations, x.parallelism, x.hash.length);
        try {
            return MessageDigest.isEqual(actual, x.hash);
        } finally {
            Arrays.fill(actual, (byte) 0);
        }
    }

    /** True when {@code stored} was made with a different cost than this hasher's. */
    public boolean needsRehash(String stored) {
        return parse(stored).map(p -> p.memoryKiB != memoryKiB || p.iterations != iterations
                || p.parallelism != parallelism).orElse(true);
    }

    /** The raw Argon2id function (RFC 9106 section 3), for the known-answer test and for {@link #hash}. */
    static byte[] derive(char[] password, byte[] salt, int memoryKiB, int iterations, int parallelism, int length) {
        return derive(password, salt, null, null, memoryKiB, iterations, parallelism, length);
    }

    static byte[] derive(char[] password, byte[] salt, byte[] secret, byte[] additional, int memoryKiB, int iterations,
            int parallelism, int length) {
        byte[] pw = utf8(password);
        return derive(pw, salt, secret, additional, memoryKiB, iterations, parallelism, length, true);
    }

    static byte[] derive(byte[] pw, byte[] salt, byte[] secret, byte[] additional, int memoryKiB, int iterations,
            int parallelism, int length, boolean zeroPassword) {
        try {
            Argon2Parameters.Builder b = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                    .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                    .withSalt(salt).withMemoryAsKB(memoryKiB).withIterations(iterations).withParallelism(parallelism);
            if (secret != null) {
                b.withSecret(secret);
            }
            if (additional != null) {
                b.withAdditional(additional);
            }
            Argon2BytesGenerator gen = new Argon2BytesGenerator();
            gen.init(b.build());
            byte[] out = new byte[length];
            gen.generateBytes(pw, out);
            return out;
        } finally {
            if (zeroPassword) {
                Arrays.fill(pw, (byte) 0);
            }
        }
    }

    private static byte[] utf8(char[] password) {
        ByteBuffer bb = StandardCharsets.UTF_8.encode(CharBuffer.wrap(password));
        byte[] out = new byte[bb.remaining()];
        bb.get(out);
        if (bb.hasArray()) {
            Arrays.fill(bb.array(), (byte) 0);
        }
        return out;
    }

    private record Params(int memoryKiB, int iterations, int parallelism, byte[] salt, byte[] hash) {
    }

    private static Optional<Params> parse(String stored) {
        if (stored == null) {
            return Optional.empty();
        }
        Matcher m = PHC.matcher(stored);
        if (!m.matches()) {
            return Optional.empty();
        }
        try {
            int mem = Integer.parseInt(m.group(1));
            int t = Integer.parseInt(m.group(2));
            int p = Integer.parseInt(m.group(3));
            byte[] hash = B64D.decode(m.group(5));
            if (p < 1 || t < 1 || mem < 8 * p || mem > 4 * 1024 * 1024 || hash.length < 16) {
                return Optional.empty();
            }
            return Optional.of(new Params(mem, t, p, B64D.decode(m.group(4)), hash));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    @Override
    public String toString() {
        return "Argon2idPasswords[m=" + memoryKiB + ",t=" + iterations + ",p=" + parallelism + "]";
    }
}
