// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several requests sent at once on a new TCP connection (a phone registering and subscribing right after it
 * connects; SIPp at a high call rate). JAIN-SIP dispatches them to different threads, and each of them, seeing the
 * connection "not cached yet", cached it again, and JAIN-SIP closes the connection it finds already cached even
 * when it is the very same one: the phone's connection was reset after its first messages. Found through a
 * SippRegistrationIT that failed now and then on a cold server.
 */
class PipeliningIT {
    @TempDir
    Path tmp;

    /**
     * An OPTIONS; every other one carries a body whose length is given in the compact form ({@code l:}, RFC 3261
     * section 7.3.3), which JAIN-SIP's own stream framer did not read (it took the body for the next message).
     */
    static String options(int i, int port) {
        return "OPTIONS sip:127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/TCP 127.0.0.1:" + port + ";branch=z9hG4bK" + UUID.randomUUID()
                + ";rport\r\nMax-Forwards: 70\r\nFrom: <sip:probe@127.0.0.1>;tag=" + i + "\r\nTo: <sip:127.0.0.1>\r\n"
                + "Call-ID: " + UUID.randomUUID() + "\r\nCSeq: 1 OPTIONS\r\n"
                + (i % 2 == 0 ? "Content-Length: 0\r\n\r\n" : "Content-Type: text/plain\r\nl: 5\r\n\r\nhello");
    }

    @Test
    void requestsSentTogetherOnANewConnectionAreAllAnsweredAndTheConnectionStays() throws Exception {
        Path data = tmp.resolve("data");
        try (PalisadeProcess server = PalisadeProcess.start(data, PalisadeProcess.defaults(data))) {
            javax.net.ssl.SSLContext tls = SipTestClient.trusting(data.resolve("tls/server-cert.pem"));
            for (int round = 0; round < 120; round++) {
                boolean overTls = round % 3 == 2;
                try (Socket s = overTls ? tls.getSocketFactory().createSocket("127.0.0.1", server.tlsPort)
                        : new Socket("127.0.0.1", server.tcpPort)) {
                    s.setSoTimeout(10_000);
                    StringBuilder burst = new StringBuilder();
                    for (int i = 0; i < 8; i++) {
                        burst.append(options(i, s.getLocalPort()).replace("SIP/2.0/TCP", overTls ? "SIP/2.0/TLS" : "SIP/2.0/TCP"));
                    }
                    s.getOutputStream().write(burst.toString().getBytes(StandardCharsets.US_ASCII));
                    s.getOutputStream().flush();
                    InputStream in = s.getInputStream();
                    for (int i = 0; i < 8; i++) {
                        String status = readStatusLine(in);
                        if (status == null) {
                            fail("round " + round + (overTls ? " (TLS)" : " (TCP)") + ": connection closed after " + i + " of 8 answers\n" + server.output());
                        }
                        assertEquals("SIP/2.0 200 OK", status, "round " + round);
                    }
                }
            }
        }
    }

    /** Reads one response and returns its status line, or null when the connection was closed. */
    static String readStatusLine(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int state = 0;
        while (state < 4) {
            int c;
            try {
                c = in.read();
            } catch (java.net.SocketException e) {
                return null; // reset
            }
            if (c < 0) {
                return null;
            }
            if (head.size() == 0 && (c == '\r' || c == '\n')) {
                continue;
            }
            head.write(c);
            state = (c == '\r' && (state == 0 || state == 2)) || (c == '\n' && (state == 1 || state == 3)) ? state + 1 : (c == '\r' ? 1 : 0);
        }
        String h = head.toString(StandardCharsets.US_ASCII);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?im)^(Content-Length|l)\\s*:\\s*(\\d+)").matcher(h);
        in.readNBytes(m.find() ? Integer.parseInt(m.group(2)) : 0);
        return h.substring(0, h.indexOf("\r\n"));
    }
}
