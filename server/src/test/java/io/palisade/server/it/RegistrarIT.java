package io.palisade.server.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The registrar rules of RFC 3261 section 10.3 and digest authentication, over the wire, against the real server. */
class RegistrarIT {
    @TempDir
    static Path tmp;
    static PalisadeProcess server;
    static Path cert;

    @BeforeAll
    static void start() throws Exception {
        Path data = tmp.resolve("data");
        Map<String, String> cfg = PalisadeProcess.defaults(data);
        cfg.put("sip.plain-register-networks", "127.0.0.2/32");
        cfg.put("registrar.max-contacts", "3");
        server = PalisadeProcess.start(data, cfg);
        cert = data.resolve("tls/server-cert.pem");
        for (String u : List.of("alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi")) {
            PalisadeProcess.Cli r = server.cli("pw-" + u + "\n", "user", "add", u, "--password-stdin");
            assertEquals(0, r.exitCode(), r.out());
        }
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static String contact(SipTestClient c, String user) {
        return "<sips:" + user + "@127.0.0.1:" + c.localPort + ";transport=tls>";
    }

    @Test
    void challengeOffersSha256ThenMd5WithQopAuth() throws Exception {
        try (SipTestClient c = SipTestClient.tls(server.tlsPort, cert)) {
            c.sendRegister("alice", "127.0.0.1", List.of(contact(c, "alice")), 600, List.of());
            SipTestClient.Response r = c.read();
            assertEquals(401, r.status());
            List<String> challenges = r.all("WWW-Authenticate");
            assertEquals(2, challenges.size(), r.raw());
            assertEquals("SHA-256", SipTestClient.challengeParams(challenges.get(0)).get("algorithm"));
            assertEquals("MD5", SipTestClient.challengeParams(challenges.get(1)).get("algorithm"));
            for (String ch : challenges) {
                assertEquals("auth", SipTestClient.challengeParams(ch).get("qop"));
                assertEquals("palisade.test", SipTestClient.challengeParams(ch).get("realm"));
            }
        }
    }

    @Test
    void registersOverTlsWithSha256AndMd5AndListsTheBinding() throws Exception {
        for (String alg : List.of("SHA-256", "MD5")) {
            try (SipTestClient c = SipTestClient.tls(server.tlsPort, cert)) {
                SipTestClient.Response r = c.register("alice", "alice", "pw-alice", "127.0.0.1",
                        List.of(contact(c, "alice")), 600, alg);
                assertEquals(200, r.status(), r.raw());
                assertTrue(r.all("Contact").stream().anyMatch(v -> v.contains(":" + c.localPort) && v.contains("expires=")),
                        r.raw());
                r = c.register("alice", "alice", "pw-alice", "127.0.0.1", List.of(contact(c, "alice")), 0, alg);
                assertEquals(200, r.status(), r.raw());
                assertFalse(r.all("Contact").stream().anyMatch(v -> v.contains(":" + c.localPort)), r.raw());
            }
        }
    }

    @Test
    void wrongPasswordIsChallengedAgain() throws Exception {
        try (SipTestClient c = SipTestClient.tls(server.tlsPort, cert)) {
            SipTestClient.Response r = c.register("bob", "not-bobs-password", "127.0.0.1", List.of(contact(c, "bob")), 600);
            assertEquals(401, r.status(), r.raw());
        }
    }

    @Test
    void replayedAuthorizationIsRefused() throws Exception {
        try (SipTestClient c = SipTestClient.tls(server.tlsPort, cert)) {
            c.sendRegister("bob", "127.0.0.1", List.of(contact(c, "bob")), 600, List.of());
            SipTestClient.Response challenge = c.read();
            String auth = SipTestClient.authorization(challenge, "bob", "pw-bob", "REGISTER", "sips:127.0.0.1", "SHA-256", 1);
            c.sendRegister("bob", "127.0.0.1", List.of(contact(c, "bob")), 600, List.of("Authorization: " + auth));
            assertEquals(200, c.read().status());
            c.sendRegister("bob", "127.0.0.1", List.of(contact(c, "bob")), 600, List.of("Authorization: " + auth));
            assertEquals(401, c.read().status(), "the same nonce count a second time is a replay");
        }
    }

    @Test
    void cannotRegisterSomeoneElsesAddress() throws Exception {
        try (SipTestClient c = SipTestClient.tls(server.tlsPort, cert)) {
            SipTestClient.Response r = c.register("alice", "bob", "pw-bob", "127.0.0.1", List.of(contact(c, "alice")), 600,
                    "SHA-256");
            assertEquals(403, r.status(), r.raw());
        }
    }

    @Test
    void tooBriefIntervalGets423WithMinExpires() throws Exception {
        try (SipTestClient c = SipTestClient.tls(server.tlsPort, cert)) {
            SipTestClient.Response r = c.register("carol", "pw-carol", "127.0.0.1", List.of(contact(c, "carol")), 10);
            assertEquals(423, r.status(), r.raw());
            assertEquals("60", r.first("Min-Expires").orElseThrow());
        }
    }

    @Test
    void severalContactsWithQValuesThenWildcardRemoval() throws Exception {
        try (SipTestClient c = SipTestClient.tls(server.tlsPort, cert)) {
            SipTestClient.Response r = c.register("dave", "pw-dave", "127.0.0.1", List.of(
                    "<sips:dave@127.0.0.1:5001;transport=tls>;q=0.5", "<sips:dave@127.0.0.1:5002;transport=tls>;q=1.0;expires=120"),
                    600);
            assertEquals(200, r.status(), r.raw());
            assertEquals(2, r.all("Contact").size(), r.raw());
            String c2 = r.all("Contact").stream().filter(v -> v.contains(":5002")).findFirst().orElseThrow();
            assertTrue(c2.matches(".*expires=1[12][0-9].*") && c2.contains("q=1"), c2);

            // a query (no Contact) lists the current bindings
            r = c.register("dave", "pw-dave", "127.0.0.1", List.of(), null);
            assertEquals(200, r.status());
            assertEquals(2, r.all("Contact").size(), r.raw());

            // "*" needs Expires: 0
            r = c.register("dave", "pw-dave", "127.0.0.1", List.of("*"), 600);
            assertEquals(400, r.status(), r.raw());
            r = c.register("dave", "pw-dave", "127.0.0.1", List.of("*"), 0);
            assertEquals(200, r.status(), r.raw());
            assertEquals(0, r.all("Contact").size(), r.raw());
        }
    }

    @Test
    void maximumContactsPerUserIsEnforced() throws Exception {
        try (SipTestClient c = SipTestClient.tls(server.tlsPort, cert)) {
            SipTestClient.Response r = c.register("erin", "pw-erin", "127.0.0.1", List.of(
                    "<sips:erin@127.0.0.1:5001>", "<sips:erin@127.0.0.1:5002>", "<sips:erin@127.0.0.1:5003>"), 600);
            assertEquals(200, r.status(), r.raw());
            r = c.register("erin", "pw-erin", "127.0.0.1", List.of("<sips:erin@127.0.0.1:5004>"), 600);
            assertEquals(403, r.status(), r.raw());
            r = c.register("erin", "pw-erin", "127.0.0.1", List.of(), null);
            assertEquals(3, r.all("Contact").size(), "a refused REGISTER changes nothing: " + r.raw());
        }
    }

    @Test
    void outOfOrderCseqForTheSameCallIdIsRefused() throws Exception {
        try (SipTestClient c = SipTestClient.tls(server.tlsPort, cert)) {
            SipTestClient.Response r = c.register("frank", "pw-frank", "127.0.0.1", List.of(contact(c, "frank")), 600);
            assertEquals(200, r.status(), r.raw());
            String raw = "REGISTER sips:127.0.0.1 SIP/2.0\r\n"
                    + "Via: SIP/2.0/TLS 127.0.0.1:" + c.localPort + ";branch=z9hG4bKold1\r\n"
                    + "Max-Forwards: 70\r\nFrom: <sips:frank@127.0.0.1>;tag=" + c.fromTag + "\r\n"
                    + "To: <sips:frank@127.0.0.1>\r\nCall-ID: " + c.callId + "\r\nCSeq: 1 REGISTER\r\n"
                    + "Contact: " + contact(c, "frank") + "\r\nExpires: 600\r\nContent-Length: 0\r\n\r\n";
            c.send(raw);
            SipTestClient.Response challenge = c.read();
            assertEquals(401, challenge.status());
            String auth = SipTestClient.authorization(challenge, "frank", "pw-frank", "REGISTER", "sips:127.0.0.1", "SHA-256", 1);
            c.send(raw.replace("branch=z9hG4bKold1", "branch=z9hG4bKold2")
                    .replace("Content-Length: 0", "Authorization: " + auth + "\r\nContent-Length: 0"));
            assertEquals(500, c.read().status(), "a lower CSeq than the stored binding's, same Call-ID");
        }
    }

    @Test
    void registerOverPlainTcpIsRefusedUnlessTheNetworkIsAllowed() throws Exception {
        try (SipTestClient c = SipTestClient.tcp(server.tcpPort)) {
            SipTestClient.Response r = c.register("alice", "pw-alice", "127.0.0.1", List.of("<sip:alice@127.0.0.1:5099>"), 600);
            assertEquals(403, r.status(), r.raw());
        }
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.2"), 0));
            s.connect(new InetSocketAddress("127.0.0.1", server.tcpPort));
            s.setSoTimeout(10_000);
            String msg = "OPTIONS sip:127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/TCP 127.0.0.2:" + s.getLocalPort()
                    + ";branch=z9hG4bKopt1\r\nMax-Forwards: 70\r\nFrom: <sip:probe@127.0.0.2>;tag=1\r\n"
                    + "To: <sip:127.0.0.1>\r\nCall-ID: opt1@test\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";
            s.getOutputStream().write(msg.getBytes(StandardCharsets.UTF_8));
            byte[] buf = new byte[4096];
            int n = s.getInputStream().read(buf);
            assertTrue(new String(buf, 0, n, StandardCharsets.UTF_8).startsWith("SIP/2.0 200"));
        }
    }

