// Copyright (C) the Palisade authors. SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.media.sdes;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * A strict parser for the SDP {@code a=crypto} attribute of RFC 4568 section 9.1 (grammar),
 * sections 6.1 (inline key parameter), 6.3 (session parameters). It never throws on input: every
 * fault is a {@link CryptoParse.Malformed} naming the fault, never the key.
 */
public final class CryptoParser {
    private final SdesLimits limits;

    public CryptoParser(SdesLimits limits) {
        this.limits = limits;
    }

    public CryptoParser() {
        this(SdesLimits.DEFAULT);
    }

    /** Parses a whole line ({@code a=crypto:...}), the attribute ({@code crypto:...}) or its value. */
    public CryptoParse parse(String line) {
        if (line == null) {
            return bad(-1, "null line");
        }
        if (line.length() > limits.maxLineLength()) {
            return bad(-1, "line longer than " + limits.maxLineLength() + " characters");
        }
        String v = line;
        if (v.endsWith("\r\n")) {
            v = v.substring(0, v.length() - 2);
        }
        if (v.startsWith("a=")) {
            v = v.substring(2);
        }
        if (v.startsWith("crypto:")) {
            v = v.substring(7);
        }
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                return bad(-1, "control or non-ASCII character at " + i);
            }
        }
        // RFC 4568 9.1: fields are separated by exactly one SP (1*WSP is tolerated by few; we are strict)
        String[] f = v.split(" ", -1);
        if (f.length < 3) {
            return bad(-1, "expected tag, crypto-suite and key-params");
        }
        int tag = parseTag(f[0]);
        if (tag < 0) {
            return bad(-1, "tag must be 1 to 9 digits");
        }
        var suite = SrtpSuite.bySdesName(f[1]);
        if (suite.isEmpty()) {
            return bad(tag, "unknown crypto-suite");
        }
        String[] kps = f[2].split(";", -1);
        if (kps.length > limits.maxKeyParams()) {
            return bad(tag, "more than " + limits.maxKeyParams() + " key parameters");
        }
        List<MasterKey> keys = new ArrayList<>(kps.length);
        for (String kp : kps) {
            Object r = parseKeyParam(kp, suite.get());
            if (r instanceof String reason) {
                keys.forEach(MasterKey::destroy);
                return bad(tag, reason);
            }
            keys.add((MasterKey) r);
        }
        if (keys.size() > 1) {
            int mkiLen = keys.get(0).mkiLength();
            for (MasterKey k : keys) {
                // RFC 4568 6.1: with several keys every key must carry an MKI, of one length
                if (k.mkiLength() == 0 || k.mkiLength() != mkiLen) {
                    keys.forEach(MasterKey::destroy);
                    return bad(tag, "several keys need MKIs of one length");
                }
            }
        }
        Object sp = parseSessionParams(f, 3);
        if (sp instanceof String reason) {
            keys.forEach(MasterKey::destroy);
            return bad(tag, reason);
        }
        return new CryptoParse.Ok(new CryptoAttribute(tag, suite.get(), keys, (SessionParams) sp));
    }

    private static int parseTag(String s) {
        if (s.isEmpty() || s.length() > 9) {
            return -1;
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return -1;
            }
        }
        return Integer.parseInt(s);
    }

    /** Returns a MasterKey or a String reason. */
    private static Object parseKeyParam(String kp, SrtpSuite suite) {
        if (!kp.startsWith("inline:")) {
            return "key method must be inline";
        }
        String[] parts = kp.substring(7).split("\\|", -1);
        if (parts.length > 3) {
            return "too many '|' fields in key parameter";
        }
        byte[] ks = decodeBase64(parts[0]);
        if (ks == null) {
            return "key||salt is not base64";
        }
        if (ks.length != suite.keySaltLength()) {
            int n = ks.length;
            Arrays.fill(ks, (byte) 0);
            return "key||salt is " + n + " bytes, " + suite + " needs " + suite.keySaltLength();
        }
        long lifetime = 0;
        int mkiValue = 0;
        int mkiLength = 0;
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i];
            if (p.indexOf(':') >= 0) {
                String[] m = p.split(":", -1);
                if (m.length != 2 || !digits(m[0], 128) || !digits(m[1], 3)) {
                    Arrays.fill(ks, (byte) 0);
                    return "malformed MKI";
                }
                if (mkiLength != 0) {
                    Arrays.fill(ks, (byte) 0);
                    return "MKI given twice";
                }
                int len = Integer.parseInt(m[1]);
                if (len < 1 || len > 128) {
                    Arrays.fill(ks, (byte) 0);
                    return "MKI length must be 1..128";
                }
                if (len > 4) {
                    Arrays.fill(ks, (byte) 0);
                    return "MKI longer than 4 bytes is not supported";
                }
                java.math.BigInteger value = new java.math.BigInteger(m[0]);
                if (value.bitLength() > len * 8) {
                    Arrays.fill(ks, (byte) 0);
                    return "MKI value does not fit its length";
                }
                mkiValue = value.intValue();
                mkiLength = len;
            } else {
                if (i != 1 || parts.length == 3 && parts[2].indexOf(':') < 0) {
                    Arrays.fill(ks, (byte) 0);
                    return "lifetime must come once, before the MKI";
                }
                long l = parseLifetime(p);
                if (l <= 0) {
                    Arrays.fill(ks, (byte) 0);
                    return l == 0 ? "malformed lifetime" : "lifetime above the suite maximum 2^48";
                }
                lifetime = l;
            }
        }
        byte[] key = Arrays.copyOfRange(ks, 0, suite.keyLength());
        byte[] salt = Arrays.copyOfRange(ks, suite.keyLength(), ks.length);
        Arrays.fill(ks, (byte) 0);
        MasterKey mk = new MasterKey(key, salt, lifetime, mkiValue, mkiLength);
        Arrays.fill(key, (byte) 0);
        Arrays.fill(salt, (byte) 0);
        return mk;
    }

    /** Positive lifetime, 0 if malformed, -1 if above 2^48. */
    private static long parseLifetime(String p) {
        if (p.startsWith("2^")) {
            String e = p.substring(2);
            if (!digits(e, 3)) {
                return 0;
            }
            int exp = Integer.parseInt(e);
            return exp > 48 ? -1 : 1L << exp;
        }
        if (!digits(p, 20)) {
            return 0;
        }
        if (p.length() > 15) {
            return -1;
        }
        long l = Long.parseLong(p);
        if (l == 0) {
            return 0;
        }
        return l > SrtpSuite.MAX_LIFETIME ? -1 : l;
    }

    /** Decodes padded or unpadded standard base64; null when it is not base64. */
    static byte[] decodeBase64(String s) {
        if (s.isEmpty()) {
            return null;
        }
        int pad = s.endsWith("==") ? 2 : s.endsWith("=") ? 1 : 0;
        int body = s.length() - pad;
        if (pad > 0 && s.length() % 4 != 0 || body % 4 == 1) {
            return null;
        }
        for (int i = 0; i < body; i++) {
            char c = s.charAt(i);
            boolean ok = c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/';
            if (!ok) {
                return null;
            }
        }
        try {
            return Base64.getDecoder().decode(s);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static boolean digits(String s, int max) {
        if (s.isEmpty() || s.length() > max) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    /** Returns SessionParams or a String reason. */
    private static Object parseSessionParams(String[] f, int from) {
        boolean uSrtp = false;
        boolean uSrtcp = false;
        boolean uAuth = false;
        int kdr = -1;
        int wsh = -1;
        boolean fecOrder = false;
        boolean fecKey = false;
        for (int i = from; i < f.length; i++) {
            String p = f[i];
            if (p.isEmpty()) {
                return "empty session parameter (double space?)";
            }
            switch (p) {
                case "UNENCRYPTED_SRTP" -> uSrtp = true;
                case "UNENCRYPTED_SRTCP" -> uSrtcp = true;
                case "UNAUTHENTICATED_SRTP" -> uAuth = true;
                case "FEC_ORDER=FEC_SRTP" -> { }
                case "FEC_ORDER=SRTP_FEC" -> fecOrder = true;
                default -> {
                    if (p.startsWith("KDR=")) {
                        String d = p.substring(4);
                        if (!digits(d, 2) || Integer.parseInt(d) > 24) {
                            return "KDR must be 0..24";
                        }
                        kdr = Integer.parseInt(d);
                    } else if (p.startsWith("WSH=")) {
                        String d = p.substring(4);
                        if (!digits(d, 9) || Integer.parseInt(d) < 64) {
                            return "WSH must be at least 64";
                        }
                        wsh = Integer.parseInt(d);
                    } else if (p.startsWith("FEC_KEY=")) {
                        fecKey = true;
                    } else if (p.startsWith("-")) {
                        // RFC 4568 9.1 srtp-session-extension: '-' marks a parameter the receiver may ignore
                        continue;
                    } else {
                        return "unknown session parameter";
                    }
                }
            }
        }
        return new SessionParams(uSrtp, uSrtcp, uAuth, kdr, wsh, fecOrder, fecKey);
    }

    private static CryptoParse bad(int tag, String reason) {
        return new CryptoParse.Malformed(tag, reason);
    }
}
