// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.core.auth;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Parser for Digest credentials, RFC 3261 s.25.1 ({@code credentials}, {@code digest-response},
 * {@code quoted-string} with {@code quoted-pair}) and RFC 7616 s.3.4. Hand-written over the
 * characters so that every input, however hostile, ends in a value: no regular expressions
 * (no backtracking blow-up), bounded length and parameter count.
 */
final class DigestParser {
    /** More parameters than any real client sends; bounds work and memory per value. */
    static final int MAX_PARAMS = 32;
    /** Reason given for credentials of another scheme (e.g. Basic), which callers may ignore. */
    static final String NOT_DIGEST = "scheme is not Digest";
    private static final String SCHEME = "digest";

    private final String s;
    private int pos;

    private DigestParser(String s) {
        this.s = s;
    }

    static DigestParse parse(String value) {
        if (value == null) {
            return malformed("missing value");
        }
        if (value.length() > DigestResponse.MAX_LENGTH) {
            return malformed("value too long");
        }
        try {
            return new DigestParser(value).run();
        } catch (RuntimeException e) {
            // Defence in depth: a parser bug must not become an exception on the network path.
            return malformed("unparseable value");
        }
    }

    private DigestParse run() {
        skipWs();
        int start = pos;
        while (pos < s.length() && isTchar(s.charAt(pos))) {
            pos++;
        }
        if (pos - start != SCHEME.length() || !s.regionMatches(true, start, SCHEME, 0, SCHEME.length())) {
            return malformed(NOT_DIGEST);
        }
        if (pos >= s.length() || !isWs(s.charAt(pos))) {
            return malformed("no parameters");
        }
        String[] known = new String[KNOWN.length];
        List<String> others = null; // names of parameters this parser does not use, lower case: for duplicates only
        int count = 0;
        while (true) {
            skipWs();
            if (pos >= s.length()) {
                break;
            }
            start = pos;
            while (pos < s.length() && isTchar(s.charAt(pos))) {
                pos++;
            }
            if (start == pos) {
                return malformed("bad parameter name");
            }
            int nameStart = start;
            int nameEnd = pos;
            int slot = knownSlot(nameStart, nameEnd);
            skipWs();
            if (pos >= s.length() || s.charAt(pos) != '=') {
                return malformed("expected '=' after " + shownName(nameStart, nameEnd));
            }
            pos++;
            skipWs();
            String val;
            if (pos < s.length() && s.charAt(pos) == '"') {
                val = quoted();
                if (val == null) {
                    return malformed("bad quoted string in " + shownName(nameStart, nameEnd));
                }
            } else {
                start = pos;
                while (pos < s.length() && isTchar(s.charAt(pos))) {
                    pos++;
                }
                if (start == pos) {
                    return malformed("bad value of " + shownName(nameStart, nameEnd));
                }
                val = s.substring(start, pos);
            }
            if (slot >= 0) {
                if (known[slot] != null) {
                    return malformed("duplicate " + shownName(nameStart, nameEnd));
                }
                known[slot] = val;
            } else {
                String name = s.substring(nameStart, nameEnd).toLowerCase(Locale.ROOT);
                others = others == null ? new ArrayList<>(2) : others;
                if (others.contains(name)) {
                    return malformed("duplicate " + shownName(nameStart, nameEnd));
                }
                others.add(name);
            }
            if (++count > MAX_PARAMS) {
                return malformed("too many parameters");
            }
            skipWs();
            if (pos >= s.length()) {
                break;
            }
            if (s.charAt(pos) != ',') {
                return malformed("expected ',' after " + shownName(nameStart, nameEnd));
            }
            pos++;
            skipWs();
            if (pos >= s.length()) {
                return malformed("trailing ','");
            }
        }
        return build(known);
    }

    /** The parameters this parser reads, in lower case; their values go to the same index. */
    private static final String[] KNOWN = {"username", "realm", "nonce", "uri", "response", "algorithm", "cnonce",
        "qop", "nc", "opaque", "userhash"};
    private static final int USERNAME = 0;
    private static final int REALM = 1;
    private static final int NONCE = 2;
    private static final int URI = 3;
    private static final int RESPONSE = 4;
    private static final int ALGORITHM = 5;
    private static final int CNONCE = 6;
    private static final int QOP = 7;
    private static final int NC = 8;
    private static final int OPAQUE = 9;
    private static final int USERHASH = 10;