    @Test
    void aRetransmittedRegisterOverUdpGetsTheSameAnswerAgainAndIsNotProcessedTwice() throws Exception {
        // RFC 3261 section 17.2.2: a retransmission that reaches the server transaction in "Completed" gets the final
        // response again. Processed as a new request, the same Call-ID and CSeq would get 500 (section 10.3 step 7).
        try (SipTestClient c = SipTestClient.udpFrom("127.0.0.2", server.udpPort)) {
            c.sendRegister("grace", "127.0.0.1", List.of("<sip:grace@127.0.0.2:" + c.localPort + ">"), 600, List.of());
            SipTestClient.Response challenge = c.read();
            assertEquals(401, challenge.status(), challenge.raw());
            String auth = SipTestClient.authorization(challenge, "grace", "pw-grace", "REGISTER", "sip:127.0.0.1",
                    "SHA-256", 1);
            c.sendRegister("grace", "127.0.0.1", List.of("<sip:grace@127.0.0.2:" + c.localPort + ">"), 600,
                    List.of("Authorization: " + auth));
            SipTestClient.Response ok = c.read();
            assertEquals(200, ok.status(), ok.raw());
            for (int i = 0; i < 2; i++) {
                c.send(c.lastSent);
                SipTestClient.Response again = c.read();
                assertEquals(ok.raw(), again.raw(), "retransmission " + (i + 1));
            }
        }
    }

