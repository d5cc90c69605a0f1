// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.core.call;

import java.time.Duration;
import java.util.Objects;

/**
 * Call settings, validated once.
 *
 * @param maxDuration a call still up after this long is ended with BYE on both legs
 * @param noAnswerTimeout the callee's branches are cancelled and the caller gets 408 after this long without 2xx
 * @param sessionExpires the Session-Expires the B2BUA asks for on the callee's leg (RFC 4028)
 * @param minSessionExpires the smallest Session-Expires accepted on the caller's leg (Min-SE; smaller gets 422)
 * @param maxRedirects 3xx responses from the callee that are followed within one call (to our own users only)
 */
public record CallConfig(Duration maxDuration, Duration noAnswerTimeout, Duration sessionExpires,
                         Duration minSessionExpires, int maxRedirects) {
    public static final CallConfig DEFAULT = new CallConfig(Duration.ofHours(4), Duration.ofSeconds(60));

    public CallConfig {
        Objects.requireNonNull(maxDuration, "maxDuration");
        Objects.requireNonNull(noAnswerTimeout, "noAnswerTimeout");
        Objects.requireNonNull(sessionExpires, "sessionExpires");
        Objects.requireNonNull(minSessionExpires, "minSessionExpires");
        if (maxDuration.isNegative() || maxDuration.isZero() || noAnswerTimeout.isNegative() || noAnswerTimeout.isZero()) {
            throw new IllegalArgumentException("call durations must be positive");
        }
        if (minSessionExpires.toSeconds() < 1 || sessionExpires.compareTo(minSessionExpires) < 0) {
            throw new IllegalArgumentException("session expiry must be positive and not below the minimum");
        }
        if (maxRedirects < 0 || maxRedirects > 10) {
            throw new IllegalArgumentException("maxRedirects must be 0..10");
        }
    }

    public CallConfig(Duration maxDuration, Duration noAnswerTimeout) {
        this(maxDuration, noAnswerTimeout, Duration.ofSeconds(1800), Duration.ofSeconds(SessionTimer.RFC_MIN_SE), 3);
    }
}
