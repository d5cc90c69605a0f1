// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.parser.StringMsgParser;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * What an answered REGISTER's transaction keeps for Timer J: everything RFC 3261 section 17.2.3 matches a
 * retransmission by, and none of the rest (credentials, contacts).
 */
class ContainerMessagesTest {

    private static SIPRequest parse(String branch) throws Exception {
        String m = "REGISTER sip:example.com SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 192.0.2.10:5062;branch=" + branch + ";rport\r\n"
                + "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKproxy\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: <sip:alice@example.com>;tag=f1\r\n"
                + "To: <sip:alice@example.com>\r\n"
                + "Call-ID: c1@192.0.2.10\r\n"
                + "CSeq: 2 REGISTER\r\n"
                + "Contact: <sip:alice@192.0.2.10:5062>;expires=600\r\n"
                + "Authorization: Digest username=\"alice\", realm=\"example.com\", nonce=\"n\", uri=\"sip:example.com\","
                + " response=\"0123456789abcdef0123456789abcdef\", algorithm=MD5, cnonce=\"c\", qop=auth, nc=00000001\r\n"
                + "User-Agent: Phone/1.0\r\n"
                + "Content-Length: 0\r\n\r\n";
        SIPRequest r = (SIPRequest) new StringMsgParser().parseSIPMessage(m.getBytes(StandardCharsets.UTF_8), true,
                false, null);
        r.setRemoteAddress(InetAddress.getByName("192.0.2.10"));
        r.setRemotePort(5062);
        return r;
    }

    @Test
    void theSlimRequestKeepsWhatARetransmissionIsMatchedBy() throws Exception {
        for (String branch : new String[] {"z9hG4bK776asdhds", "rfc2543-style"}) {
            SIPRequest full = parse(branch);
            SIPRequest slim = ContainerMessages.slimCopy(full);

            assertEquals(full.getTransactionId(), slim.getTransactionId(), branch);
            assertEquals(full.getMergeId(), slim.getMergeId(), branch);
            assertEquals("REGISTER", slim.getMethod());
            assertEquals(full.getRequestURI(), slim.getRequestURI());
            assertSame(full.getTopmostVia(), slim.getTopmostVia());
            assertEquals("f1", slim.getFromTag());
            assertNull(slim.getToTag());
            assertEquals("c1@192.0.2.10", slim.getCallId().getCallId());
            assertEquals(2L, slim.getCSeq().getSeqNumber());
            assertEquals(full.getRemoteAddress(), slim.getRemoteAddress());
            assertEquals(5062, slim.getRemotePort());
        }
    }

    @Test
    void theSlimRequestHoldsNoCredentialsNorContacts() throws Exception {
        SIPRequest slim = ContainerMessages.slimCopy(parse("z9hG4bK776asdhds"));
        for (String gone : new String[] {"Authorization", "Contact", "User-Agent", "Max-Forwards"}) {
            assertNull(slim.getHeader(gone), gone);
        }
        assertEquals(1, slim.getViaHeaders().size(), "only the top Via, the one this server answers to");
    }
}
