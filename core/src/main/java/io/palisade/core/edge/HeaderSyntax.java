// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.core.edge;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Grammar faults in the raw header section of a request that a tolerant parser repairs silently, so that the edge
 * must find them in the bytes before the parser has forgotten them:
 * <ul>
 * <li>a header that RFC 3261's grammar allows once appearing twice (RFC 4475 section 3.3.9, two Content-Length
 * values: the body length is then unknowable, and one parser trusting the first value while another trusts the last
 * is how requests get smuggled);</li>
 * <li>whitespace inside the angle brackets of a name-addr (RFC 4475 section 3.1.2.14; RFC 3261 section 25.1:
 * {@code LAQUOT = SWS "<"}, {@code RAQUOT = ">" SWS}, no LWS allowed between them and the addr-spec).</li>
 * </ul>
 * Pure and allocation-light: one pass over the header bytes; the body is never read. Header folding (a line that
 * starts with whitespace continues the previous header, RFC 3261 section 7.3.1) is honoured.
 */
public final class HeaderSyntax {
    /** Headers the grammar allows at most once (compact forms mapped to their long name). */
    private static final Map<String, String> SINGLE = Map.ofEntries(
            Map.entry("content-length", "Content-Length"), Map.entry("l", "Content-Length"),
            Map.entry("content-type", "Content-Type"), Map.entry("c", "Content-Type"),
            Map.entry("call-id", "Call-ID"), Map.entry("i", "Call-ID"),
            Map.entry("cseq", "CSeq"),
            Map.entry("from", "From"), Map.entry("f", "From"),
            Map.entry("to", "To"), Map.entry("t", "To"),
            Map.entry("max-forwards", "Max-Forwards"));
    /** Headers whose values are name-addr / addr-spec (compact forms included). */
    private static final Set<String> NAME_ADDR = Set.of("from", "f", "to", "t", "contact", "m", "route", "record-route",
            "reply-to", "p-asserted-identity", "p-preferred-identity", "refer-to", "r", "referred-by", "b");

    /** Every name either table knows, in lower case, for comparing a header's name in place. */
    private static final byte[][] KNOWN;
    /** For each known name: its long name when the grammar allows it once, else null. */
    private static final String[] KNOWN_SINGLE;
    /** For each known name: whether its value is a name-addr / addr-spec. */
    private static final boolean[] KNOWN_NAME_ADDR;

    static {
        java.util.TreeSet<String> names = new java.util.TreeSet<>(SINGLE.keySet());
        names.addAll(NAME_ADDR);
        KNOWN = new byte[names.size()][];
        KNOWN_SINGLE = new String[names.size()];
        KNOWN_NAME_ADDR = new boolean[names.size()];
        int i = 0;
        for (String n : names) {
            KNOWN[i] = n.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
            KNOWN_SINGLE[i] = SINGLE.get(n);
            KNOWN_NAME_ADDR[i] = NAME_ADDR.contains(n);
            i++;
        }
    }

    private HeaderSyntax() {
    }

    /**
     * Which known name the bytes {@code [from, to)} spell, ignoring case and surrounding whitespace, or -1. In place:
     * this runs for every header of every request, and a String per header was a measurable share of the edge.
     */
    private static int known(byte[] m, int from, int to) {
        while (from < to && (m[from] == ' ' || m[from] == '\t')) {
            from++;
        }
        while (to > from && (m[to - 1] == ' ' || m[to - 1] == '\t')) {
            to--;
        }
        int len = to - from;
        for (int k = 0; k < KNOWN.length; k++) {
            byte[] name = KNOWN[k];
            if (name.length != len) {
                continue;
            }
            int i = 0;
            while (i < len) {
                int c = m[from + i];
                if (c >= 'A' && c <= 'Z') {
                    c += 'a' - 'A';
                }
                if (c != name[i]) {
                    break;
                }
                i++;
            }
            if (i == len) {
                return k;
            }
        }
        return -1;
    }