    /** The index in {@link #KNOWN} of the name at {@code [from, to)}, case ignored, or -1; compared in place. */
    private int knownSlot(int from, int to) {
        int len = to - from;
        for (int k = 0; k < KNOWN.length; k++) {
            if (KNOWN[k].length() == len && s.regionMatches(true, from, KNOWN[k], 0, len)) {
                return k;
            }
        }
        return -1;
    }

    /** A parameter's name as an error message may show it (a long made-up name is not repeated). */
    private String shownName(int from, int to) {
        return to - from > 32 ? "parameter" : s.substring(from, to).toLowerCase(Locale.ROOT);
    }

    private static DigestParse build(String[] p) {
        for (int required : new int[] {USERNAME, REALM, NONCE, URI, RESPONSE}) {
            if (p[required] == null) {
                return malformed("missing " + KNOWN[required]);
            }
        }
        if (p[USERNAME].isEmpty()) {
            return malformed("empty username");
        }
        if (p[NONCE].isEmpty()) {
            return malformed("empty nonce");
        }
        if (p[URI].isEmpty()) {
            return malformed("empty uri");
        }
        DigestAlgorithm alg = DigestAlgorithm.MD5; // RFC 7616 s.3.4: absent means MD5
        String algToken = p[ALGORITHM];
        if (algToken != null) {
            Optional<DigestAlgorithm> a = DigestAlgorithm.fromToken(algToken);
            if (a.isEmpty()) {
                return malformed("unsupported algorithm");
            }
            alg = a.get();
        }
        String response = p[RESPONSE];
        if (response.length() != alg.hexLength() || !isHex(response)) {
            return malformed("bad response");
        }
        String nc = p[NC];
        if (nc != null && (nc.length() != 8 || !isHex(nc))) {
            return malformed("bad nc");
        }
        String userhash = p[USERHASH];
        if (userhash != null && !userhash.equalsIgnoreCase("false")) {
            return malformed("unsupported userhash");
        }
        return new DigestParse.Ok(new DigestResponse(p[USERNAME], p[REALM], p[NONCE], p[URI],
                response.toLowerCase(Locale.ROOT), alg, p[CNONCE], p[QOP], nc, p[OPAQUE]));
    }

    /** Reads a quoted-string at {@code pos}; returns null when unterminated or containing CTLs. */
    private String quoted() {
        pos++; // opening quote
        // the common case, no quoted-pair: the value is a plain substring (every registration parses four of them)
        int end = pos;
        while (end < s.length()) {
            char c = s.charAt(end);
            if (c == '"') {
                String v = s.substring(pos, end);
                pos = end + 1;
                return v;
            }
            if (c == '\\' || (c < 0x20 && c != '\t') || c == 0x7f) {
                break; // an escape or a control character: the careful path below decides
            }
            end++;
        }
        StringBuilder b = new StringBuilder();
        while (pos < s.length()) {
            char c = s.charAt(pos++);
            if (c == '"') {
                return b.toString();
            }
            if (c == '\\') {
                if (pos >= s.length()) {
                    return null;
                }
                c = s.charAt(pos++);
                // RFC 3261 s.25.1: quoted-pair excludes CR and LF.
                if (c == '\r' || c == '\n') {
                    return null;
                }
                b.append(c);
                continue;
            }
            if ((c < 0x20 && c != '\t') || c == 0x7f) {
                return null;
            }
            b.append(c);
        }
        return null;
    }

    private void skipWs() {
        while (pos < s.length() && isWs(s.charAt(pos))) {
            pos++;
        }
    }

    /** Linear whitespace, after header unfolding (RFC 3261 s.7.3.1). */
    private static boolean isWs(char c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\n';
    }

    /** RFC 3261 s.25.1 {@code token} characters. */
    private static boolean isTchar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || "-.!%*_+`'~".indexOf(c) >= 0;
    }

    private static boolean isHex(String v) {
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
                return false;
            }
        }
        return true;
    }

    private static DigestParse malformed(String reason) {
        return new DigestParse.Malformed(reason);
    }
}
