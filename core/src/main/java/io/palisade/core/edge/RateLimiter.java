// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.core.edge;

import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Token buckets keyed by source address or user name, with a hard bound on how many keys it tracks: a flood from
 * spoofed addresses first evicts idle buckets and then shares one overflow bucket, so the heap stays bounded.
 */
final class RateLimiter {
    private final EdgeConfig.Rate rate;
    private final int maxKeys;
    private final Map<String, TokenBucket> buckets = new ConcurrentHashMap<>();
    private final TokenBucket overflow;
    private volatile long lastEviction = Long.MIN_VALUE;

    RateLimiter(EdgeConfig.Rate rate, int maxKeys, long now) {
        this.rate = rate;
        this.maxKeys = maxKeys;
        this.overflow = new TokenBucket(rate, now);
    }

    /** The bucket for {@code key}, created full on first use. */
    TokenBucket bucket(String key, long now) {
        TokenBucket b = buckets.get(key);
        if (b != null) {
            return b;
        }
        if (buckets.size() >= maxKeys) {
            if (lastEviction == Long.MIN_VALUE || now - lastEviction > 1_000_000_000L) {
                lastEviction = now; // a scan per second at most: new sources in a flood must stay O(1)
                evictIdle(now, 10_000_000_000L);
            }
            if (buckets.size() >= maxKeys) {
                return overflow;
            }
        }
        return buckets.computeIfAbsent(key, k -> new TokenBucket(rate, now));
    }

    /** Forgets buckets unused for {@code idleNanos} (a bucket idle that long is full again anyway). */
    void evictIdle(long now, long idleNanos) {
        for (Iterator<TokenBucket> it = buckets.values().iterator(); it.hasNext(); ) {
            if (now - it.next().lastUsed > idleNanos) {
                it.remove();
            }
        }
    }

    int size() {
        return buckets.size();
    }
}
