// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.server.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.palisade.server.container.StreamFramer.Status;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * RFC 3261 section 18.3 framing of a TCP/TLS byte stream: every message is cut at every byte boundary (and fed one
 * byte at a time) and must come out the same; malformed framing is refused as a status, never as an exception.
 */
class StreamFramerTest {

    private static final int MAX = 8192;

    /** What a framer handed on, as text: "msg CALLID|HEAD|BODY", "ping", "crlf". */
    private static final class Recorder implements StreamFramer.Sink {
        final List<String> events = new ArrayList<>();

        @Override
        public void message(String head, byte[] body, String callId) {
            events.add("msg " + callId + "|" + head + "|" + new String(body, StandardCharsets.UTF_8));
        }

        @Override
        public void ping() {
            events.add("ping");
        }

        @Override
        public void crlf() {
            events.add("crlf");
        }
    }

    private record Run(Status status, List<String> events) {
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Feeds {@code stream} in pieces cut at {@code cuts} (ascending offsets); the last status and the events. */
    private static Run feed(int max, byte[] stream, int... cuts) {
        Recorder r = new Recorder();
        StreamFramer f = new StreamFramer(max, r);
        Status s = Status.OK;
        int from = 0;
        for (int i = 0; i <= cuts.length; i++) {
            int to = i < cuts.length ? cuts[i] : stream.length;
            // a fresh array per read, as the channel gives; the framer must not keep a reference to it
            byte[] read = java.util.Arrays.copyOfRange(stream, from, to);
            s = f.feed(read, 0, read.length);
            java.util.Arrays.fill(read, (byte) 'X');
            from = to;
        }
        return new Run(s, r.events);
    }

    private static Run whole(byte[] stream) {
        return feed(MAX, stream);
    }

    /** Every cut into two reads, and one byte per read, give what the whole stream in one read gives. */
    private static Run sameAtEveryCut(int max, byte[] stream) {
        Run one = feed(max, stream);
        for (int cut = 0; cut <= stream.length; cut++) {
            assertEquals(one, feed(max, stream, cut), "cut at " + cut);
        }
        int[] all = new int[stream.length];
        for (int i = 0; i < stream.length; i++) {
            all[i] = i;
        }
        assertEquals(one, feed(max, stream, all), "one byte per read");
        return one;
    }

    private static String request(String callId, String lengthField, String body) {
        return "INVITE sip:bob@example.com SIP/2.0\r\n"
                + "Via: SIP/2.0/TCP 192.0.2.1:5060;branch=z9hG4bK776asdhds\r\n"
                + "Max-Forwards: 70\r\n"
                + "To: <sip:bob@example.com>\r\n"
                + "From: <sip:alice@example.com>;tag=1928301774\r\n"
                + "Call-ID: " + callId + "\r\n"
                + "CSeq: 314159 INVITE\r\n"
                + lengthField + "\r\n"
                + "\r\n" + body;
    }

    private static String head(String message) {
        return message.substring(0, message.indexOf("\r\n\r\n") + 4);
    }

    @Test
    void aMessageWithABodyComesOutWholeAtEveryCut() {
        String body = "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\n\r\n\r\nc=IN IP4 192.0.2.1\r\n";
        String m = request("a84b4c76e66710", "Content-Length: " + bytes(body).length, body);
        Run r = sameAtEveryCut(MAX, bytes(m));
        assertEquals(Status.OK, r.status());
        assertEquals(List.of("msg a84b4c76e66710|" + head(m) + "|" + body), r.events());
    }

    @Test
    void pipelinedMessagesAndKeepAlivesComeOutInOrderAtEveryCut() {
        String a = request("one", "Content-Length: 5", "hello");
        String b = request("two", "l: 0", "");
        String c = request("three", "CONTENT-LENGTH :\t 3 ", "abc");
        Run r = sameAtEveryCut(MAX, bytes(a + b + "\r\n\r\n" + c + "\r\n"));
        assertEquals(Status.OK, r.status());
        assertEquals(List.of("msg one|" + head(a) + "|hello", "msg two|" + head(b) + "|", "crlf", "ping",
                "msg three|" + head(c) + "|abc", "crlf"), r.events());
    }