    @Test
    void aRetransmittedRegisterWithoutCredentialsOverUdpGetsTheSameChallengeAgain() throws Exception {
        // RFC 3261 section 17.2.2 for the challenge too: a retransmission of the first REGISTER gets the same 401,
        // byte for byte (the same nonce and To tag), not a second challenge that a client which has already answered
        // the first would take for an answer to nothing; and the credentials made from it are accepted.
        try (SipTestClient c = SipTestClient.udpFrom("127.0.0.2", server.udpPort)) {
            String contact = "<sip:heidi@127.0.0.2:" + c.localPort + ">";
            c.sendRegister("heidi", "127.0.0.1", List.of(contact), 600, List.of());
            SipTestClient.Response first = c.read();
            assertEquals(401, first.status(), first.raw());
            assertTrue(!toTag(first).isEmpty(), first.raw());
            assertEquals(2, first.all("WWW-Authenticate").size(), first.raw());
            for (int i = 0; i < 2; i++) {
                c.send(c.lastSent);
                SipTestClient.Response again = c.read();
                assertEquals(first.raw(), again.raw(), "retransmission " + (i + 1));
            }
            String auth = SipTestClient.authorization(first, "heidi", "pw-heidi", "REGISTER", "sip:127.0.0.1", "SHA-256", 1);
            c.sendRegister("heidi", "127.0.0.1", List.of(contact), 600, List.of("Authorization: " + auth));
            SipTestClient.Response ok = c.read();
            assertEquals(200, ok.status(), ok.raw());
        }
        // a new REGISTER (another branch and CSeq) is challenged again, with another nonce
        try (SipTestClient c = SipTestClient.udpFrom("127.0.0.2", server.udpPort)) {
            c.sendRegister("heidi", "127.0.0.1", List.of("<sip:heidi@127.0.0.2:" + c.localPort + ">"), 600, List.of());
            SipTestClient.Response one = c.read();
            c.sendRegister("heidi", "127.0.0.1", List.of("<sip:heidi@127.0.0.2:" + c.localPort + ">"), 600, List.of());
            SipTestClient.Response two = c.read();
            assertEquals(401, one.status(), one.raw());
            assertEquals(401, two.status(), two.raw());
            assertNotEquals(one.first("WWW-Authenticate"), two.first("WWW-Authenticate"), "a new request's challenge");
        }
        // a REGISTER the registrar refuses before authentication is still refused, not challenged
        try (SipTestClient c = SipTestClient.udp(server.udpPort)) {
            c.sendRegister("heidi", "127.0.0.1", List.of("<sip:heidi@127.0.0.1:" + c.localPort + ">"), 600, List.of());
            SipTestClient.Response r = c.read();
            assertEquals(403, r.status(), r.raw());
        }
    }

