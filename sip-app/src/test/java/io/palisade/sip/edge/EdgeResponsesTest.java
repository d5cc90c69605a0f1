// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.sip.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gov.nist.javax.sip.header.HeaderFactoryImpl;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import gov.nist.javax.sip.parser.StringMsgParser;
import io.palisade.sip.RegisterFlow;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The edge's own response bytes say what JAIN-SIP's {@code createResponse} plus {@code encodeAsBytes} said: every
 * case is compared, header by header, with the response the stack builds for the same request and answer.
 */
class EdgeResponsesTest {
    private static final String TAG = "ps1a2b3c";

    private static SIPRequest request(String head) throws Exception {
        return (SIPRequest) new StringMsgParser().parseSIPMessage(
                (head + "Content-Length: 0\r\n\r\n").getBytes(StandardCharsets.UTF_8), true, false, null);
    }

    private static final String PLAIN = "REGISTER sip:127.0.0.1 SIP/2.0\r\n"
            + "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-1;rport=5060;received=192.0.2.10\r\n"
            + "Max-Forwards: 70\r\nTo: \"Alice\" <sip:alice@127.0.0.1>\r\nFrom: <sip:alice@127.0.0.1>;tag=f1\r\n"
            + "Call-ID: c1@192.0.2.10\r\nCSeq: 7 REGISTER\r\nUser-Agent: Phone/1\r\n"
            + "Authorization: Digest username=\"alice\", realm=\"r\", nonce=\"n\", uri=\"sip:127.0.0.1\", response=\"x\"\r\n"
            + "Contact: <sip:alice@192.0.2.10:5060>;expires=600\r\n";

    /** To as an addr-spec with a header parameter, two Vias (a proxy in front), compact forms, a Timestamp. */
    private static final String ODD = "REGISTER sip:example.com SIP/2.0\r\n"
            + "v: SIP/2.0/TLS 198.51.100.7:5061;branch=z9hG4bK-p\r\n"
            + "Via: SIP/2.0/TLS 192.0.2.10:40000;branch=z9hG4bK-2;alias\r\n"
            + "t: sip:bob@example.com;x=y\r\nf: sip:bob@example.com;tag=9\r\n"
            + "i: c2\r\nCSeq: 1 REGISTER\r\nTimestamp: 54.2\r\nm: <sips:bob@192.0.2.10:40000;transport=tls>\r\n";

    /** What JAIN-SIP itself would send for {@code request} and {@code answer}. */
    private static SIPResponse stacks(SIPRequest request, RegisterFlow.Answer answer) throws Exception {
        SIPResponse r = answer.reason() == null ? request.createResponse(answer.status())
                : request.createResponse(answer.status(), answer.reason());
        r.getTo().setTag(TAG);
        HeaderFactoryImpl headers = new HeaderFactoryImpl();
        for (RegisterFlow.Header h : answer.headers()) {
            r.addHeader(headers.createHeader(h.name(), h.value()));
        }
        return r;
    }

    private static SIPResponse ours(SIPRequest request, RegisterFlow.Answer answer) throws Exception {
        byte[] bytes = EdgeResponses.encode(request, TAG, answer);
        return (SIPResponse) new StringMsgParser().parseSIPMessage(bytes, true, false, null);
    }

    private static void same(String head, RegisterFlow.Answer answer) throws Exception {
        SIPRequest request = request(head);
        SIPResponse expected = stacks(request, answer);
        SIPResponse actual = ours(request, answer);
        assertEquals(expected.getFirstLine(), actual.getFirstLine());
        assertEquals(byName(expected), byName(actual)); // the order of different headers carries no meaning
    }

    /** Every header of {@code m} by name, each name's values in their order. */
    private static java.util.Map<String, List<String>> byName(SIPResponse m) {
        java.util.Map<String, List<String>> out = new java.util.TreeMap<>();
        java.util.Iterator<String> names = m.getHeaderNames();
        while (names.hasNext()) {
            String name = names.next();
            List<String> values = new java.util.ArrayList<>();
            m.getHeaders(name).forEachRemaining(h -> values.add(h.toString()));
            out.put(name, values);
        }
        assertTrue(out.size() >= 6, out.toString());
        return out;
    }

    @Test
    void aChallengeWithTwoSchemes() throws Exception {
        same(PLAIN, new RegisterFlow.Answer(401, null, List.of(
                new RegisterFlow.Header("WWW-Authenticate",
                        "Digest realm=\"r\", nonce=\"abc\", algorithm=SHA-256, qop=\"auth\""),
                new RegisterFlow.Header("WWW-Authenticate",
                        "Digest realm=\"r\", nonce=\"abc\", algorithm=MD5, qop=\"auth\", stale=true"))));
    }

    @Test
    void anOkListingEveryBinding() throws Exception {
        same(PLAIN, new RegisterFlow.Answer(200, null, List.of(
                new RegisterFlow.Header("Contact", "<sip:alice@192.0.2.10:5060>;expires=600;q=1.0"),
                new RegisterFlow.Header("Contact", "<sip:alice@192.0.2.11:5062;transport=tcp>;expires=12;q=0.5"))));
        same(ODD, new RegisterFlow.Answer(200, null,
                List.of(new RegisterFlow.Header("Contact", "<sips:bob@192.0.2.10:40000;transport=tls>;expires=3600"))));
    }

    @Test
    void refusalsWithTheirOwnReasonAndHeaders() throws Exception {
        same(ODD, new RegisterFlow.Answer(423, "Interval Too Brief", List.of(new RegisterFlow.Header("Min-Expires", "60"))));
        same(PLAIN, new RegisterFlow.Answer(503, "Service Unavailable: overloaded",
                List.of(new RegisterFlow.Header("Retry-After", "5"))));
        same(ODD, new RegisterFlow.Answer(400, "Bad Request: malformed Contact", List.of()));
    }

    @Test
    void theHeadersAreTheRequestsAndTheTagIsAdded() throws Exception {
        String text = new String(EdgeResponses.encode(request(PLAIN), TAG, new RegisterFlow.Answer(200, null,
                List.of())), StandardCharsets.US_ASCII);
        assertTrue(text.startsWith("SIP/2.0 200 OK\r\n"), text);
        assertTrue(text.contains("\r\nTo: \"Alice\" <sip:alice@127.0.0.1>;tag=" + TAG + "\r\n"), text);
        assertTrue(text.contains("received=192.0.2.10"), text);
        assertTrue(text.endsWith("\r\nContent-Length: 0\r\n\r\n"), text);
        for (String notCopied : List.of("Authorization", "User-Agent", "Max-Forwards", "expires=600")) {
            assertTrue(!text.contains(notCopied), notCopied + " must not be copied: " + text);
        }
    }

    @Test
    void aValueThatWouldEndItsHeaderIsRefused() throws Exception {
        SIPRequest r = request(PLAIN);
        assertThrows(IllegalArgumentException.class, () -> EdgeResponses.encode(r, TAG, new RegisterFlow.Answer(200,
                null, List.of(new RegisterFlow.Header("Contact", "<sip:a@h>\r\nX-Injected: 1")))));
        assertThrows(IllegalArgumentException.class, () -> EdgeResponses.encode(r, TAG,
                new RegisterFlow.Answer(400, "Bad\nRequest", List.of())));
    }
}
