// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.core.location;

/**
 * Registrar limits (RFC 3261 s.10.3 steps 7-8, s.20.23 Min-Expires).
 *
 * @param minExpires shortest accepted registration (423 below it), seconds
 * @param maxExpires longest registration granted (longer requests are shortened), seconds
 * @param defaultExpires used when neither the contact nor the Expires header asks, seconds
 * @param maxContactsPerAor bindings one address-of-record may hold
 */
public record RegistrarConfig(int minExpires, int maxExpires, int defaultExpires, int maxContactsPerAor) {

    public RegistrarConfig {
        if (minExpires < 1) {
            throw new IllegalArgumentException("minExpires must be at least 1");
        }
        if (maxExpires < minExpires) {
            throw new IllegalArgumentException("maxExpires must not be below minExpires");
        }
        if (defaultExpires < minExpires || defaultExpires > maxExpires) {
            throw new IllegalArgumentException("defaultExpires must lie between minExpires and maxExpires");
        }
        if (maxContactsPerAor < 1) {
            throw new IllegalArgumentException("maxContactsPerAor must be at least 1");
        }
    }

    /** 60 s minimum, 3600 s maximum and default, 10 contacts per address-of-record. */
    public static RegistrarConfig defaults() {
        return new RegistrarConfig(60, 3600, 3600, 10);
    }
}
