// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.core.call;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SdpTest {
    static final String OFFER = String.join("\r\n",
            "v=0",
            "o=alice 2890844526 2890844526 IN IP4 192.0.2.10",
            "s=-",
            "c=IN IP4 192.0.2.10",
            "t=0 0",
            "m=audio 49170 RTP/SAVP 0 8 101",
            "a=rtpmap:0 PCMU/8000",
            "a=rtpmap:8 PCMA/8000",
            "a=rtpmap:101 telephone-event/8000",
            "a=fmtp:101 0-15",
            "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^20|1:32",
            "a=rtcp:49171",
            "a=candidate:1 1 UDP 2130706431 192.0.2.10 49170 typ host",
            "a=sendrecv",
            "m=video 51372 RTP/AVP 31",
            "c=IN IP4 192.0.2.11",
            "a=rtpmap:31 H261/90000",
            "");

    static Sdp parse(String s) {
        return assertInstanceOf(Sdp.Parse.Ok.class, Sdp.parse(s)).sdp();
    }

    @Test
    void readsWhatTheRelayNeeds() {
        Sdp sdp = parse(OFFER);
        assertEquals("192.0.2.10", sdp.connectionAddress());
        assertEquals(2, sdp.media().size());
        Sdp.Media audio = sdp.media().get(0);
        assertEquals(49170, audio.port());
        assertTrue(audio.secureProfile());
        assertEquals(List.of("0", "8", "101"), audio.formats());
        assertEquals(1, audio.attributeValues("crypto").size());
        assertEquals(49171, audio.rtcpPort());
        assertEquals("sendrecv", audio.direction());
        assertEquals(0, sdp.firstAudio().orElseThrow());
        assertEquals("192.0.2.11", sdp.addressOf(sdp.media().get(1)).orElseThrow());
        assertFalse(sdp.toString().contains("inline"), "toString must not show keys");
    }

    @Test
    void refusesWhatIsNotSdp() {
        assertInstanceOf(Sdp.Parse.Bad.class, Sdp.parse("hello"));
        assertInstanceOf(Sdp.Parse.Bad.class, Sdp.parse("v=1\r\n"));
        assertInstanceOf(Sdp.Parse.Bad.class, Sdp.parse("v=0\r\nm=audio 70000 RTP/AVP 0\r\n"));
        assertInstanceOf(Sdp.Parse.Bad.class, Sdp.parse("v=0\r\nm=audio 4000/2 RTP/AVP 0\r\n"));
        assertInstanceOf(Sdp.Parse.Bad.class, Sdp.parse("v=0\r\nc=IN IP4 224.2.1.1/127\r\n"));
        assertInstanceOf(Sdp.Parse.Bad.class, Sdp.parse("v=0\r\nx=what\r\n"));
        assertInstanceOf(Sdp.Parse.Bad.class, Sdp.parse(new byte[Sdp.MAX_BYTES + 1]));
        assertInstanceOf(Sdp.Parse.Bad.class, Sdp.parse(new byte[0]));
    }

    @Test
    void badReasonsNeverQuoteTheInput() {
        Sdp.Parse p = Sdp.parse("v=0\r\nc=IN IP4 inline:SECRETKEY/1\r\n");
        Sdp.Parse.Bad bad = assertInstanceOf(Sdp.Parse.Bad.class, p);
        assertFalse(bad.reason().contains("SECRET"), bad.reason());
    }

    @Test
    void hostileInputIsAValueNeverAnException() {
        for (int cut = 0; cut <= OFFER.length(); cut++) {
            Sdp.parse(OFFER.substring(0, cut));
        }
        Random r = new Random(4);
        byte[] b = OFFER.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        for (int i = 0; i < 5_000; i++) {
            byte[] m = b.clone();
            m[r.nextInt(m.length)] ^= (byte) (1 << r.nextInt(8));
            Sdp.parse(m);
        }
    }
}
