// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.core.auth;

/** Why {@link DigestAuthenticator} answered with a challenge (401/407). */
public enum ChallengeReason {
    /** No credentials at all. */
    NO_CREDENTIALS,
    /** Correct credentials on an expired nonce; the challenge carries {@code stale=true}. */
    STALE_NONCE,
    /** The nonce was not issued by us (garbage, tampered, from the future). */
    INVALID_NONCE,
    /** Known user, wrong response: a failed attempt. */
    WRONG_PASSWORD,
    /** Unknown or disabled user: a failed attempt. */
    UNKNOWN_USER,
    /** Correct response but the nonce-count was not higher than before (a replay, RFC 7616 s.5.5). */
    REPLAYED_NONCE_COUNT,
    /** Credentials exist, but none for our realm. */
    WRONG_REALM;

    /** True for outcomes that count as a failed password guess (brute-force accounting). */
    public boolean isFailedAttempt() {
        return this == WRONG_PASSWORD || this == UNKNOWN_USER;
    }
}
