// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.sip.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.parser.ParserFactory;
import gov.nist.javax.sip.parser.StringMsgParser;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The direct parsers are the ones JAIN-SIP's table names, and a message parses to the same thing either way. */
class DirectHeaderParsersTest {
    @Test
    void everyNameGetsTheParserClassJainSipsTableGivesIt() throws Exception {
        for (int k = 0; k < DirectHeaderParsers.NAMES.length; k++) {
            String name = DirectHeaderParsers.NAMES[k];
            String line = name + ": x\n";
            assertEquals(ParserFactory.createParser(line).getClass(), DirectHeaderParsers.parser(k, line).getClass(),
                    name);
            assertEquals(k, DirectHeaderParsers.nameOf(name.toUpperCase(java.util.Locale.ROOT) + " : x"), name);
        }
        assertEquals(-1, DirectHeaderParsers.nameOf("X-Via: x"));
        assertEquals(-1, DirectHeaderParsers.nameOf("no colon"));
    }

    @Test
    void messagesParseToTheSameAsWithJainSipsPathAlone() throws Exception {
        String[] messages = {
            "REGISTER sip:example.com SIP/2.0\r\nv: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK1;rport\r\n"
                + "Via: SIP/2.0/TCP 192.0.2.2;branch=z9hG4bK2, SIP/2.0/UDP 192.0.2.3;branch=z9hG4bK3\r\n"
                + "Max-Forwards: 70\r\nTO : \"A\" <sip:a@example.com>\r\nf: <sip:a@example.com>;tag=1\r\ni: c1\r\n"
                + "CSeq: 2 REGISTER\r\nm: <sip:a@192.0.2.1>;expires=60, <sip:a@192.0.2.9>;q=0.5\r\nExpires: 3600\r\n"
                + "User-Agent: Phone/1.0 (x)\r\nAuthorization: Digest username=\"a\", realm=\"r\", nonce=\"n\", "
                + "uri=\"sip:example.com\", response=\"0123\"\r\nX-Other: 1\r\nl: 0\r\n\r\n",
            // a header JAIN-SIP cannot parse: dropped or reported the same way
            "OPTIONS sip:example.com SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK9\r\nMax-Forwards: 70\r\n"
                + "To: <sip:a@example.com>\r\nFrom: <sip:b@example.com>;tag=2\r\nCall-ID: c2\r\nCSeq: 1 OPTIONS\r\n"
                + "Expires: soon\r\nContact: <<<\r\nContent-Length: 0\r\n\r\n"};
        for (String text : messages) {
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            SIPMessage theirs = new StringMsgParser().parseSIPMessage(bytes, true, false, null);
            SIPMessage ours = new DirectHeaderParsers().parseSIPMessage(bytes, true, false, null);
            theirs.removeHeader("Authorization");
            List<String> credentials = new ArrayList<>();
            ours.getHeaders("Authorization").forEachRemaining(h -> credentials.add(h.getHeaderValue()));
            ours.removeHeader("Authorization");
            assertEquals(theirs.encode(), ours.encode());
            assertEquals(text.lines().filter(l -> l.startsWith("Authorization: "))
                    .map(l -> l.substring("Authorization: ".length())).toList(), credentials, "kept as sent");
        }
    }

    @Test
    void credentialsAreKeptAsTheirTextEveryOneOfThem() throws Exception {
        String text = "REGISTER sip:example.com SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK9\r\n"
                + "To: <sip:a@example.com>\r\nFrom: <sip:a@example.com>;tag=2\r\nCall-ID: c2\r\nCSeq: 1 REGISTER\r\n"
                + "authorization:   Digest username=\"a\",realm=\"r\"  \r\n"
                + "Authorization: Digest username=\"b\", realm=\"s\"\r\nContent-Length: 0\r\n\r\n";
        SIPMessage m = new DirectHeaderParsers().parseSIPMessage(text.getBytes(StandardCharsets.UTF_8), true, false, null);
        List<String> values = new ArrayList<>();
        m.getHeaders("Authorization").forEachRemaining(h -> values.add(h.getHeaderValue()));
        assertEquals(List.of("Digest username=\"a\",realm=\"r\"", "Digest username=\"b\", realm=\"s\""), values);
        assertTrue(m.encode().contains("\r\nAuthorization: Digest username=\"b\", realm=\"s\"\r\n"), m.encode());
    }
}
