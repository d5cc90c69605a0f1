// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.core.location;

import java.util.Locale;
import java.util.Optional;

/**
 * Canonical form of Contact URIs, so that a refresh finds the binding it refreshes.
 *
 * <p>RFC 3261 s.10.3 step 5 compares contacts with the URI rules of s.19.1.4. This is a
 * deliberately smaller, predictable subset: surrounding whitespace and angle brackets are
 * removed, and the scheme and host(:port) are lower-cased (both are case-insensitive). The
 * user part is kept as sent (case-sensitive in s.19.1.4) and so are the parameters and
 * headers, including their order: a client that reorders or re-cases parameters between
 * refreshes creates a second binding, which expires on its own. User agents repeat their
 * Contact verbatim in practice.
 */
public final class ContactUri {
    /** Longest accepted contact URI (column width). */
    public static final int MAX_LENGTH = 1024;

    private ContactUri() {
    }

    /** The canonical form, or empty when {@code raw} is not a plausible URI. */
    public static Optional<String> canonical(String raw) {
        if (raw == null) {
            return Optional.empty();
        }
        String s = raw.strip();
        if (s.length() >= 2 && s.charAt(0) == '<' && s.charAt(s.length() - 1) == '>') {
            s = s.substring(1, s.length() - 1).strip();
        }
        if (s.isEmpty() || s.length() > MAX_LENGTH) {
            return Optional.empty();
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c <= 0x20 || c == 0x7f || c == '<' || c == '>' || c == '"') {
                return Optional.empty();
            }
        }
        int colon = s.indexOf(':');
        if (colon <= 0) {
            return Optional.empty();
        }
        String scheme = s.substring(0, colon).toLowerCase(Locale.ROOT);
        String rest = s.substring(colon + 1);
        int q = rest.indexOf('?');
        String beforeHeaders = q < 0 ? rest : rest.substring(0, q);
        // The user part escapes '@'; parameters and headers cannot contain it (s.25.1).
        int at = beforeHeaders.lastIndexOf('@');
        int hostStart = at + 1;
        int hostEnd = beforeHeaders.indexOf(';', hostStart);
        if (hostEnd < 0) {
            hostEnd = beforeHeaders.length();
        }
        if (hostEnd == hostStart) {
            return Optional.empty();
        }
        return Optional.of(scheme + ":" + rest.substring(0, hostStart)
                + rest.substring(hostStart, hostEnd).toLowerCase(Locale.ROOT) + rest.substring(hostEnd));
    }
}
