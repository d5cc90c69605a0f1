// Copyright (C) the Palisade authors. SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.media.sdes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class SdesNegotiatorTest {
    private static String line(int tag, SrtpSuite s) {
        return SdesKeys.fresh(tag, s, SessionParams.NONE).toSdpValue();
    }

    private final SdesNegotiator defaults = new SdesNegotiator(SdesConfig.DEFAULT);

    @Test
    void answersWithTheMostPreferredSuiteBothAllow() {
        var out = assertInstanceOf(SdesOutcome.Secure.class, defaults.answer(true,
                List.of(line(1, SrtpSuite.AES_CM_128_HMAC_SHA1_32), line(2, SrtpSuite.AEAD_AES_128_GCM),
                        line(3, SrtpSuite.AES_CM_128_HMAC_SHA1_80)), null));
        assertEquals(SrtpSuite.AES_CM_128_HMAC_SHA1_80, out.local().suite());
        assertEquals(3, out.local().tag());

        var gcmFirst = new SdesNegotiator(SdesConfig.of(MediaSecurity.SRTP_REQUIRED, SrtpSuite.AEAD_AES_256_GCM,
                SrtpSuite.AES_CM_128_HMAC_SHA1_80));
        var out2 = assertInstanceOf(SdesOutcome.Secure.class, gcmFirst.answer(true,
                List.of(line(1, SrtpSuite.AES_CM_128_HMAC_SHA1_80), line(2, SrtpSuite.AEAD_AES_256_GCM)), null));
        assertEquals(SrtpSuite.AEAD_AES_256_GCM, out2.local().suite());
    }

    @Test
    void answerKeyIsFreshAndNotThePeers() {
        var out = assertInstanceOf(SdesOutcome.Secure.class,
                defaults.answer(true, List.of(line(1, SrtpSuite.AES_CM_128_HMAC_SHA1_80)), null));
        assertFalse(out.local().sameKeyingAs(out.remote()));
        var out2 = assertInstanceOf(SdesOutcome.Secure.class,
                defaults.answer(true, List.of(out.remote().toSdpValue()), null));
        assertFalse(out2.local().sameKeyingAs(out.local()), "each negotiation draws new random keys");
    }

    @Test
    void aBadLineIsRefusedNotTheOffer() {
        var out = assertInstanceOf(SdesOutcome.Secure.class, defaults.answer(true,
                List.of("1 AES_CM_128_HMAC_SHA1_80 inline:!!!!", "2 FOO_SUITE inline:abc", line(3, SrtpSuite.AES_CM_128_HMAC_SHA1_32)),
                null));
        assertEquals(3, out.remote().tag());
        assertEquals(2, out.refused().size());
    }

    @Test
    void srtpRequiredFailsClosedNamingWhatEachSideOffered() {
        var only256 = new SdesNegotiator(SdesConfig.of(MediaSecurity.SRTP_REQUIRED, SrtpSuite.AEAD_AES_256_GCM));
        var f = assertInstanceOf(SdesOutcome.Failed.class,
                only256.answer(true, List.of(line(1, SrtpSuite.AES_CM_128_HMAC_SHA1_80)), null));
        assertTrue(f.diagnostic().contains("AES_CM_128_HMAC_SHA1_80"), f.diagnostic());
        assertTrue(f.diagnostic().contains("AEAD_AES_256_GCM"), f.diagnostic());
        var g = assertInstanceOf(SdesOutcome.Failed.class, defaults.answer(false, List.of(), null));
        assertTrue(g.diagnostic().contains("no a=crypto"), g.diagnostic());
    }

    @Test
    void optionalSecurityFallsBackToPlainOnlyForRtpAvp() {
        var opt = new SdesNegotiator(new SdesConfig(SdesConfig.DEFAULT_SUITES, MediaSecurity.SRTP_OPTIONAL, SdesLimits.DEFAULT));
        assertInstanceOf(SdesOutcome.Plain.class, opt.answer(false, List.of(), null));
        assertInstanceOf(SdesOutcome.Failed.class, opt.answer(true, List.of("1 X inline:a"), null));
        var rtpOnly = new SdesNegotiator(new SdesConfig(List.of(), MediaSecurity.RTP_ONLY, SdesLimits.DEFAULT));
        assertInstanceOf(SdesOutcome.Plain.class, rtpOnly.answer(false, List.of(line(1, SrtpSuite.AES_CM_128_HMAC_SHA1_80)), null));
    }

    @Test
    void unauthenticatedSrtpAndKdrRefused() {
        assertInstanceOf(SdesOutcome.Failed.class, defaults.answer(true,
                List.of(line(1, SrtpSuite.AES_CM_128_HMAC_SHA1_80) + " UNAUTHENTICATED_SRTP",
                        line(2, SrtpSuite.AES_CM_128_HMAC_SHA1_80) + " KDR=10"), null));
    }

    @Test
    void anEncryptedLineIsPreferredToAnUnencryptedSrtcpOne() {
        var out = assertInstanceOf(SdesOutcome.Secure.class, defaults.answer(true,
                List.of(line(1, SrtpSuite.AES_CM_128_HMAC_SHA1_80) + " UNENCRYPTED_SRTCP",
                        line(2, SrtpSuite.AES_CM_128_HMAC_SHA1_32)), null));
        assertEquals(2, out.local().tag());
        assertEquals(SessionParams.NONE, out.local().params());
    }

    @Test
    void unencryptedSrtcpAloneIsAcceptedAndEchoed() {
        var out = assertInstanceOf(SdesOutcome.Secure.class, defaults.answer(true,
                List.of(line(1, SrtpSuite.AES_CM_128_HMAC_SHA1_80) + " UNENCRYPTED_SRTCP"), null));
        assertTrue(out.remote().params().unencryptedSrtcp());
        assertTrue(out.local().params().unencryptedSrtcp(), "RFC 4568 6.3.2: the answer carries it too");
        assertFalse(out.local().params().unencryptedSrtp());
        assertTrue(out.local().toSdpValue().endsWith(" UNENCRYPTED_SRTCP"));
    }

    @Test
    void unencryptedSrtpNeedsTheLegsPolicy() {
        String clear = line(1, SrtpSuite.AES_CM_128_HMAC_SHA1_80) + " UNENCRYPTED_SRTP UNENCRYPTED_SRTCP";
        var refused = assertInstanceOf(SdesOutcome.Failed.class, defaults.answer(true, List.of(clear), null));
        assertTrue(refused.diagnostic().contains("UNENCRYPTED_SRTP refused"), refused.diagnostic());
        var allowed = new SdesNegotiator(SdesConfig.DEFAULT.withUnencryptedSrtp(true));
        var out = assertInstanceOf(SdesOutcome.Secure.class, allowed.answer(true, List.of(clear), null));
        assertTrue(out.local().params().unencryptedSrtp());
        assertTrue(out.local().params().unencryptedSrtcp());
        // even where allowed, an encrypted line of a less preferred suite wins
        var out2 = assertInstanceOf(SdesOutcome.Secure.class, allowed.answer(true,
                List.of(clear, line(2, SrtpSuite.AES_256_CM_HMAC_SHA1_32)), null));
        assertEquals(2, out2.local().tag());
    }

    @Test
    void unencryptedWithAnAeadSuiteIsRefusedForThatLineOnly() {
        var out = assertInstanceOf(SdesOutcome.Secure.class, defaults.answer(true,
                List.of(line(1, SrtpSuite.AEAD_AES_256_GCM) + " UNENCRYPTED_SRTCP",
                        line(2, SrtpSuite.AES_CM_128_HMAC_SHA1_80)), null));
        assertEquals(2, out.local().tag());
        assertTrue(out.refused().get(0).reason().contains("AEAD"), out.refused().toString());
    }

    @Test
    void anAnswerThatAddsUnencryptedParametersIsRefused() {
        SdesOffer offer = defaults.offer(null);
        String answer = line(1, SrtpSuite.AES_CM_128_HMAC_SHA1_80) + " UNENCRYPTED_SRTCP";
        var out = assertInstanceOf(SdesOutcome.Failed.class, offer.accept(true, List.of(answer)));
        assertTrue(out.diagnostic().contains("differ from the offer"), out.diagnostic());
    }

    @Test
    void reofferWithSameSuiteKeepsOurKey() {
        var first = assertInstanceOf(SdesOutcome.Secure.class,
                defaults.answer(true, List.of(line(1, SrtpSuite.AES_CM_128_HMAC_SHA1_80)), null));
        var again = assertInstanceOf(SdesOutcome.Secure.class,
                defaults.answer(true, List.of(first.remote().toSdpValue().replaceFirst("^1 ", "5 ")), first.local()));
        assertTrue(again.local().sameKeyingAs(first.local()));
        assertEquals(5, again.local().tag());
    }

    @Test
    void answerMatchedByTagAndSuiteOrBySuiteWhenRenumbered() {
        SdesOffer offer = defaults.offer(null);
        assertEquals(SdesConfig.DEFAULT_SUITES.size(), offer.lines().size());
        assertTrue(offer.lines().get(0).startsWith("1 AES_CM_128_HMAC_SHA1_80 inline:"));
        CryptoAttribute gcmOffered = offer.attributes().get(1);
        // the answerer renumbered tag 2 as tag 9
        var out = assertInstanceOf(SdesOutcome.Secure.class,
                offer.accept(true, List.of(line(9, SrtpSuite.AEAD_AES_256_GCM))));
        assertEquals(SrtpSuite.AEAD_AES_256_GCM, out.local().suite());
        assertTrue(out.local().key() == gcmOffered.key(), "the offered key for that suite is the one we send with");
        assertTrue(offer.attributes().get(0).key().isDestroyed(), "keys not chosen are zeroed");
        assertFalse(out.local().key().isDestroyed());
        assertThrows(IllegalStateException.class, () -> offer.accept(true, List.of()));
    }

    @Test
    void answerWithSuiteNotOfferedFailsClosed() {
        var only80 = new SdesNegotiator(SdesConfig.of(MediaSecurity.SRTP_REQUIRED, SrtpSuite.AES_CM_128_HMAC_SHA1_80));
        SdesOffer offer = only80.offer(null);
        var f = assertInstanceOf(SdesOutcome.Failed.class, offer.accept(true, List.of(line(1, SrtpSuite.AEAD_AES_128_GCM))));
        assertTrue(f.diagnostic().contains("we offered [tag 1 AES_CM_128_HMAC_SHA1_80]"), f.diagnostic());
        assertTrue(f.diagnostic().contains("AEAD_AES_128_GCM was not offered"), f.diagnostic());
    }

    @Test
    void reofferFromUsReusesTheCurrentKey() {
        SdesOffer first = defaults.offer(null);
        List<String> firstLines = first.lines();
        var out = assertInstanceOf(SdesOutcome.Secure.class,
                first.accept(true, List.of(line(1, SrtpSuite.AES_CM_128_HMAC_SHA1_80))));
        SdesOffer second = defaults.offer(out.local());
        assertTrue(second.attributes().get(0).sameKeyingAs(out.local()));
        assertNotEquals(firstLines.get(1), second.lines().get(1));
        second.discard();
        assertFalse(out.local().key().isDestroyed(), "discarding a re-offer keeps the key in use");
    }
}
