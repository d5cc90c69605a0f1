// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.core.admin;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Slows down password guessing at the console: after {@code freeFailures} failed sign-ins for one user name, or
 * from one address, each further failure locks that key out for twice as long as the previous one (1 s, 2 s, 4 s
 * ... up to {@code maxLockout}). A success clears the user name's count. In memory: a restart forgets it, which
 * costs an attacker a restart he cannot cause. The tables are bounded, evicting the oldest keys.
 */
public final class SignInThrottle {
    private static final int MAX_KEYS = 10_000;

    private final int freeFailures;
    private final Duration maxLockout;
    private final Clock clock;
    private final Map<String, Attempts> entries = new LinkedHashMap<>(64, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Attempts> eldest) {
            return size() > MAX_KEYS;
        }
    };

    private static final class Attempts {
        int failures;
        Instant lockedUntil = Instant.MIN;
    }

    public SignInThrottle(int freeFailures, Duration maxLockout, Clock clock) {
        this.freeFailures = freeFailures;
        this.maxLockout = maxLockout;
        this.clock = clock;
    }

    public static SignInThrottle defaults(Clock clock) {
        return new SignInThrottle(3, Duration.ofMinutes(15), clock);
    }

    /** How long the caller must wait before another attempt is even checked; zero when it may try now. */
    public synchronized Duration waitFor(String username, String source) {
        Instant now = clock.instant();
        Instant until = Instant.MIN;
        for (String key : keys(username, source)) {
            Attempts e = entries.get(key);
            if (e != null && e.lockedUntil.isAfter(until)) {
                until = e.lockedUntil;
            }
        }
        return until.isAfter(now) ? Duration.between(now, until) : Duration.ZERO;
    }

    public synchronized void failed(String username, String source) {
        Instant now = clock.instant();
        for (String key : keys(username, source)) {
            Attempts e = entries.computeIfAbsent(key, k -> new Attempts());
            e.failures++;
            int over = e.failures - freeFailures;
            if (over > 0) {
                long seconds = 1L << Math.min(over - 1, 20);
                Duration lock = Duration.ofSeconds(seconds);
                e.lockedUntil = now.plus(lock.compareTo(maxLockout) > 0 ? maxLockout : lock);
            }
        }
    }

    public synchronized void succeeded(String username) {
        entries.remove(userKey(username));
    }

    private static String[] keys(String username, String source) {
        return new String[] {userKey(username), "addr:" + (source == null ? "?" : source)};
    }

    private static String userKey(String username) {
        return "user:" + (username == null ? "" : username.toLowerCase(Locale.ROOT));
    }
}
