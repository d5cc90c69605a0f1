// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.core.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;

/**
 * Digest algorithms for HTTP/SIP digest authentication, spelled as the {@code algorithm}
 * parameter spells them (RFC 7616 s.3.3, RFC 8760 s.2 for SIP).
 *
 * <p>The "-sess" variants (RFC 7616 s.3.4.2) are deliberately unsupported: SIP user agents
 * rarely implement them and they add server state without a security gain for SIP.
 */
public enum DigestAlgorithm {
    /** SHA-256, RFC 7616 s.3.3 / RFC 8760 s.2.1; preferred. */
    SHA_256("SHA-256", "SHA-256"),
    /** MD5, RFC 2617 s.3.2.1 / RFC 3261 s.22.4; kept for legacy user agents. */
    MD5("MD5", "MD5");

    private static final HexFormat HEX = HexFormat.of();

    private final String token;
    private final String jcaName;
    /**
     * One digest per thread for {@link #hexDigest}: {@code MessageDigest.getInstance} looks the algorithm up among the
     * security providers on every call, which cost about as much as hashing the few dozen bytes of a digest
     * computation. {@code digest()} leaves it reset for the next use.
     */
    private final ThreadLocal<MessageDigest> perThread = ThreadLocal.withInitial(this::newDigest);

    DigestAlgorithm(String token, String jcaName) {
        this.token = token;
        this.jcaName = jcaName;
    }

    /** The value of the {@code algorithm} parameter, e.g. {@code SHA-256}. */
    public String token() {
        return token;
    }

    /**
     * Looks up an algorithm by its {@code algorithm} parameter value, case-insensitively.
     *
     * @return empty for null, unknown values and the unsupported "-sess" variants
     */
    public static Optional<DigestAlgorithm> fromToken(String token) {
        if (token == null) {
            return Optional.empty();
        }
        String t = token.trim().toUpperCase(Locale.ROOT);
        for (DigestAlgorithm a : values()) {
            if (a.token.equals(t)) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }

    /** Lowercase hex of H(UTF-8 bytes of {@code input}), the H() of RFC 7616 s.3.4. */
    public String hexDigest(String input) {
        return HEX.formatHex(perThread.get().digest(input.getBytes(StandardCharsets.UTF_8)));
    }

    /** Length of {@link #hexDigest} output in characters. */
    public int hexLength() {
        return this == MD5 ? 32 : 64;
    }

    /** A fresh {@link MessageDigest} for this algorithm. */
    MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance(jcaName);
        } catch (NoSuchAlgorithmException e) {
            // Every Java SE platform must provide MD5 and SHA-256.
            throw new IllegalStateException("JCA lacks " + jcaName, e);
        }
    }
}
