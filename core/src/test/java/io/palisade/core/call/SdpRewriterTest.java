// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.core.call;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class SdpRewriterTest {
    static final String OUR_KEY_LINE = "1 AES_CM_128_HMAC_SHA1_80 inline:OURS0000000000000000000000000000000000000";

    @Test
    void offerOnATlsLegCarriesTheRelayAndOnlyThisLegsKeys() {
        Sdp in = SdpTest.parse(SdpTest.OFFER);
        String out = SdpRewriter.offer(in, 0, new SdpRewriter.LegMedia("203.0.113.5", 20000, true, List.of(OUR_KEY_LINE)), 7, 1);
        Sdp sdp = SdpTest.parse(out);
        assertEquals("203.0.113.5", sdp.connectionAddress());
        assertEquals(20000, sdp.media().get(0).port());
        assertEquals("RTP/SAVP", sdp.media().get(0).profile());
        assertEquals(List.of(OUR_KEY_LINE), sdp.media().get(0).attributeValues("crypto"));
        assertEquals(List.of("0", "8", "101"), sdp.media().get(0).formats());
        assertTrue(out.contains("a=fmtp:101 0-15"));
        // nothing of the other party's addresses, ICE or keys
        assertFalse(out.contains("192.0.2."), out);
        assertFalse(out.contains("49170") || out.contains("49171"), out);
        assertFalse(out.contains("PS1uQCVee"), out);
        assertFalse(out.contains("candidate"), out);
        // the video stream is declined in place
        assertEquals(0, sdp.media().get(1).port());
        assertEquals("video", sdp.media().get(1).type());
    }

    @Test
    void offerOnAPlainLegHasNoCrypto() {
        Sdp in = SdpTest.parse(SdpTest.OFFER);
        String out = SdpRewriter.offer(in, 0, new SdpRewriter.LegMedia("10.0.0.1", 20002, false, List.of()), 7, 1);
        assertFalse(out.contains("a=crypto"), out);
        assertTrue(out.contains("m=audio 20002 RTP/AVP 0 8 101"), out);
        assertThrows(IllegalArgumentException.class,
                () -> new SdpRewriter.LegMedia("10.0.0.1", 20002, false, List.of(OUR_KEY_LINE)));
    }

    @Test
    void answerTakesTheCalleesChoiceInTheOffersProfile() {
        Sdp offer = SdpTest.parse(SdpTest.OFFER);
        Sdp calleeAnswer = SdpTest.parse("v=0\r\nc=IN IP4 198.51.100.7\r\nm=audio 30000 RTP/AVP 8 101\r\n"
                + "a=rtpmap:8 PCMA/8000\r\na=rtpmap:101 telephone-event/8000\r\na=ptime:20\r\na=recvonly\r\n");
        SdpRewriter.Answer a = SdpRewriter.answer(offer, 0, calleeAnswer,
                new SdpRewriter.LegMedia("203.0.113.5", 20004, true, List.of(OUR_KEY_LINE)), 9, 2);
        SdpRewriter.Answer.Ok ok = assertInstanceOf(SdpRewriter.Answer.Ok.class, a);
        Sdp sdp = SdpTest.parse(ok.sdp());
        assertEquals(List.of("8", "101"), sdp.media().get(0).formats());
        assertEquals("RTP/SAVP", sdp.media().get(0).profile());
        assertEquals("recvonly", sdp.media().get(0).direction());
        assertEquals(20004, sdp.media().get(0).port());
        assertEquals(2, sdp.media().size(), "one answer section per offered section");
        assertEquals(0, sdp.media().get(1).port());
        assertFalse(ok.sdp().contains("198.51.100.7"));
    }

    @Test
    void noCommonCodecIsNotAcceptable() {
        Sdp offer = SdpTest.parse(SdpTest.OFFER);
        Sdp calleeAnswer = SdpTest.parse("v=0\r\nc=IN IP4 198.51.100.7\r\nm=audio 30000 RTP/AVP 9\r\n");
        assertInstanceOf(SdpRewriter.Answer.NotAcceptable.class, SdpRewriter.answer(offer, 0, calleeAnswer,
                new SdpRewriter.LegMedia("203.0.113.5", 20004, false, List.of()), 9, 2));
        Sdp declined = SdpTest.parse("v=0\r\nc=IN IP4 198.51.100.7\r\nm=audio 0 RTP/AVP 0\r\n");
        assertInstanceOf(SdpRewriter.Answer.NotAcceptable.class, SdpRewriter.answer(offer, 0, declined,
                new SdpRewriter.LegMedia("203.0.113.5", 20004, false, List.of()), 9, 2));
    }

    @Test
    void aLocalAnswerToHoldMirrorsTheDirection() {
        Sdp hold = SdpTest.parse(SdpTest.OFFER.replace("a=sendrecv", "a=sendonly"));
        Sdp agreed = SdpTest.parse("v=0\r\nc=IN IP4 198.51.100.7\r\nm=audio 30000 RTP/AVP 0\r\na=sendrecv\r\n");
        SdpRewriter.Answer.Ok ok = assertInstanceOf(SdpRewriter.Answer.Ok.class, SdpRewriter.answer(hold, 0, agreed,
                new SdpRewriter.LegMedia("203.0.113.5", 20004, true, List.of(OUR_KEY_LINE)), 9, 3, true));
        Sdp sdp = SdpTest.parse(ok.sdp());
        assertEquals("recvonly", sdp.media().get(0).direction());
        assertEquals(1, ok.sdp().split("a=recvonly", -1).length - 1);
        assertFalse(ok.sdp().contains("a=sendrecv"));
    }

    @Test
    void aForwardedHoldKeepsTheDirectionAndTheAnswerComesBackFromTheOtherParty() {
        // re-offer from the caller, forwarded: sendonly passes; the callee's recvonly passes back in the answer
        Sdp hold = SdpTest.parse(SdpTest.OFFER.replace("a=sendrecv", "a=sendonly"));
        String fwd = SdpRewriter.offer(hold, 0, new SdpRewriter.LegMedia("203.0.113.5", 20006, false, List.of()), 9, 4);
        assertEquals("sendonly", SdpTest.parse(fwd).media().get(0).direction());
        Sdp calleeAnswer = SdpTest.parse("v=0\r\nc=IN IP4 198.51.100.7\r\nm=audio 30000 RTP/AVP 0\r\na=recvonly\r\n");
        SdpRewriter.Answer.Ok ok = assertInstanceOf(SdpRewriter.Answer.Ok.class, SdpRewriter.answer(hold, 0, calleeAnswer,
                new SdpRewriter.LegMedia("203.0.113.5", 20004, true, List.of(OUR_KEY_LINE)), 9, 3));
        assertEquals("recvonly", SdpTest.parse(ok.sdp()).media().get(0).direction());
        assertFalse(ok.sdp().contains("198.51.100.7"), ok.sdp());
    }

    @Test
    void aDeclineRejectsEveryStreamWithPortZeroAndCarriesNoKeys() {
        Sdp offer = SdpTest.parse(SdpTest.OFFER);
        String d = SdpRewriter.decline(offer, "203.0.113.5", 9, 1);
        Sdp sdp = SdpTest.parse(d);
        assertEquals(offer.media().size(), sdp.media().size());
        sdp.media().forEach(m -> assertEquals(0, m.port(), d));
        assertFalse(d.contains("a=crypto"), d);
    }
}