    /**
     * The first fault found in the header section of {@code message} (everything up to the first empty line, or the
     * whole array when there is none), as a short reason naming the header; empty when the headers are sound. Only
     * requests are examined: a message starting with {@code SIP/} is a response and is left to the stack.
     */
    public static Optional<String> fault(byte[] message) {
        if (message == null || message.length < 4 || startsWith(message, "SIP/")) {
            return Optional.empty();
        }
        int end = message.length; // the loop stops at the empty line that ends the headers: one pass
        int pos = lineEnd(message, 0, end); // skip the request line
        String[] seen = new String[SINGLE.size()];
        int seenCount = 0;
        while (pos < end) {
            pos = skipLineBreak(message, pos, end);
            if (pos >= end || emptyLineAt(message, pos)) {
                break;
            }
            int lineStart = pos;
            int colon = -1;
            int lineStop = lineEnd(message, pos, end);
            for (int i = pos; i < lineStop; i++) {
                if (message[i] == ':') {
                    colon = i;
                    break;
                }
            }
            // the value runs on over folded lines
            int valueStop = lineStop;
            while (valueStop < end && continues(message, valueStop, end)) {
                valueStop = lineEnd(message, skipLineBreak(message, valueStop, end), end);
            }
            pos = valueStop;
            if (colon < 0) {
                continue; // not a header line: the stack's parser judges it
            }
            int k = known(message, lineStart, colon);
            if (k < 0) {
                continue;
            }
            String single = KNOWN_SINGLE[k];
            if (single != null) {
                for (int j = 0; j < seenCount; j++) {
                    if (seen[j] == single) { // the same interned constant
                        return Optional.of(single + " appears more than once");
                    }
                }
                seen[seenCount++] = single;
            }
            if (KNOWN_NAME_ADDR[k] && spaceInsideBrackets(message, colon + 1, valueStop)) {
                return Optional.of("whitespace inside <> in "
                        + canonical(new String(KNOWN[k], java.nio.charset.StandardCharsets.ISO_8859_1)));
            }
        }
        return Optional.empty();
    }

    private static String canonical(String lowerName) {
        String single = SINGLE.get(lowerName);
        if (single != null) {
            return single;
        }
        return switch (lowerName) {
            case "m" -> "Contact";
            case "r" -> "Refer-To";
            case "b" -> "Referred-By";
            default -> {
                StringBuilder sb = new StringBuilder(lowerName.length());
                boolean up = true;
                for (char ch : lowerName.toCharArray()) {
                    sb.append(up ? Character.toUpperCase(ch) : ch);
                    up = ch == '-';
                }
                yield sb.toString();
            }
        };
    }

    /** LWS directly after an unquoted {@code <} or directly before an unquoted {@code >} (folding counts as LWS). */
    private static boolean spaceInsideBrackets(byte[] m, int from, int to) {
        boolean quoted = false;
        for (int i = from; i < to; i++) {
            byte b = m[i];
            if (quoted) {
                if (b == '\\') {
                    i++; // quoted-pair
                } else if (b == '"') {
                    quoted = false;
                }
                continue;
            }
            if (b == '"') {
                quoted = true;
            } else if (b == '<') {
                if (i + 1 < to && isLws(m[i + 1])) {
                    return true;
                }
            } else if (b == '>') {
                if (i > from && isLws(m[i - 1])) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean isLws(byte b) {
        return b == ' ' || b == '\t' || b == '\r' || b == '\n';
    }

    private static boolean startsWith(byte[] m, String prefix) {
        if (m.length < prefix.length()) {
            return false;
        }
        for (int i = 0; i < prefix.length(); i++) {
            if (m[i] != prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether the line starting at {@code pos} is the empty line that ends the headers: a line break that ends in LF
     * followed by LF or CRLF.
     */
    private static boolean emptyLineAt(byte[] m, int pos) {
        return pos > 0 && m[pos - 1] == '\n'
                && (m[pos] == '\n' || (m[pos] == '\r' && pos + 1 < m.length && m[pos + 1] == '\n'));
    }

    /** Index of the CR or LF that ends the line starting at {@code pos} (or {@code end}). */
    private static int lineEnd(byte[] m, int pos, int end) {
        int i = pos;
        while (i < end && m[i] != '\r' && m[i] != '\n') {
            i++;
        }
        return i;
    }

    private static int skipLineBreak(byte[] m, int pos, int end) {
        int i = pos;
        if (i < end && m[i] == '\r') {
            i++;
        }
        if (i < end && m[i] == '\n') {
            i++;
        }
        return i;
    }

    /** Whether the line after the break at {@code pos} is a continuation (starts with SP or HTAB). */
    private static boolean continues(byte[] m, int pos, int end) {
        int next = skipLineBreak(m, pos, end);
        return next > pos && next < end && (m[next] == ' ' || m[next] == '\t');
    }
}
