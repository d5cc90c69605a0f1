// Copyright (C) the Palisade authors. SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.media.sdes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class CryptoParserTest {
    // RFC 4568 section 9.1 example (key||salt is 30 bytes, no padding needed)
    static final String RFC4568_9_1 =
            "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz|2^20|1:4";
    // RFC 4568 section 8.1 (offer example, second line)
    static final String RFC4568_8_1_TAG2 =
            "a=crypto:2 AES_CM_128_HMAC_SHA1_32 inline:NzB4d1BINUAvLEw6UzF3WSJ+PSdFcGdUJShpX1Zj|2^20|1:32";
    static final String KEY30 = "WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz";

    private final CryptoParser parser = new CryptoParser();

    private CryptoAttribute ok(String line) {
        CryptoParse p = parser.parse(line);
        if (p instanceof CryptoParse.Malformed m) {
            throw new AssertionError("rejected: " + m.reason());
        }
        return ((CryptoParse.Ok) p).value();
    }

    private String bad(String line) {
        return assertInstanceOf(CryptoParse.Malformed.class, parser.parse(line)).reason();
    }

    @Test
    void rfc4568Section91Example() {
        CryptoAttribute a = ok(RFC4568_9_1);
        assertEquals(1, a.tag());
        assertEquals(SrtpSuite.AES_CM_128_HMAC_SHA1_80, a.suite());
        assertEquals(1L << 20, a.key().lifetime().getAsLong());
        assertEquals(1, a.key().mki().getAsInt());
        assertEquals(4, a.key().mkiLength());
        assertEquals(RFC4568_9_1.substring("a=crypto:".length()), a.toSdpValue());
    }

    @Test
    void mkiLongerThanFourBytesRefusesOnlyThatLine() {
        assertTrue(bad(RFC4568_8_1_TAG2).contains("MKI"));
    }

    @Test
    void sessionParametersAndSeveralKeys() {
        CryptoAttribute a = ok("1 AES_CM_128_HMAC_SHA1_80 inline:" + KEY30 + "|2^20|1:4;inline:" + KEY30
                + "|2^20|2:4 UNENCRYPTED_SRTCP KDR=0 -FUTURE_THING");
        assertEquals(2, a.keys().size());
        assertTrue(a.params().unencryptedSrtcp());
        assertFalse(a.params().unencryptedSrtp());
        assertEquals(0, a.params().kdr());
        assertTrue(a.toSdpValue().endsWith("KDR=0 UNENCRYPTED_SRTCP"));
    }

    @Test
    void paddedAndUnpaddedBase64ButExactLengths() {
        String k46padded = java.util.Base64.getEncoder().encodeToString(new byte[46]);
        assertTrue(k46padded.endsWith("=="));
        ok("3 AES_256_CM_HMAC_SHA1_80 inline:" + k46padded);
        ok("3 AES_256_CM_HMAC_SHA1_80 inline:" + k46padded.substring(0, k46padded.length() - 2));
        String k28 = java.util.Base64.getEncoder().withoutPadding().encodeToString(new byte[28]);
        ok("4 AEAD_AES_128_GCM inline:" + k28);
        assertTrue(bad("4 AEAD_AES_256_GCM inline:" + k28).contains("needs 44"));
        assertTrue(bad("1 AES_CM_128_HMAC_SHA1_80 inline:" + KEY30 + "AAAA").contains("33 bytes"));
    }

    @Test
    void toStringNeverShowsTheKey() {
        CryptoAttribute a = ok(RFC4568_9_1);
        assertFalse(a.toString().contains(KEY30.substring(0, 8)));
        assertFalse(a.key().toString().contains(KEY30.substring(0, 8)));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '#', value = {
        "a=crypto:1 AES_CM_128_HMAC_SHA1_80#expected tag",
        "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubG#28 bytes",
        "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVu#bytes",
        "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGV*#not base64",
        "a=crypto:1 AES_CM_129_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz#unknown crypto-suite",
        "a=crypto:1 aes_cm_128_hmac_sha1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz#unknown crypto-suite",
        "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz|2^99#lifetime above",
        "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz|99999999999999999999#lifetime above",
        "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz|0#malformed lifetime",
        "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz|1:4|2^20#before the MKI",
        "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz|300:1#does not fit",
        "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz|1:0#MKI length",
        "a=crypto:1 AES_CM_128_HMAC_SHA1_80 uri:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz#inline",
        "a=crypto:1234567890 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz#tag",
        "a=crypto:x AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz#tag",
        "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz BOGUS#unknown session parameter",
        "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz  UNENCRYPTED_SRTCP#empty session",
        "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz KDR=99#KDR",
        "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz WSH=10#WSH",
        "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz;inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz#MKIs",
    })
    void hostileLinesAreRefusedWithAReason(String line, String reasonPart) {
        String reason = bad(line);
        assertTrue(reason.contains(reasonPart), reason);
        assertFalse(reason.contains("WVNfX19z"), "reason must not echo the key");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 5, 10, 20, 30, 40, 60, 75, 85})
    void everyTruncationIsAValueNeverAnException(int cut) {
        String line = RFC4568_9_1 + " UNENCRYPTED_SRTP";
        for (int i = 0; i <= Math.min(cut, line.length()); i++) {
            CryptoParse p = parser.parse(line.substring(0, line.length() - i));
            assertTrue(p instanceof CryptoParse.Ok || p instanceof CryptoParse.Malformed);
        }
    }

    @Test
    void hugeLineRefused() {
        assertTrue(bad("1 AES_CM_128_HMAC_SHA1_80 inline:" + "A".repeat(5000)).contains("longer than"));
    }

    @Test
    void fuzzMutationsNeverThrowAndOkResultsRoundTrip() {
        Random rnd = new Random(4568);
        String[] seeds = {RFC4568_9_1, RFC4568_8_1_TAG2,
            "a=crypto:7 AEAD_AES_256_GCM inline:" + java.util.Base64.getEncoder().encodeToString(new byte[44]) + " UNENCRYPTED_SRTCP",
            "a=crypto:2 AES_256_CM_HMAC_SHA1_32 inline:" + java.util.Base64.getEncoder().encodeToString(new byte[46]) + "|2^31"};
        String alphabet = " :;|^=-+/0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefinlz\t\u00e9\0";
        int ok = 0;
        for (int i = 0; i < 20_000; i++) {
            StringBuilder sb = new StringBuilder(seeds[rnd.nextInt(seeds.length)]);
            int edits = 1 + rnd.nextInt(4);
            for (int e = 0; e < edits && sb.length() > 0; e++) {
                int pos = rnd.nextInt(sb.length());
                switch (rnd.nextInt(4)) {
                    case 0 -> sb.deleteCharAt(pos);
                    case 1 -> sb.insert(pos, alphabet.charAt(rnd.nextInt(alphabet.length())));
                    case 2 -> sb.setCharAt(pos, alphabet.charAt(rnd.nextInt(alphabet.length())));
                    default -> sb.setLength(pos);
                }
            }
            CryptoParse p = parser.parse(sb.toString());
            if (p instanceof CryptoParse.Ok o) {
                ok++;
                // anything accepted must be written back in a form that parses to the same keying
                CryptoAttribute again = ((CryptoParse.Ok) parser.parse(o.value().toSdpValue())).value();
                assertTrue(again.sameKeyingAs(o.value()));
            } else {
                assertFalse(((CryptoParse.Malformed) p).reason().isEmpty());
            }
        }
        assertTrue(ok > 0 && ok < 20_000, "fuzzing exercised both outcomes: " + ok);
    }
}