    @Test
    void compactAndFoldedContentLengthAndCallIdFrameTheBody() {
        // RFC 3261 section 7.3.3 (compact forms) and 7.3.1 (folding, any case in names)
        String compact = request("x", "l: 11", "hello world").replace("Call-ID: x", "i: x@host");
        Run r = sameAtEveryCut(MAX, bytes(compact + compact));
        assertEquals(List.of("msg x@host|" + head(compact) + "|hello world", "msg x@host|" + head(compact)
                + "|hello world"), r.events());

        String upper = request("y", "L:4", "body");
        assertEquals(List.of("msg y|" + head(upper) + "|body"), whole(bytes(upper)).events());

        String folded = request("z", "Content-length:\r\n   4", "body").replace("Call-ID: z", "call-id:\r\n\tz");
        Run f = sameAtEveryCut(MAX, bytes(folded));
        assertEquals(List.of("msg z|" + head(folded) + "|body"), f.events());
    }

    @Test
    void aFieldNamedLikeTheCompactFormIsNotTakenForIt() {
        // Location, i-something: only "l" and "i" alone are the compact forms
        String m = request("c1", "Content-Length: 2", "ok").replace("Max-Forwards: 70", "Location: 99\r\nIdentity: zz");
        assertEquals(List.of("msg c1|" + head(m) + "|ok"), whole(bytes(m)).events());
    }

    @Test
    void aRepeatedEqualContentLengthIsFramedSoThatTheEdgeRefusesIt() {
        // RFC 4475 section 3.3.9 case: the edge (HeaderSyntax) answers 400 for the field given twice
        String m = request("d1", "Content-Length: 0\r\nl: 0", "");
        Run r = sameAtEveryCut(MAX, bytes(m));
        assertEquals(Status.OK, r.status());
        assertEquals(List.of("msg d1|" + head(m) + "|"), r.events());
    }

    @Test
    void conflictingBadOrMissingContentLengthIsAFramingError() {
        // RFC 4475 section 3.3.9 (mcl01): the body length is unknowable; section 3.1.2.3 (ncl): negative
        assertRefused(Status.CONFLICTING_CONTENT_LENGTH, request("e", "Content-Length: 13\r\nl: 5", "There's no way"));
        assertRefused(Status.BAD_CONTENT_LENGTH, request("e", "Content-Length: -999", ""));
        assertRefused(Status.BAD_CONTENT_LENGTH, request("e", "Content-Length: 1 2", ""));
        assertRefused(Status.BAD_CONTENT_LENGTH, request("e", "Content-Length: 0x10", ""));
        assertRefused(Status.BAD_CONTENT_LENGTH, request("e", "Content-Length:", ""));
        // RFC 3261 section 18.3: required on streams
        assertRefused(Status.NO_CONTENT_LENGTH, request("e", "Content-Type: text/plain", "hello"));
        assertRefused(Status.NO_CALL_ID, request("e", "Content-Length: 0", "").replace("Call-ID: e\r\n", ""));
    }

    private static void assertRefused(Status expected, String message) {
        // a good message first: it is delivered, then the framing error stops everything after it
        String good = request("ok", "Content-Length: 0", "");
        Run r = sameAtEveryCut(MAX, bytes(good + message + good));
        assertEquals(expected, r.status(), message);
        assertEquals(List.of("msg ok|" + head(good) + "|"), r.events(), message);
    }

    @Test
    void aFramerThatRefusedTakesNothingMore() {
        Recorder rec = new Recorder();
        StreamFramer f = new StreamFramer(MAX, rec);
        byte[] bad = bytes(request("e", "Content-Length: abc", ""));
        assertEquals(Status.BAD_CONTENT_LENGTH, f.feed(bad, 0, bad.length));
        byte[] good = bytes("\r\n\r\n" + request("ok", "Content-Length: 0", ""));
        assertEquals(Status.BAD_CONTENT_LENGTH, f.feed(good, 0, good.length));
        assertEquals(List.of(), rec.events);
    }

