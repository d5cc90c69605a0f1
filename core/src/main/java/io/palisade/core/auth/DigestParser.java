// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.core.auth;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
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
        Map<String, String> params = new HashMap<>();
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
            String name = s.substring(start, pos).toLowerCase(Locale.ROOT);
            String shownName = name.length() > 32 ? "parameter" : name;
            skipWs();
            if (pos >= s.length() || s.charAt(pos) != '=') {
                return malformed("expected '=' after " + shownName);
            }
            pos++;
            skipWs();
            String val;
            if (pos < s.length() && s.charAt(pos) == '"') {
                val = quoted();
                if (val == null) {
                    return malformed("bad quoted string in " + shownName);
                }
            } else {
                start = pos;
                while (pos < s.length() && isTchar(s.charAt(pos))) {
                    pos++;
                }
                if (start == pos) {
                    return malformed("bad value of " + shownName);
                }
                val = s.substring(start, pos);
            }
            if (params.putIfAbsent(name, val) != null) {
                return malformed("duplicate " + shownName);
            }
            if (params.size() > MAX_PARAMS) {
                return malformed("too many parameters");
            }
            skipWs();
            if (pos >= s.length()) {
                break;
            }
            if (s.charAt(pos) != ',') {
                return malformed("expected ',' after " + shownName);
            }
            pos++;
            skipWs();
            if (pos >= s.length()) {
                return malformed("trailing ','");
            }
        }
        return build(params);
    }

    private static DigestParse build(Map<String, String> p) {
        for (String required : new String[] {"username", "realm", "nonce", "uri", "response"}) {
            if (!p.containsKey(required)) {
                return malformed("missing " + required);
            }
        }
        if (p.get("username").isEmpty()) {
            return malformed("empty username");
        }
        if (p.get("nonce").isEmpty()) {
            return malformed("empty nonce");
        }
        if (p.get("uri").isEmpty()) {
            return malformed("empty uri");
        }
        DigestAlgorithm alg = DigestAlgorithm.MD5; // RFC 7616 s.3.4: absent means MD5
        String algToken = p.get("algorithm");
        if (algToken != null) {
            Optional<DigestAlgorithm> a = DigestAlgorithm.fromToken(algToken);
            if (a.isEmpty()) {
                return malformed("unsupported algorithm");
            }
            alg = a.get();
        }
        String response = p.get("response");
        if (response.length() != alg.hexLength() || !isHex(response)) {
            return malformed("bad response");
        }
        String nc = p.get("nc");
        if (nc != null && (nc.length() != 8 || !isHex(nc))) {
            return malformed("bad nc");
        }
        String userhash = p.get("userhash");
        if (userhash != null && !userhash.equalsIgnoreCase("false")) {
            return malformed("unsupported userhash");
        }
        return new DigestParse.Ok(new DigestResponse(p.get("username"), p.get("realm"), p.get("nonce"),
                p.get("uri"), response.toLowerCase(Locale.ROOT), alg, p.get("cnonce"), p.get("qop"), nc,
                p.get("opaque")));
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
