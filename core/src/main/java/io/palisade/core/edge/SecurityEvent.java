// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.core.edge;

import java.time.Instant;
import java.util.Locale;

/**
 * One thing the edge did or saw that an administrator may want to know about. {@code user} and {@code detail}
 * may come from the network: sinks escape them, and neither ever carries a credential.
 */
public record SecurityEvent(Instant at, Kind kind, String source, String user, String detail) {

    public SecurityEvent {
        user = user == null ? "" : clip(user, 64);
        detail = detail == null ? "" : clip(detail, 200);
        source = source == null ? "" : source;
    }

    private static String clip(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
    }

    public enum Kind {
        AUTH_FAILURE, AUTH_FAILURE_BURST, BAN, UNBAN, SCANNER, MALFORMED, RATE_LIMITED, DENIED, OVERLOAD_ON, OVERLOAD_OFF;

        /** The name in the security log and the database: {@code auth_failure}, {@code ban}, ... */
        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static java.util.Optional<Kind> fromWireName(String s) {
            for (Kind k : values()) {
                if (k.wireName().equals(s)) {
                    return java.util.Optional.of(k);
                }
            }
            return java.util.Optional.empty();
        }
    }
}
