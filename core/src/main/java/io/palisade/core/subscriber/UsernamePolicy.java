// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.core.subscriber;

import java.util.Optional;

/**
 * Which user names may be provisioned: 1 to 64 characters of {@code [A-Za-z0-9._+-]}
 * starting with a letter or digit. This is a strict subset of the RFC 3261 s.25.1
 * {@code user} production, so a name is usable in a SIP URI without escaping and
 * cannot smuggle separators into logs or headers. Comparison stays case-sensitive as
 * RFC 3261 s.19.1.4 compares the user part.
 */
public final class UsernamePolicy {
    /** Longest accepted user name. */
    public static final int MAX_LENGTH = 64;

    private UsernamePolicy() {
    }

    /**
     * @return empty when {@code username} is acceptable, else a message naming the field
     *     {@code user} (safe to show: control characters are replaced)
     */
    public static Optional<String> problem(String username) {
        if (username == null || username.isEmpty()) {
            return Optional.of("user is empty");
        }
        if (username.length() > MAX_LENGTH) {
            return Optional.of("user '" + shown(username) + "' is too long (at most " + MAX_LENGTH + " characters)");
        }
        for (int i = 0; i < username.length(); i++) {
            char c = username.charAt(i);
            boolean alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
            boolean ok = alnum || (i > 0 && (c == '.' || c == '_' || c == '+' || c == '-'));
            if (!ok) {
                return Optional.of("user '" + shown(username) + "' is not a valid user name (letters, digits"
                        + " and . _ + - only, starting with a letter or digit)");
            }
        }
        return Optional.empty();
    }

    /** The name for messages: control characters replaced, long names cut. */
    static String shown(String s) {
        StringBuilder b = new StringBuilder(Math.min(s.length(), MAX_LENGTH + 3));
        for (int i = 0; i < s.length() && i < MAX_LENGTH; i++) {
            char c = s.charAt(i);
            b.append(c < 0x20 || c == 0x7f || Character.isSurrogate(c) ? '?' : c);
        }
        if (s.length() > MAX_LENGTH) {
            b.append("...");
        }
        return b.toString();
    }
}
