// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.core.auth;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;

/**
 * Digest authentication settings (RFC 3261 s.22, RFC 7616, RFC 8760).
 *
 * @param realm the protection realm (RFC 7616 s.3.3); HA1 values depend on it
 * @param nonceLifetime how long an issued nonce stays valid before it is answered with
 *     {@code stale=true}
 * @param maxTrackedNonces upper bound of nonces whose nonce-count is remembered
 * @param algorithms algorithms offered, in challenge order (RFC 8760 s.2.4: preferred first)
 */
public record DigestConfig(String realm, Duration nonceLifetime, int maxTrackedNonces,
        List<DigestAlgorithm> algorithms) {

    public DigestConfig {
        Objects.requireNonNull(realm, "realm");
        Objects.requireNonNull(nonceLifetime, "nonceLifetime");
        Objects.requireNonNull(algorithms, "algorithms");
        if (realm.isBlank()) {
            throw new IllegalArgumentException("realm must not be blank");
        }
        if (realm.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw new IllegalArgumentException("realm must not contain control characters");
        }
        if (nonceLifetime.isNegative() || nonceLifetime.isZero()) {
            throw new IllegalArgumentException("nonceLifetime must be positive");
        }
        if (maxTrackedNonces < 1) {
            throw new IllegalArgumentException("maxTrackedNonces must be at least 1");
        }
        if (algorithms.isEmpty()) {
            throw new IllegalArgumentException("algorithms must not be empty");
        }
        if (algorithms.stream().anyMatch(Objects::isNull)) {
            throw new IllegalArgumentException("algorithms must not contain null");
        }
        if (EnumSet.copyOf(algorithms).size() != algorithms.size()) {
            throw new IllegalArgumentException("algorithms must not contain duplicates");
        }
        algorithms = List.copyOf(algorithms);
    }

    /** 300 s nonce lifetime, 100,000 tracked nonces, SHA-256 then MD5. */
    public static DigestConfig defaults(String realm) {
        return new DigestConfig(realm, Duration.ofSeconds(300), 100_000,
                List.of(DigestAlgorithm.SHA_256, DigestAlgorithm.MD5));
    }
}
