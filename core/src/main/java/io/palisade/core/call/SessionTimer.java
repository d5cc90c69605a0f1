// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.core.call;

import java.util.Locale;
import java.util.Optional;

/**
 * Session timers of one call leg (RFC 4028): the interval negotiated on that leg, who refreshes it, and when it was
 * last refreshed. Each leg of the B2BUA negotiates its own; a refresh on one leg does not refresh the other. When the
 * peer is the refresher and no refresh came, the leg expires {@code min(32, interval / 3)} seconds before the
 * interval is over (section 10) and the call is ended; when this B2BUA is the refresher it refreshes at half the
 * interval (section 7.4) with an UPDATE without a body.
 *
 * <p>The negotiation methods are pure decisions on header values; the time-keeping is on a caller-supplied clock in
 * nanoseconds so that it is testable without waiting.
 */
public final class SessionTimer {
    /** The smallest Session-Expires RFC 4028 section 4 allows anyone to ask for. */
    public static final int RFC_MIN_SE = 90;

    /** A parsed Session-Expires value (section 4): delta-seconds and the refresher parameter if any. */
    public record SessionExpires(int seconds, Optional<Refresher> refresher) {
        /** The header value, e.g. {@code 1800;refresher=uac}. */
        public String headerValue() {
            return seconds + refresher.map(r -> ";refresher=" + r.token()).orElse("");
        }
    }

    /** The refresher parameter (section 4). */
    public enum Refresher {
        UAC, UAS;

        String token() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** What the B2BUA does with a leg's INVITE when it is the UAS of that leg (section 9). */
    public sealed interface UasDecision {
        /** 422 Session Interval Too Small with {@code Min-SE: minSe} (section 6). */
        record Reject(int minSe) implements UasDecision {
        }

        /** No session timer on this leg: the 2xx carries no Session-Expires. */
        record None() implements UasDecision {
        }

        /** Put {@code Session-Expires: value} (and {@code Require: timer} when the UAC refreshes) in the 2xx. */
        record Use(SessionExpires value, boolean peerRefreshes) implements UasDecision {
        }
    }

