// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.core.call;

import java.time.Duration;
import java.util.Objects;

/**
 * Call settings, validated once.
 *
 * @param maxDuration a call still up after this long is ended with BYE on both legs
 * @param noAnswerTimeout the callee's branches are cancelled and the caller gets 408 after this long without 2xx
 */
public record CallConfig(Duration maxDuration, Duration noAnswerTimeout) {
    public static final CallConfig DEFAULT = new CallConfig(Duration.ofHours(4), Duration.ofSeconds(60));

    public CallConfig {
        Objects.requireNonNull(maxDuration, "maxDuration");
        Objects.requireNonNull(noAnswerTimeout, "noAnswerTimeout");
        if (maxDuration.isNegative() || maxDuration.isZero() || noAnswerTimeout.isNegative() || noAnswerTimeout.isZero()) {
            throw new IllegalArgumentException("call durations must be positive");
        }
    }
}
