// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.core.auth;

import java.util.Optional;

/** Supplies the stored HA1 (RFC 7616 s.3.4.2) of a user for one algorithm. */
@FunctionalInterface
public interface Ha1Lookup {
    /**
     * @return the lowercase hex HA1, or empty for unknown or disabled users
     */
    Optional<String> ha1(String username, DigestAlgorithm algorithm);
}
