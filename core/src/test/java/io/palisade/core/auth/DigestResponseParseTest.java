// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.core.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Random;
import org.junit.jupiter.api.Test;

class DigestResponseParseTest {
    private static final String MD5_RESPONSE = "6629fae49393a05397450978507c4ef1";
    private static final String SHA_RESPONSE =
            "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1";
    static final String GOOD = "Digest username=\"alice\", realm=\"example.com\", nonce=\"abc\","
            + " uri=\"sip:example.com\", response=\"" + SHA_RESPONSE + "\", algorithm=SHA-256,"
            + " cnonce=\"c,n\\\"once\", qop=auth, nc=0000000a, opaque=\"op\"";

    private static DigestResponse ok(String v) {
        DigestParse p = DigestResponse.parse(v);
        return assertInstanceOf(DigestParse.Ok.class, p, p.toString()).value();
    }

    private static String malformed(String v) {
        DigestParse p = DigestResponse.parse(v);
        return assertInstanceOf(DigestParse.Malformed.class, p, String.valueOf(p)).reason();
    }

    @Test
    void parsesAllParameters() {
        DigestResponse r = ok(GOOD);
        assertEquals("alice", r.username());
        assertEquals("example.com", r.realm());
        assertEquals("abc", r.nonce());
        assertEquals("sip:example.com", r.uri());
        assertEquals(SHA_RESPONSE, r.response());
        assertEquals(DigestAlgorithm.SHA_256, r.algorithm());
        assertEquals("c,n\"once", r.cnonce(), "comma inside quotes, escaped quote");
        assertEquals("auth", r.qop());
        assertEquals("0000000a", r.nc());
        assertEquals("op", r.opaque());
    }

    @Test
    void caseAndWhitespaceInsensitive() {
        DigestResponse r = ok("  dIgEsT\tUSERNAME = \"bob\" ,REALM=\"r\",\r\n Nonce=n1 ,uri=\"u\","
                + "Response=\"" + MD5_RESPONSE.toUpperCase() + "\"  ");
        assertEquals("bob", r.username());
        assertEquals("n1", r.nonce());
        assertEquals(DigestAlgorithm.MD5, r.algorithm(), "absent algorithm means MD5");
        assertEquals(MD5_RESPONSE, r.response(), "normalised to lowercase");
        assertNull(r.qop());
        assertNull(r.nc());
        assertNull(r.cnonce());
    }

    @Test
    void missingRequiredParametersNamed() {
        String base = "Digest username=\"a\", realm=\"r\", nonce=\"n\", uri=\"u\", response=\"" + MD5_RESPONSE + "\"";
        ok(base);
        for (String p : new String[] {"username", "realm", "nonce", "uri", "response"}) {
            String without = base.replaceAll(p + "=\"[^\"]*\"(, )?", "").replaceAll(", $", "");
            assertEquals("missing " + p, malformed(without), without);
        }
    }

    @Test
    void malformedReasons() {
        assertEquals("duplicate realm", malformed(GOOD + ", REALM=\"other\""));
        assertEquals("duplicate x-extra", malformed(GOOD + ", x-extra=1, X-Extra=\"2\""), "unknown ones too");
        assertEquals("unsupported algorithm", malformed(GOOD.replace("SHA-256", "MD5-sess")));
        assertEquals("unsupported algorithm", malformed(GOOD.replace("SHA-256", "SHA-512-256")));
        assertEquals("bad response", malformed(GOOD.replace("SHA-256", "MD5")), "length must fit algorithm");
        assertEquals("bad nc", malformed(GOOD.replace("0000000a", "1")));
        assertEquals("bad nc", malformed(GOOD.replace("0000000a", "0000000g")));
        assertEquals("scheme is not Digest", malformed("Basic YWxhZGRpbjpvcGVuc2VzYW1l"));
        assertEquals("no parameters", malformed("Digest"));
        assertEquals("value too long", malformed(GOOD + ", x=\"" + "a".repeat(5000) + "\""));
        assertEquals("missing value", malformed(null));
        assertEquals("trailing ','", malformed(GOOD + ","));
        assertEquals("expected ',' after opaque", malformed(GOOD + " x=1"));
        assertEquals("bad quoted string in cnonce", malformed(GOOD.replace("c,n", "c\u0001n")));
        assertEquals("bad quoted string in x", malformed(GOOD + ", x=\"unterminated"));
        assertEquals("expected '=' after x", malformed(GOOD + ", x"));
        assertEquals("bad value of x", malformed(GOOD + ", x="));
        assertEquals("unsupported userhash", malformed(GOOD + ", userhash=true"));
    }

    @Test
    void malformedReasonNeverEchoesValues() {
        String secretish = "s3cr3tnonce";
        String v = "Digest username=\"a\", realm=\"r\", nonce=\"" + secretish + "\", nonce=\"" + secretish + "\"";
        assertFalse(malformed(v).contains(secretish));
        String badResponse = "Digest username=\"a\", realm=\"r\", nonce=\"n\", uri=\"u\", response=\"zz" + secretish + "\"";
        assertFalse(malformed(badResponse).contains(secretish));
    }

    @Test
    void toStringHidesCredentialParts() {
        String s = ok(GOOD).toString();
        assertFalse(s.contains(SHA_RESPONSE));
        assertFalse(s.contains("abc"));
        assertFalse(s.contains("c,n"));
    }

    /** Hostile input: every prefix, every single-character mutation, random noise. Never throws. */
    @Test
    void fuzzNeverThrows() {
        Random rnd = new Random(0x5EED);
        String alphabet = "\"\\,= \t\r\nDdigestXYZ0123456789abcdef-_/:;@\u0000\u007f\u00e9\ud800";
        for (int cut = 0; cut <= GOOD.length(); cut++) {
            assertNotNull(DigestResponse.parse(GOOD.substring(0, cut)));
            assertNotNull(DigestResponse.parse(GOOD.substring(cut)));
        }
        for (int i = 0; i < 50_000; i++) {
            StringBuilder b = new StringBuilder(GOOD);
            int edits = 1 + rnd.nextInt(6);
            for (int e = 0; e < edits; e++) {
                int at = rnd.nextInt(b.length() + 1);
                char c = alphabet.charAt(rnd.nextInt(alphabet.length()));
                switch (rnd.nextInt(4)) {
                    case 0 -> b.insert(at, c);
                    case 1 -> { if (at < b.length()) b.setCharAt(at, c); }
                    case 2 -> { if (at < b.length()) b.deleteCharAt(at); }
                    default -> b.setLength(Math.min(b.length(), at));
                }
            }
            DigestParse p = DigestResponse.parse(b.toString());
            assertNotNull(p);
            if (p instanceof DigestParse.Ok o) {
                assertNotNull(o.value().username());
                assertNotNull(o.value().algorithm());
            }
        }
        for (int i = 0; i < 5_000; i++) {
            char[] noise = new char[rnd.nextInt(300)];
            for (int j = 0; j < noise.length; j++) {
                noise[j] = rnd.nextBoolean() ? alphabet.charAt(rnd.nextInt(alphabet.length())) : (char) rnd.nextInt(0x10000);
            }
            assertNotNull(DigestResponse.parse("Digest " + new String(noise)));
        }
    }

    @Test
    void manyParametersBounded() {
        StringBuilder b = new StringBuilder(GOOD);
        for (int i = 0; i < 40; i++) {
            b.append(", p").append(i).append("=1");
        }
        assertEquals("too many parameters", malformed(b.toString()));
    }
}
