// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.sip.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.parser.StringMsgParser;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The To tag of the edge's stateless 401 (RFC 3261 section 8.2.7): the same for a retransmission, else different. */
class StatelessChallengeTagTest {
    private static SIPRequest parse(String text) throws Exception {
        return (SIPRequest) new StringMsgParser().parseSIPMessage(text.getBytes(StandardCharsets.UTF_8), true, false,
                null);
    }

    private static String register(String branch, long cseq, String callId, String fromTag) {
        return "REGISTER sip:127.0.0.1 SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=" + branch + ";rport\r\n"
                + "Max-Forwards: 70\r\nTo: <sip:alice@127.0.0.1>\r\nFrom: <sip:alice@127.0.0.1>;tag=" + fromTag + "\r\n"
                + "Call-ID: " + callId + "\r\nCSeq: " + cseq + " REGISTER\r\n"
                + "Contact: <sip:alice@192.0.2.10:5060>\r\nContent-Length: 0\r\n\r\n";
    }

    @Test
    void aRetransmissionGetsTheSameTagAndAnyOtherRequestAnother() throws Exception {
        String tag = EdgeValve.statelessTag(parse(register("z9hG4bK1", 1, "c1@h", "f1")));
        assertTrue(tag.matches("[0-9a-z]{3,20}"), tag);
        assertEquals(tag, EdgeValve.statelessTag(parse(register("z9hG4bK1", 1, "c1@h", "f1"))));
        assertNotEquals(tag, EdgeValve.statelessTag(parse(register("z9hG4bK2", 1, "c1@h", "f1"))), "branch");
        assertNotEquals(tag, EdgeValve.statelessTag(parse(register("z9hG4bK1", 2, "c1@h", "f1"))), "CSeq");
        assertNotEquals(tag, EdgeValve.statelessTag(parse(register("z9hG4bK1", 1, "c2@h", "f1"))), "Call-ID");
        assertNotEquals(tag, EdgeValve.statelessTag(parse(register("z9hG4bK1", 1, "c1@h", "f2"))), "From tag");
        assertNotEquals(EdgeValve.statelessTag(parse(register("z9hG4bK1", 1, "ab", "c"))),
                EdgeValve.statelessTag(parse(register("z9hG4bK1", 1, "a", "bc"))), "parts are separated");
    }
}