    private static String toTag(SipTestClient.Response r) {
        String to = r.first("To").orElse("");
        int i = to.indexOf(";tag=");
        return i < 0 ? "" : to.substring(i + 5).split("[;\\s]")[0];
    }

    @Test
    void crlfKeepAliveIsAnsweredOnTls() throws Exception {
        try (SipTestClient c = SipTestClient.tls(server.tlsPort, cert)) {
            c.sendRaw("\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertArrayEquals("\r\n".getBytes(StandardCharsets.US_ASCII), c.readBytes(2), "RFC 5626 section 4.4.1 pong");
        }
    }

    @Test
    void bindingRemembersTheFlowItCameOver() throws Exception {
        try (SipTestClient c = SipTestClient.tls(server.tlsPort, cert)) {
            SipTestClient.Response r = c.register("carol", "pw-carol", "127.0.0.1", List.of(contact(c, "carol")), 600);
            assertEquals(200, r.status(), r.raw());
            java.util.function.Predicate<String> shown = out -> out.lines().anyMatch(l -> l.contains("sip:carol@127.0.0.1")
                    && l.contains("TLS") && l.contains("127.0.0.1:" + c.localPort));
            PalisadeProcess.Cli list = server.registrationsUntil(shown); // the CLI reads the written-back database
            assertEquals(0, list.exitCode(), list.out());
            assertTrue(shown.test(list.out()), list.out());
        }
    }

    @Test
    void noSecretReachesTheLogAndTheDatabaseIsAFile() throws Exception {
        String log = server.output();
        for (String secret : List.of("pw-alice", "pw-bob", "Authorization", "response=")) {
            assertFalse(log.contains(secret), "log must not contain " + secret);
        }
        assertTrue(Files.exists(server.dataDir.resolve("palisade.mv.db")), "embedded H2 database file");
    }
}