    /** Parses a Session-Expires (or Min-SE, which has no refresher) value; empty when malformed. */
    public static Optional<SessionExpires> parse(String value) {
        if (value == null) {
            return Optional.empty();
        }
        String[] parts = value.split(";", -1);
        String delta = parts[0].trim();
        if (delta.isEmpty() || delta.length() > 10 || !delta.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return Optional.empty();
        }
        long seconds = Long.parseLong(delta);
        if (seconds < 1 || seconds > Integer.MAX_VALUE) {
            return Optional.empty();
        }
        Optional<Refresher> refresher = Optional.empty();
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i].trim().toLowerCase(Locale.ROOT);
            if (p.equals("refresher=uac")) {
                refresher = Optional.of(Refresher.UAC);
            } else if (p.equals("refresher=uas")) {
                refresher = Optional.of(Refresher.UAS);
            } else if (p.startsWith("refresher")) {
                return Optional.empty();
            }
        }
        return Optional.of(new SessionExpires((int) seconds, refresher));
    }

    /**
     * The UAS decision (section 9) for an INVITE with {@code sessionExpires} (null when absent).
     *
     * @param uacSupportsTimer whether the request carried {@code Supported: timer} (or Require)
     * @param uacAllowsUpdate whether the UAC allows UPDATE: needed when this B2BUA has to refresh
     * @param minSe the smallest interval this B2BUA accepts
     */
    public static UasDecision asUas(String sessionExpires, boolean uacSupportsTimer, boolean uacAllowsUpdate, int minSe) {
        if (sessionExpires == null) {
            return new UasDecision.None();
        }
        Optional<SessionExpires> se = parse(sessionExpires);
        if (se.isEmpty()) {
            return new UasDecision.None(); // a malformed value is ignored rather than failing the call
        }
        int seconds = se.get().seconds();
        if (seconds < minSe) {
            if (uacSupportsTimer) {
                return new UasDecision.Reject(minSe);
            }
            seconds = minSe; // a UAC without the extension cannot act on a 422 (section 8.1 does the same)
        }
        Refresher r = uacSupportsTimer ? se.get().refresher().orElse(Refresher.UAC) : Refresher.UAS;
        if (r == Refresher.UAS && !uacAllowsUpdate) {
            return new UasDecision.None(); // we refresh with UPDATE only; without it, no timer on this leg
        }
        return new UasDecision.Use(new SessionExpires(seconds, Optional.of(r)), r == Refresher.UAC);
    }

    /** The largest Min-SE a 422 may make the B2BUA retry with: a longer interval is no session timer at all. */
    public static final int MAX_RETRY_SE = 86_400;

    /**
     * After a 422 to an INVITE that asked for {@code askedSeconds} (RFC 4028 section 7.4), the interval to ask for
     * again: the 422's Min-SE, when it is well formed, larger than what was asked and at most {@link #MAX_RETRY_SE};
     * otherwise the branch fails as it is.
     */
    public static java.util.OptionalInt retryInterval(String minSe, int askedSeconds) {
        Optional<SessionExpires> m = parse(minSe);
        if (m.isEmpty() || m.get().refresher().isPresent()) {
            return java.util.OptionalInt.empty();
        }
        int seconds = m.get().seconds();
        if (seconds <= askedSeconds || seconds > MAX_RETRY_SE) {
            return java.util.OptionalInt.empty();
        }
        return java.util.OptionalInt.of(seconds);
    }

    /**
     * The timer of a leg where the B2BUA is the UAC, from the 2xx's Session-Expires (null when absent: no timer,
     * section 7.2). We ask the UAS to refresh; if it names us, we do.
     */
    public static Optional<SessionTimer> asUac(String responseSessionExpires, boolean uasAllowsUpdate, long nowNanos) {
        Optional<SessionExpires> se = parse(responseSessionExpires);
        if (se.isEmpty()) {
            return Optional.empty();
        }
        boolean peer = se.get().refresher().orElse(Refresher.UAC) == Refresher.UAS;
        if (!peer && !uasAllowsUpdate) {
            return Optional.empty();
        }
        return Optional.of(new SessionTimer(se.get().seconds(), peer, nowNanos));
    }

    private final int intervalSeconds;
    private final boolean peerRefreshes;
    private volatile long refreshedNanos;

    public SessionTimer(int intervalSeconds, boolean peerRefreshes, long nowNanos) {
        if (intervalSeconds < 1) {
            throw new IllegalArgumentException("interval must be positive");
        }
        this.intervalSeconds = intervalSeconds;
        this.peerRefreshes = peerRefreshes;
        this.refreshedNanos = nowNanos;
    }

    public int intervalSeconds() {
        return intervalSeconds;
    }

    public boolean peerRefreshes() {
        return peerRefreshes;
    }

    /** A 2xx to a re-INVITE or UPDATE on this leg (section 10: any such transaction refreshes the session). */
    public void refreshed(long nowNanos) {
        refreshedNanos = nowNanos;
    }

    /**
     * The session is over: the peer should have refreshed and did not (section 10: the non-refresher ends it
     * {@code min(32, interval / 3)} seconds early), or our own refreshes went unanswered for the whole interval.
     */
    public boolean expired(long nowNanos) {
        long limit = peerRefreshes ? intervalSeconds - Math.min(32, intervalSeconds / 3) : intervalSeconds;
        return nowNanos - refreshedNanos >= limit * 1_000_000_000L;
    }

    /** This B2BUA is the refresher and half the interval has passed (section 7.4). */
    public boolean refreshDue(long nowNanos) {
        return !peerRefreshes && nowNanos - refreshedNanos >= intervalSeconds * 500_000_000L;
    }

    @Override
    public String toString() {
        return "SessionTimer[" + intervalSeconds + " s, refresher " + (peerRefreshes ? "peer" : "us") + "]";
    }
}
