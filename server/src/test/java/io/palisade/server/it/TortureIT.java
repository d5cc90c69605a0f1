// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The RFC 4475 torture messages (sections 3.1.1, 3.1.2, 3.2, 3.3 and 3.4) and the RFC 5118 IPv6 messages
 * ({@code src/test/resources/torture/*.dat}, byte for byte as the RFCs give them) sent to the real server over UDP
 * and over TCP (a fresh connection each), from 127.0.0.1, which the tests exempt from rate limits and bans so that
 * the edge's sanity rules, the stack and the servlets are what answer.
 *
 * <p>After every message an ordinary OPTIONS must still get 200; valid requests must get a final answer that is not a
 * 5xx; invalid ones a 4xx or nothing, never a 2xx; and when the corpus is through an authenticated REGISTER over TLS
 * must succeed and the server's output must show no stack trace from our code and no OutOfMemoryError.
 *
 * <p>Nothing in the messages is adapted. The server is told to serve the domains they name (example.com, example.net,
 * example.org, 2001:db8::10, ...), so that valid requests reach the registrar, the B2BUA and the OPTIONS handler
 * instead of stopping at the edge's "domain not served here" (that refusal is EdgeIT's subject). A valid request must
 * get a final answer that is neither a 5xx nor a 400: the server handled it (a challenge, 200, 404 for an unknown
 * user, 481 for a dialog it does not know, 405/501 for an unknown method, or none at all over UDP when the top Via
 * names a host that does not resolve). Over UDP the
 * stack answers to the top Via's sent-by port (RFC 3261 section 18.2.2; 5060 unless the message names another), so
 * the test sends from 127.0.0.1:5060 and also listens on the other ports the corpus names.
 */
class TortureIT {
    @TempDir
    static Path tmp;
    static PalisadeProcess server;
    static Path cert;

    /** What the RFCs expect of a registrar / UAS for each message. */
    enum Expect {
        /** A well-formed request: a final answer, never a 5xx. */
        VALID,
        /** A request the RFC calls invalid: a 4xx (400 preferred) or silence; never 2xx/3xx/5xx. */
        INVALID,
        /** A response arriving at a server with no transaction for it: dropped, only health is checked. */
        STRAY_RESPONSE
    }

    /** RFC section and expectation per file, in RFC order. */
    static final Map<String, Case> CORPUS = new LinkedHashMap<>();

    record Case(String file, String section, Expect expect, String note) {
    }

    private static void c(String file, String section, Expect expect) {
        c(file, section, expect, "");
    }

    private static void c(String file, String section, Expect expect, String note) {
        CORPUS.put(file, new Case(file, section, expect, note));
    }

    static {
        Expect v = Expect.VALID;
        Expect i = Expect.INVALID;
        Expect r = Expect.STRAY_RESPONSE;
        c("wsinv", "RFC 4475 3.1.1.1", v);
        c("intmeth", "RFC 4475 3.1.1.2", v);
        c("esc01", "RFC 4475 3.1.1.3", v);
        c("escnull", "RFC 4475 3.1.1.4", v);
        c("esc02", "RFC 4475 3.1.1.5", v);
        c("lwsdisp", "RFC 4475 3.1.1.6", v);
        c("longreq", "RFC 4475 3.1.1.7", v);
        c("dblreq", "RFC 4475 3.1.1.8", v);
        c("semiuri", "RFC 4475 3.1.1.9", v);
        c("transports", "RFC 4475 3.1.1.10", v);
        c("mpart01", "RFC 4475 3.1.1.11", v);
        c("unreason", "RFC 4475 3.1.1.12", r);
        c("noreason", "RFC 4475 3.1.1.13", r);
        c("badinv01", "RFC 4475 3.1.2.1", i);
        c("clerr", "RFC 4475 3.1.2.2", i);
        c("ncl", "RFC 4475 3.1.2.3", i);
        c("scalar02", "RFC 4475 3.1.2.4", i);
        c("scalarlg", "RFC 4475 3.1.2.5", r);
        c("quotbal", "RFC 4475 3.1.2.6", i);
        c("ltgtruri", "RFC 4475 3.1.2.7", i);
        c("lwsruri", "RFC 4475 3.1.2.8", i);
        c("lwsstart", "RFC 4475 3.1.2.9", i);
        c("trws", "RFC 4475 3.1.2.10", i);
        c("escruri", "RFC 4475 3.1.2.11", i);
        c("baddate", "RFC 4475 3.1.2.12", i);
        c("regbadct", "RFC 4475 3.1.2.13", i);
        c("badaspec", "RFC 4475 3.1.2.14", i);
        c("baddn", "RFC 4475 3.1.2.15", i);
        c("badvers", "RFC 4475 3.1.2.16", i);
        c("mismatch01", "RFC 4475 3.1.2.17", i);
        c("mismatch02", "RFC 4475 3.1.2.18", i);
        c("bigcode", "RFC 4475 3.1.2.19", r);
        c("badbranch", "RFC 4475 3.2.1", v);
        c("insuf", "RFC 4475 3.3.1", i);
        c("unkscm", "RFC 4475 3.3.2", v);
        c("novelsc", "RFC 4475 3.3.3", v);
        c("unksm2", "RFC 4475 3.3.4", v);
        c("bext01", "RFC 4475 3.3.5", v);
        c("invut", "RFC 4475 3.3.6", v);
        c("regaut01", "RFC 4475 3.3.7", v);
        c("multi01", "RFC 4475 3.3.8", i);
        c("mcl01", "RFC 4475 3.3.9", i);
        c("bcast", "RFC 4475 3.3.10", r);
        c("zeromf", "RFC 4475 3.3.11", v);
        c("cparam01", "RFC 4475 3.3.12", v);
        c("cparam02", "RFC 4475 3.3.13", v);
        c("regescrt", "RFC 4475 3.3.14", v);
        c("sdp01", "RFC 4475 3.3.15", v);
        c("inv2543", "RFC 4475 3.4.1", v);
        c("ipv6-good", "RFC 5118 4.1", v);
        c("ipv6-bad", "RFC 5118 4.2", i);
        c("port-ambiguous", "RFC 5118 4.3", v);
        c("port-unambiguous", "RFC 5118 4.4", v);
        c("via-received-param-with-delim", "RFC 5118 4.5", v);
        c("ipv6-in-sdp", "RFC 5118 4.6", v);
        c("mult-ip-in-header", "RFC 5118 4.7", v);
        c("mult-ip-in-sdp", "RFC 5118 4.8", v);
        c("ipv4-mapped-ipv6", "RFC 5118 4.9", v);
        c("ipv6-bug-abnf-3-colons", "RFC 5118 4.10", v);
        c("ipv6-correct-abnf-2-colons", "RFC 5118 4.10", v);
    }

    /** The Request-URI domains of the corpus, served by the server under test so that valid requests go all the way. */
    static final List<String> SERVED_DOMAINS = List.of("127.0.0.1", "example.com", "example.net", "example.org",
            "example.edu", "chair-dnrc.example.com", "2001:db8::10", "2001:db8::192.0.2.1");

    /**
     * Valid requests whose Content-Length, as printed in RFC 5118, disagrees with the body printed under it (the corpus
     * keeps the RFC's bytes): a 400 naming the length is the right answer to the bytes as sent.
     */
    static final Set<String> MISPRINTED_LENGTH = Set.of("ipv6-in-sdp", "ipv4-mapped-ipv6", "mult-ip-in-sdp");
    /**
     * Valid requests refused by choice, with the reason the refusal must give: inv2543 (RFC 4475 section 3.4.1) is an
     * RFC 2543 INVITE without a Contact, which RFC 3261 elements accept only "to maintain backwards compatibility";
     * Palisade does not offer RFC 2543 compatibility, and a dialog without a Contact has no target for its requests.
     */
    static final Map<String, String> REFUSED_BY_CHOICE = Map.of("inv2543", "an INVITE must carry a Contact");
    /**
     * Requests whose length is given in the compact form ({@code l:}, RFC 3261 section 7.3.3; longreq, whose top Via
     * is TCP, so that over UDP it gets no answer): over TCP they must be framed by it and get a final answer other
     * than a 400 (longreq: the B2BUA's challenge). JAIN-SIP's own stream framer looked for the long form only and
     * framed longreq with an empty body, which the edge refused with a 400 naming the mismatch; Palisade's
     * StreamFramer reads both forms.
     */
    static final Set<String> COMPACT_LENGTH = Set.of("longreq");

    /** Ports other than 5060 that top Via values in the corpus name (responses go there over UDP). */
    static final Set<Integer> VIA_PORTS = Set.of(5060, 5050, 6050, 19823);

    static final Pattern CALL_ID = Pattern.compile("(?im)^(?:call-id|i)[ \\t]*:[ \\t]*(\\S+)");

    static final List<DatagramSocket> listeners = new ArrayList<>();
    static final BlockingQueue<String> udpResponses = new LinkedBlockingQueue<>();
    static DatagramSocket udpSender;

    @BeforeAll
    static void start() throws Exception {
        Path data = tmp.resolve("data");
        Map<String, String> cfg = PalisadeProcess.defaults(data);
        cfg.put("sip.domain", String.join(",", SERVED_DOMAINS));
        server = PalisadeProcess.start(data, cfg);
        cert = data.resolve("tls/server-cert.pem");
        PalisadeProcess.Cli r = server.cli("pw-alice\n", "user", "add", "alice", "--password-stdin");
        assertEquals(0, r.exitCode(), r.out());
        for (int port : VIA_PORTS) {
            DatagramSocket s;
            try {
                s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            } catch (SocketException e) {
                throw new IllegalStateException("TortureIT needs UDP 127.0.0.1:" + port
                        + " free: the corpus's Via values send answers there", e);
            }
            listeners.add(s);
            if (port == 5060) {
                udpSender = s;
            }
            Thread t = new Thread(() -> collect(s), "torture-udp-" + port);
            t.setDaemon(true);
            t.start();
        }
    }

    private static void collect(DatagramSocket s) {
        byte[] buf = new byte[65_535];
        while (!s.isClosed()) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                s.receive(p);
                udpResponses.add(new String(p.getData(), 0, p.getLength(), StandardCharsets.ISO_8859_1));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    @AfterAll
    static void stop() {
        listeners.forEach(DatagramSocket::close);
        if (server != null) {
            server.close();
        }
    }

    static byte[] load(String name) {
        try (InputStream in = TortureIT.class.getResourceAsStream("/torture/" + name + ".dat")) {
            if (in == null) {
                throw new IllegalStateException("missing torture/" + name + ".dat");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Optional<String> callId(String message) {
        Matcher m = CALL_ID.matcher(message);
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }

    /** What came back for one message on one transport: a final status, or -1 for none. */
    record Outcome(String file, String transport, int status, String statusLine, boolean closed) {
        @Override
        public String toString() {
            return file + "/" + transport + ": " + (status < 0 ? "no answer" + (closed ? " (connection closed)" : "")
                    : statusLine);
        }
    }

    @Test
    void theTortureCorpusNeitherBreaksNorFoolsTheServer() throws Exception {
        List<String> missing = new ArrayList<>();
        try (var files = Files.list(Path.of(TortureIT.class.getResource("/torture").toURI()))) {
            files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".dat"))
                    .map(n -> n.substring(0, n.length() - 4)).filter(n -> !CORPUS.containsKey(n)).forEach(missing::add);
        }
        assertTrue(missing.isEmpty(), "corpus files without an expectation: " + missing);

        List<Outcome> outcomes = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        for (Case c : CORPUS.values()) {
            byte[] msg = load(c.file());
            for (String transport : List.of("UDP", "TCP")) {
                Outcome o = transport.equals("UDP") ? sendUdp(c.file(), msg) : sendTcp(c.file(), msg);
                outcomes.add(o);
                judge(c, o).ifPresent(failures::add);
                if (!healthy()) {
                    failures.add(o + ": the server stopped answering OPTIONS afterwards");
                    fail(String.join("\n", failures) + "\n" + server.output());
                }
            }
        }
        for (String file : COMPACT_LENGTH) {
            Outcome tcp = outcomes.stream().filter(o -> o.file().equals(file) && o.transport().equals("TCP")).findFirst()
                    .orElseThrow();
            if (tcp.status() < 200 || tcp.status() == 400) {
                failures.add(tcp + ": framed by its compact Content-Length, it must get a final answer other than 400");
            }
        }
        System.out.println("Torture corpus outcomes:\n" + outcomes.stream().map(o -> "  " + o + "  ["
                + CORPUS.get(o.file()).section() + ", " + CORPUS.get(o.file()).expect() + "]")
                .collect(Collectors.joining("\n")));
        assertTrue(failures.isEmpty(), String.join("\n", failures) + "\nserver output:\n" + server.output());

        try (SipTestClient c = SipTestClient.tls(server.tlsPort, cert)) {
            SipTestClient.Response r = c.register("alice", "pw-alice", "127.0.0.1",
                    List.of("<sips:alice@127.0.0.1:" + c.localPort + ";transport=tls>"), 600);
            assertEquals(200, r.status(), r.raw());
        }
        assertTrue(server.isAlive(), "the server died");
        List<String> ours = server.lines().stream()
                .filter(l -> (l.contains("Exception") && l.contains("io.palisade")) || l.matches("\\s+at io\\.palisade\\..*")
                        || l.contains("OutOfMemoryError"))
                .filter(l -> KNOWN_FRAMES.stream().noneMatch(l::contains))
                .toList();
        assertTrue(ours.isEmpty(), "stack traces from our code in the server output:\n" + String.join("\n", ours));
    }

    /**
     * Server errors tolerated for named messages: none. (This list once held the corpus's requests for example.com,
     * which the container tried to proxy; the edge now refuses domains it does not serve and answers methods no
     * application takes, so nothing is left for the container to forward.)
     */
    static final Set<String> KNOWN_5XX = Set.of();
    /**
     * Known defect: when the container cannot build or send the answer (an OPTIONS or REGISTER whose Request-URI
     * scheme or top Via transport it has no listening point for: unkscm, trws, unksm2), the exception it throws passes
     * up through the servlet's {@code send()} and is logged with a stack trace through these frames. The servlet
     * should treat a response that cannot be sent as a dropped request; pinned here until that is fixed.
     */
    static final Set<String> KNOWN_FRAMES = Set.of();

    static Optional<String> judge(Case c, Outcome o) {
        String what = o + " [" + c.section() + ", " + c.expect() + "]";
        // 501 is the answer RFC 3261 section 21.5.2 gives for a method the server does not recognise (intmeth)
        boolean serverError = o.status() >= 500 && o.status() != 501;
        if (serverError && KNOWN_5XX.contains(c.file())) {
            return Optional.empty();
        }
        return switch (c.expect()) {
            // no answer is tolerated: over UDP the stack answers where the RFC's Via points, and a request the
            // container tries to relay (see KNOWN_5XX) may end without one; what must never happen is a 5xx
            case VALID -> serverError ? Optional.of(what + ": a valid request got a server error")
                    // RFC 4475 section 3.3 messages are well formed but test application-layer semantics (unknown
                    // URI schemes in To and Contact, a Require nobody supports): a 4xx from the application is right
                    : o.status() == 400 && !c.section().startsWith("RFC 4475 3.3.")
                            && !(MISPRINTED_LENGTH.contains(c.file()) && o.statusLine().contains("length"))
                            && !o.statusLine().contains(REFUSED_BY_CHOICE.getOrDefault(c.file(), "\0"))
                            ? Optional.of(what + ": a valid request was refused as malformed")
                            : Optional.empty();
            case INVALID -> o.status() < 0 || (o.status() >= 400 && o.status() < 500)
                    ? Optional.empty()
                    : Optional.of(what + ": an invalid request must get a 4xx or nothing");
            case STRAY_RESPONSE -> Optional.empty();
        };
    }

    /** Waits for the final answer (a 1xx extends the wait) that carries the message's Call-ID. */
    static Outcome sendUdp(String file, byte[] msg) throws IOException {
        Optional<String> id = callId(new String(msg, StandardCharsets.ISO_8859_1));
        // Whatever arrived before this message was sent answers an earlier one: a UDP transaction stays 32 s (Timer J)
        // and answers a request that matches it again, e.g. badbranch sent over TCP after UDP with the same branch
        // and sent-by. A message without a Call-ID (insuf) would otherwise take such a late answer for its own.
        udpResponses.clear();
        udpSender.send(new DatagramPacket(msg, msg.length, new InetSocketAddress("127.0.0.1", server.udpPort)));
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(700);
        boolean provisional = false;
        while (System.nanoTime() < deadline) {
            String got;
            try {
                got = udpResponses.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            if (got == null) {
                break;
            }
            if (!got.startsWith("SIP/2.0 ") || (id.isPresent() && !id.equals(callId(got)))) {
                continue; // a retransmission of an earlier answer, or not for this message
            }
            String line = got.substring(0, got.indexOf("\r\n"));
            int status = Integer.parseInt(line.split(" ")[1]);
            if (status >= 200) {
                return new Outcome(file, "UDP", status, line, false);
            }
            if (!provisional) {
                provisional = true;
                deadline += TimeUnit.SECONDS.toNanos(3);
            }
        }
        return new Outcome(file, "UDP", -1, "", false);
    }

    /**
     * A fresh connection per message; a framing error may make the server close it. Answers to other messages framed
     * from the same bytes (dblreq's INVITE, which over UDP is dropped with the rest of the datagram) are skipped:
     * the messages of two calls are handled in parallel, so their answers may come in either order.
     */
    static Outcome sendTcp(String file, byte[] msg) throws IOException {
        Optional<String> id = callId(new String(msg, StandardCharsets.ISO_8859_1));
        try (Socket s = new Socket("127.0.0.1", server.tcpPort)) {
            s.setSoTimeout(700);
            OutputStream out = s.getOutputStream();
            out.write(msg);
            out.flush();
            InputStream in = s.getInputStream();
            while (true) {
                String got;
                try {
                    got = readResponse(in);
                } catch (SocketTimeoutException e) {
                    return new Outcome(file, "TCP", -1, "", false);
                } catch (IOException e) {
                    return new Outcome(file, "TCP", -1, "", true);
                }
                if (got == null) {
                    return new Outcome(file, "TCP", -1, "", true);
                }
                if (id.isPresent() && !id.equals(callId(got))) {
                    continue;
                }
                String line = got.substring(0, got.indexOf("\r\n"));
                int status = Integer.parseInt(line.split(" ")[1]);
                if (status >= 200) {
                    return new Outcome(file, "TCP", status, line, false);
                }
                s.setSoTimeout(4_000); // a 1xx: the final answer follows
            }
        }
    }

    /** One response from a stream, or null when the server closed the connection first. */
    static String readResponse(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int state = 0;
        while (state < 4) {
            int b = in.read();
            if (b < 0) {
                return null;
            }
            if (head.size() == 0 && (b == '\r' || b == '\n')) {
                continue;
            }
            head.write(b);
            state = (b == '\r' && (state == 0 || state == 2)) || (b == '\n' && (state == 1 || state == 3)) ? state + 1
                    : (b == '\r' ? 1 : 0);
        }
        String h = head.toString(StandardCharsets.ISO_8859_1);
        Matcher m = Pattern.compile("(?im)^(?:content-length|l)[ \\t]*:[ \\t]*(\\d+)").matcher(h);
        in.readNBytes(m.find() ? Integer.parseInt(m.group(1)) : 0);
        return h;
    }

    /** An ordinary OPTIONS from a normal client gets 200 within a few seconds. */
    static boolean healthy() throws IOException {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            s.setSoTimeout(500);
            String callId = UUID.randomUUID() + "@health";
            String msg = "OPTIONS sip:127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:" + s.getLocalPort()
                    + ";branch=z9hG4bK" + UUID.randomUUID().toString().replace("-", "") + ";rport\r\nMax-Forwards: 70\r\n"
                    + "From: <sip:health@127.0.0.1>;tag=1\r\nTo: <sip:127.0.0.1>\r\nCall-ID: " + callId
                    + "\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";
            byte[] b = msg.getBytes(StandardCharsets.US_ASCII);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (System.nanoTime() < deadline) {
                s.send(new DatagramPacket(b, b.length, new InetSocketAddress("127.0.0.1", server.udpPort)));
                byte[] buf = new byte[8192];
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                try {
                    s.receive(p);
                    String got = new String(buf, 0, p.getLength(), StandardCharsets.ISO_8859_1);
                    if (got.startsWith("SIP/2.0 200") && got.contains(callId)) {
                        return true;
                    }
                } catch (SocketTimeoutException e) {
                    // retransmit, as a UDP client would (the deadline bounds it)
                }
            }
            return false;
        }
    }
}
