// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.core.edge;

/**
 * A token bucket (refilled continuously at {@code perSecond}, holding at most {@code burst}). Time comes in as
 * nanoseconds so tests drive it without sleeping. Thread-safe; contention is per bucket, i.e. per source.
 */
final class TokenBucket {
    private final double perNano;
    private final double burst;
    private double tokens;
    private long refilledAt;
    /** When this bucket last answered "over the limit" with a 503 (the next refusals within a second are silent). */
    long lastRefusalAnswered = Long.MIN_VALUE;
    volatile long lastUsed;

    TokenBucket(EdgeConfig.Rate rate, long now) {
        this.perNano = rate.perSecond() / 1e9;
        this.burst = rate.burst();
        this.tokens = rate.burst();
        this.refilledAt = now;
        this.lastUsed = now;
    }

    /** Takes one token if there is one. */
    synchronized boolean tryTake(long now) {
        lastUsed = now;
        if (now > refilledAt) {
            tokens = Math.min(burst, tokens + (now - refilledAt) * perNano);
            refilledAt = now;
        }
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }

    /** Seconds until a token is back, at least 1. */
    synchronized int secondsUntilToken() {
        double missing = 1 - tokens;
        return (int) Math.max(1, Math.ceil(missing / (perNano * 1e9)));
    }

    /** True once per second of refusals: the first refusal is answered (503), the rest are silent. */
    synchronized boolean answerRefusal(long now) {
        if (lastRefusalAnswered == Long.MIN_VALUE || now - lastRefusalAnswered >= 1_000_000_000L) {
            lastRefusalAnswered = now;
            return true;
        }
        return false;
    }
}