    @Test
    void theSizeLimitCountsHeadersAndBody() {
        String m = request("s", "Content-Length: 10", "0123456789");
        int size = bytes(m).length;
        assertEquals(Status.OK, sameAtEveryCut(size, bytes(m)).status(), "exactly the limit");
        Run over = sameAtEveryCut(size - 1, bytes(m));
        assertEquals(Status.TOO_LARGE, over.status());
        assertEquals(List.of(), over.events());
        // refused as soon as the header section announces too much, before the body arrives
        String announced = request("s", "Content-Length: 1000000", "");
        assertEquals(Status.TOO_LARGE, whole(bytes(announced)).status());
        assertEquals(Status.TOO_LARGE, whole(bytes(request("s", "Content-Length: 99999999999999999999", ""))).status());
        // and when the header section never ends
        StringBuilder endless = new StringBuilder("OPTIONS sip:x SIP/2.0\r\n");
        while (endless.length() <= MAX) {
            endless.append("X-Pad: 0123456789\r\n");
        }
        assertEquals(Status.TOO_LARGE, whole(bytes(endless.toString())).status());
    }

    @Test
    void keepAlivesBetweenMessages() {
        // RFC 5626 section 4.4.1: a double CRLF is a ping (answered with one CRLF), a single CRLF a pong
        assertEquals(List.of("crlf", "ping"), sameAtEveryCut(MAX, bytes("\r\n\r\n")).events());
        assertEquals(List.of("crlf"), sameAtEveryCut(MAX, bytes("\r\n")).events());
        assertEquals(List.of("crlf", "ping", "crlf", "ping"), sameAtEveryCut(MAX, bytes("\r\n\r\n\r\n\r\n")).events());
        // a lone LF or CR is skipped, not counted
        assertEquals(List.of("crlf"), sameAtEveryCut(MAX, bytes("\n\r\r\n")).events());
        String m = request("k", "Content-Length: 0", "");
        assertEquals(List.of("crlf", "ping", "msg k|" + head(m) + "|", "crlf", "ping"),
                sameAtEveryCut(MAX, bytes("\r\n\r\n" + m + "\r\n\r\n")).events());
    }

    @Test
    void headersAreHandedOnAsUtf8AndTheBodyAsBytes() {
        byte[] body = {0, (byte) 0xff, '\r', '\n', '\r', '\n', (byte) 0x80};
        String h = request("u", "Content-Length: " + body.length, "").replace("From: <", "From: \"Jörg\" <");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(bytes(h));
        out.writeBytes(body);
        List<Object[]> got = new ArrayList<>();
        StreamFramer f = new StreamFramer(MAX, new StreamFramer.Sink() {
            @Override
            public void message(String head, byte[] b, String callId) {
                got.add(new Object[] {head, b});
            }

            @Override
            public void ping() {
            }

            @Override
            public void crlf() {
            }
        });
        byte[] all = out.toByteArray();
        assertEquals(Status.OK, f.feed(all, 0, all.length));
        assertEquals(1, got.size());
        assertEquals(h, got.get(0)[0]);
        assertTrue(java.util.Arrays.equals(body, (byte[]) got.get(0)[1]));
    }

    @Test
    void aReadInsideALargerArrayIsTakenFromItsOffset() {
        String m = request("o", "Content-Length: 2", "hi");
        byte[] inner = bytes("garbage" + m + "trailing");
        Recorder rec = new Recorder();
        StreamFramer f = new StreamFramer(MAX, rec);
        assertEquals(Status.OK, f.feed(inner, 7, bytes(m).length));
        assertEquals(List.of("msg o|" + head(m) + "|hi"), rec.events);
    }

    @Test
    void limitsAreValidated() {
        assertThrows(IllegalArgumentException.class, () -> new StreamFramer(0, new Recorder()));
        assertThrows(IllegalArgumentException.class, () -> new StreamFramer(100, null));
    }
}
