// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.core.subscriber;

import io.palisade.core.auth.DigestAlgorithm;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A SIP subscriber as stored: HA1 values per algorithm (RFC 7616 s.3.4.2), never a password.
 * {@link #toString()} masks the HA1 values, which are password equivalents for the realm.
 */
public record Subscriber(String username, String displayName, boolean enabled, String ha1Md5,
        String ha1Sha256, Instant createdAt) {

    public Subscriber {
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(createdAt, "createdAt");
    }

    /** The stored HA1 for {@code algorithm}, if any. */
    public Optional<String> ha1(DigestAlgorithm algorithm) {
        return Optional.ofNullable(switch (algorithm) {
            case MD5 -> ha1Md5;
            case SHA_256 -> ha1Sha256;
        });
    }

    @Override
    public String toString() {
        return "Subscriber[username=" + username + ", displayName=" + displayName + ", enabled=" + enabled
                + ", ha1Md5=***, ha1Sha256=***, createdAt=" + createdAt + "]";
    }
}
