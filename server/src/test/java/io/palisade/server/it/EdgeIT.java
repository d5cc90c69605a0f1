// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SIP firewall against the real server: brute force gets banned (visible, liftable, logged for fail2ban),
 * scanners get silence, malformed requests get a 400 naming the fault, a flood is limited while other users still
 * register, and bans survive a restart and expire. 127.0.0.1 is exempt (PalisadeProcess.defaults); the "attackers"
 * and "users" here come from other loopback addresses.
 */
class EdgeIT {
    @TempDir
    static Path tmp;
    static PalisadeProcess server;
    static Path data;
    static final int LEGIT = 40;

    @BeforeAll
    static void start() throws Exception {
        data = tmp.resolve("data");
        Map<String, String> cfg = PalisadeProcess.defaults(data);
        cfg.put("auth.algorithms", "MD5");
        cfg.put("edge.limit.address-registers", "20/s burst 20");
        server = PalisadeProcess.start(data, cfg);
        StringBuilder csv = new StringBuilder("user,password\n");
        for (String u : List.of("alice", "bob", "carol", "dana")) {
            csv.append(u).append(",pw-").append(u).append('\n');
        }
        for (int i = 0; i < LEGIT; i++) {
            csv.append('u').append(i).append(",pw-u").append(i).append('\n');
        }
        Path file = tmp.resolve("users.csv");
        Files.writeString(file, csv);
        PalisadeProcess.Cli r = server.cli(null, "user", "import", file.toString());
        assertEquals(0, r.exitCode(), r.out());
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    static String contact(SipTestClient c, String user) {
        return "<sip:" + user + "@" + c.localAddress + ":" + c.localPort + ">";
    }

    static SipTestClient.Response register(PalisadeProcess s, String from, String user, String password) throws IOException {
        try (SipTestClient c = SipTestClient.udpFrom(from, s.udpPort)) {
            return c.register(user, user, password, "127.0.0.1", List.of(contact(c, user)), 600, "MD5");
        }
    }

    /** True when the server says nothing to an unauthenticated REGISTER from {@code from} within 1.5 s. */
    static boolean ignored(PalisadeProcess s, String from) throws IOException {
        try (SipTestClient c = SipTestClient.udpFrom(from, s.udpPort)) {
            c.readTimeout(1_500);
            c.sendRegister("alice", "127.0.0.1", List.of(contact(c, "alice")), 600, List.of());
            try {
                c.read();
                return false;
            } catch (SocketTimeoutException e) {
                return true;
            }
        }
    }

    static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        await(what, timeout, 100, condition);
    }

    static void await(String what, Duration timeout, long pollMillis, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting for: " + what);
            }
            Thread.sleep(pollMillis);
        }
    }

    static String securityLog(PalisadeProcess s) {
        try {
            Path p = s.dataDir.resolve("security.log");
            return Files.exists(p) ? Files.readString(p) : "";
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void bruteForceIsBannedListedLoggedForFail2banAndLiftable() throws Exception {
        String attacker = "127.0.0.2";
        for (int i = 0; i < 10; i++) {
            assertEquals(401, register(server, attacker, "alice", "guess-" + i).status(), "attempt " + i);
        }
        assertTrue(ignored(server, attacker), "a banned address gets no answer");
        assertEquals(200, register(server, "127.0.0.3", "bob", "pw-bob").status(), "other addresses still register");

        PalisadeProcess.Cli bans = server.cli(null, "bans", "list");
        assertTrue(bans.out().lines().anyMatch(l -> l.startsWith(attacker + " ") && l.contains("brute force")), bans.out());
        await("ban in the security log", Duration.ofSeconds(10),
                () -> securityLog(server).contains("\"event\":\"ban\",\"source\":\"" + attacker + "\""));
        String log = securityLog(server);
        assertEquals(10, log.lines().filter(l -> l.contains("\"event\":\"auth_failure\",\"source\":\"" + attacker + "\"")).count(), log);
        assertFalse(log.contains("guess-"), "no password in the security log");

        ExternalTool.Result f2b = ExternalTool.run(Duration.ofSeconds(60), tmp, List.of("fail2ban-regex",
                server.dataDir.resolve("security.log").toString(),
                ExternalTool.REPO.resolve("src/fail2ban/filter.d/palisade.conf").toString(), "-v"));
        assertEquals(0, f2b.exitCode(), f2b.output());
        Matcher m = Pattern.compile("(?m)^\\|\\s+" + Pattern.quote(attacker) + "\\s").matcher(f2b.output());
        int hits = 0;
        while (m.find()) {
            hits++;
        }
        assertTrue(hits >= 10, "fail2ban sees the failures of " + attacker + ":\n" + f2b.output());

        PalisadeProcess.Cli lift = server.cli(null, "bans", "lift", attacker);
        assertEquals(0, lift.exitCode(), lift.out());
        await("the running server takes in the lifted ban", Duration.ofSeconds(15), () -> {
            try {
                return !ignored(server, attacker);
            } catch (IOException e) {
                return false;
            }
        });
        await("unban in the security log", Duration.ofSeconds(10),
                () -> securityLog(server).contains("\"event\":\"unban\",\"source\":\"" + attacker + "\""));
        PalisadeProcess.Cli notBanned = server.cli(null, "bans", "lift", "127.0.0.99");
        assertEquals(1, notBanned.exitCode(), notBanned.out());
        PalisadeProcess.Cli badAddress = server.cli(null, "bans", "lift", "not-an-address");
        assertEquals(2, badAddress.exitCode(), badAddress.out());
        assertTrue(badAddress.out().contains("ADDRESS"), badAddress.out());
    }

    static int status(String from, String user) {
        try {
            return register(server, from, user, "pw-" + user).status();
        } catch (IOException e) {
            return -1;
        }
    }

    @Test
    void aUserLimitedToANetworkIsRefusedFromAnywhereElse() throws Exception {
        PalisadeProcess.Cli bad = server.cli(null, "user", "networks", "dana", "127.0.0.300/32");
        assertEquals(2, bad.exitCode(), bad.out());
        assertTrue(bad.out().contains("CIDR: '127.0.0.300/32'"), bad.out());
        PalisadeProcess.Cli set = server.cli(null, "user", "networks", "dana", "127.0.0.30/32");
        assertEquals(0, set.exitCode(), set.out());
        assertTrue(set.out().contains("127.0.0.30/32"), set.out());
        // the running server takes the list in within seconds; polled slowly to stay under the user's own rate limit
        await("dana refused from 127.0.0.31", Duration.ofSeconds(15), 700, () -> status("127.0.0.31", "dana") == 403);
        assertEquals(200, status("127.0.0.30", "dana"), "allowed from its own network");
        assertEquals(0, server.cli(null, "user", "networks", "dana", "--clear").exitCode());
        await("dana allowed anywhere again", Duration.ofSeconds(15), 700, () -> status("127.0.0.31", "dana") == 200);
        await("denial in the security log", Duration.ofSeconds(10),
                () -> securityLog(server).contains("\"event\":\"denied\",\"source\":\"127.0.0.31\",\"user\":\"dana\""));
    }

    static String options(SipTestClient c, String userAgent) {
        return "OPTIONS sip:100@127.0.0.1 SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP " + c.localAddress + ":" + c.localPort + ";branch=z9hG4bK" + UUID.randomUUID() + ";rport\r\n"
                + "Max-Forwards: 70\r\nFrom: <sip:100@1.1.1.1>;tag=" + c.fromTag + "\r\nTo: <sip:100@127.0.0.1>\r\n"
                + "Call-ID: " + UUID.randomUUID() + "\r\nCSeq: 1 OPTIONS\r\n"
                + (userAgent == null ? "" : "User-Agent: " + userAgent + "\r\n") + "Content-Length: 0\r\n\r\n";
    }

    @Test
    void scannersGetSilenceAndStayBanned() throws Exception {
        try (SipTestClient scanner = SipTestClient.udpFrom("127.0.0.4", server.udpPort)) {
            scanner.readTimeout(1_500);
            scanner.send(options(scanner, "friendly-scanner"));
            assertThrowsTimeout(scanner);
            scanner.send(options(scanner, "Polycom/5.0")); // changing its User-Agent does not help
            assertThrowsTimeout(scanner);
        }
        try (SipTestClient phone = SipTestClient.udpFrom("127.0.0.5", server.udpPort)) {
            phone.send(options(phone, "Polycom/5.0"));
            assertEquals(200, phone.read().status());
        }
        await("scanner in the security log", Duration.ofSeconds(10),
                () -> securityLog(server).contains("\"event\":\"scanner\",\"source\":\"127.0.0.4\""));
    }

    static String optionsTo(SipTestClient c, String user) {
        return options(c, "Polycom/5.0").replace("OPTIONS sip:100@", "OPTIONS sip:" + user + "@");
    }

    @Test
    void sweepsOverUnknownUserNamesAreTreatedAsScanners() throws Exception {
        try (SipTestClient sweeper = SipTestClient.udpFrom("127.0.0.40", server.udpPort)) {
            sweeper.readTimeout(1_500);
            for (int ext = 100; ext < 105; ext++) { // edge.scanner.unknown-users = 5
                sweeper.send(optionsTo(sweeper, Integer.toString(ext)));
                assertEquals(200, sweeper.read().status(), "answered like any OPTIONS until the sweep is recognised");
            }
            sweeper.send(optionsTo(sweeper, "alice"));
            assertThrowsTimeout(sweeper);
        }
        try (SipTestClient sweeper = SipTestClient.udpFrom("127.0.0.41", server.udpPort)) {
            sweeper.readTimeout(1_500);
            for (int ext = 200; ext < 205; ext++) {
                sweeper.sendRegister(Integer.toString(ext), "127.0.0.1", List.of(contact(sweeper, "x")), 600, List.of());
                assertEquals(401, sweeper.read().status(), "unknown users are challenged exactly like known ones");
            }
            assertTrue(ignored(server, "127.0.0.41"));
        }
        // known users without credentials (every phone's first REGISTER) are not a sweep
        try (SipTestClient office = SipTestClient.udpFrom("127.0.0.42", server.udpPort)) {
            for (int i = 0; i < 10; i++) {
                office.sendRegister("u" + i, "127.0.0.1", List.of(contact(office, "u" + i)), 600, List.of());
                assertEquals(401, office.read().status());
            }
        }
        assertFalse(ignored(server, "127.0.0.42"));
    }

    @Test
    void aRequestForADialogThatDoesNotExistGets481() throws Exception {
        // RFC 3261 section 12.2.2. A made-up To tag once reached the container, which answered 500 with a stack trace.
        try (SipTestClient c = SipTestClient.udpFrom("127.0.0.50", server.udpPort)) {
            for (String method : List.of("BYE", "INVITE", "UPDATE")) {
                c.send(options(c, "Phone/1.0").replace("OPTIONS sip:100@", method + " sip:100@")
                        .replace("To: <sip:100@127.0.0.1>", "To: <sip:100@127.0.0.1>;tag=made-up")
                        .replace("CSeq: 1 OPTIONS", "CSeq: 1 " + method + "\r\nContact: <sip:100@127.0.0.50>"));
                SipTestClient.Response r = c.read();
                assertEquals(481, r.status(), method + ": " + r.raw());
            }
        }
    }

    static void assertThrowsTimeout(SipTestClient c) throws IOException {
        try {
            SipTestClient.Response r = c.read();
            fail("expected no answer, got " + r.status() + " " + r.reason());
        } catch (SocketTimeoutException expected) {
            // silence
        }
    }

    @Test
    void malformedRequestsGet400NamingTheFaultAndTheSourceMayStillRegister() throws Exception {
        String from = "127.0.0.6";
        try (SipTestClient c = SipTestClient.udpFrom(from, server.udpPort)) {
            String base = options(c, "Phone/1.0");
            StringBuilder vias = new StringBuilder();
            for (int i = 0; i < 71; i++) {
                vias.append("Via: SIP/2.0/UDP 192.0.2.").append(i + 1).append(";branch=z9hG4bKv").append(i).append("\r\n");
            }
            c.send(base.replace("Max-Forwards: 70\r\n", "Max-Forwards: 70\r\n" + vias));
            SipTestClient.Response r = c.read();
            assertEquals(400, r.status());
            assertTrue(r.reason().contains("too many Via values"), r.reason());

            c.send(base.replace("OPTIONS sip:100@127.0.0.1", "OPTIONS sip:100@example.com").replace("z9hG4bK", "z9hG4bKf"));
            r = c.read();
            assertEquals(404, r.status(), "never relayed to a domain we do not serve");
            assertTrue(r.reason().contains("domain not served here"), r.reason());
            c.send(base.replace("OPTIONS sip:100@127.0.0.1", "BYE sip:192.0.2.55:5060").replace("1 OPTIONS", "2 BYE")
                    .replace("To: <sip:100@127.0.0.1>", "To: <sip:100@127.0.0.1>;tag=madeup").replace("z9hG4bK", "z9hG4bKb"));
            r = c.read();
            assertEquals(404, r.status(), "a made-up To tag does not make us relay either");

            // requests for our users that no application takes are answered, never proxied by the container
            String message = base.replace("OPTIONS sip:100@127.0.0.1", "MESSAGE sip:bob@127.0.0.1")
                    .replace("1 OPTIONS", "1 MESSAGE").replace("z9hG4bK", "z9hG4bKm");
            c.send(message);
            r = c.read();
            assertEquals(405, r.status(), r.raw());
            assertTrue(r.raw().contains("Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, UPDATE, PRACK, REGISTER"), r.raw());
            c.send(message.replace("MESSAGE", "FROBNICATE").replace("z9hG4bKm", "z9hG4bKn"));
            assertEquals(501, c.read().status(), "an unknown method is not implemented");
            c.send(message.replace("MESSAGE", "BYE").replace("z9hG4bKm", "z9hG4bKy"));
            assertEquals(481, c.read().status(), "a BYE outside any dialog");

            // RFC 4475 section 3.1.2.14 and 3.3.9: faults the stack's parser would repair silently
            c.send(base.replace("To: <sip:100@127.0.0.1>", "To: < sip:100@127.0.0.1 >").replace("z9hG4bK", "z9hG4bKw"));
            r = c.read();
            assertEquals(400, r.status(), r.raw());
            assertTrue(r.reason().contains("whitespace inside <> in To"), r.reason());
            c.send(base.replace("Content-Length: 0", "Content-Length: 0\r\nl: 0").replace("z9hG4bK", "z9hG4bKl"));
            r = c.read();
            assertEquals(400, r.status(), r.raw());
            assertTrue(r.reason().contains("Content-Length appears more than once"), r.reason());

            StringBuilder many = new StringBuilder();
            for (int i = 0; i < 120; i++) {
                many.append("X-Pad-").append(i).append(": ").append(i).append("\r\n");
            }
            c.send(base.replace("Content-Length: 0", many + "Content-Length: 0"));
            r = c.read();
            assertEquals(400, r.status());
            assertTrue(r.reason().contains("too many header fields"), r.reason());

            String sdp = "v=0\r\no=- 1 1 IN IP4 127.0.0.6\r\ns=-\r\nc=IN IP4 127.0.0.6\r\nt=0 0\r\n"
                    + "m=audio 4000 RTP/SAVP 0\r\na=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz\r\n";
            String invite = "INVITE sip:bob@127.0.0.1 SIP/2.0\r\n"
                    + "Via: SIP/2.0/UDP " + from + ":" + c.localPort + ";branch=z9hG4bK" + UUID.randomUUID() + "\r\n"
                    + "Max-Forwards: 70\r\nFrom: <sip:alice@127.0.0.1>;tag=1\r\nTo: <sip:bob@127.0.0.1>\r\n"
                    + "Call-ID: " + UUID.randomUUID() + "\r\nCSeq: 1 INVITE\r\nContact: <sip:alice@" + from + ":" + c.localPort + ">\r\n"
                    + "Content-Type: application/sdp\r\nContent-Length: " + sdp.length() + "\r\n\r\n" + sdp;
            c.send(invite);
            r = c.read();
            assertEquals(488, r.status(), r.raw());
            assertTrue(r.reason().contains("a=crypto requires TLS"), r.reason());

            c.send(invite.replace("INVITE sip:bob@", "INVITE sips:bob@").replace("z9hG4bK", "z9hG4bKs"));
            r = c.read();
            assertEquals(403, r.status(), r.raw());
            assertTrue(r.reason().contains("sips: requires TLS"), r.reason());
        }
        assertEquals(200, register(server, from, "bob", "pw-bob").status(), "malformed requests alone do not ban");
    }

    @Test
    void aFloodAtTenTimesTheLimitIsHeldWhileOthersStillRegister() throws Exception {
        Path flood = tmp.resolve("flood.xml");
        Files.writeString(flood, """
                <?xml version="1.0" encoding="ISO-8859-1" ?>
                <scenario name="register flood">
                  <send>
                    <![CDATA[
                      REGISTER sip:127.0.0.1 SIP/2.0
                      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
                      From: <sip:carol@127.0.0.1>;tag=[call_number]
                      To: <sip:carol@127.0.0.1>
                      Call-ID: [call_id]
                      CSeq: 1 REGISTER
                      Contact: <sip:carol@[local_ip]:[local_port]>
                      Max-Forwards: 70
                      Content-Length: 0

                    ]]>
                  </send>
                </scenario>
                """);
        long heapBefore = server.retainedHeapBytes();
        AtomicInteger ok = new AtomicInteger();
        List<String> failures = new ArrayList<>();
        AtomicReference<Throwable> broken = new AtomicReference<>();
        Thread legit = new Thread(() -> {
            try {
                for (int i = 0; i < LEGIT; i++) {
                    // other users, from addresses of their own, at 10 registrations/s
                    SipTestClient.Response r = register(server, "127.0.0." + (20 + i % 8), "u" + i, "pw-u" + i);
                    if (r.status() == 200) {
                        ok.incrementAndGet();
                    } else {
                        synchronized (failures) {
                            failures.add(r.status() + " " + r.reason());
                        }
                    }
                    Thread.sleep(100);
                }
            } catch (Throwable t) {
                broken.set(t);
            }
        });
        legit.start();
        // and a call between two users on addresses of their own, placed while the flood is being limited
        Process callee = sippCallee("dana", "pw-dana", "127.0.0.31");
        AtomicReference<ExternalTool.Result> call = new AtomicReference<>();
        Thread caller = new Thread(() -> {
            try {
                await("the flood is being limited", Duration.ofSeconds(20),
                        () -> securityLog(server).contains("\"event\":\"rate_limited\",\"source\":\"127.0.0.7\""));
                call.set(sippCall("bob", "pw-bob", "dana", "127.0.0.32"));
            } catch (Throwable t) {
                broken.compareAndSet(null, t);
            }
        });
        caller.start();
        // 200 REGISTER/s from one address, ten times its limit (20/s), for 5 s
        ExternalTool.Result sipp = ExternalTool.run(Duration.ofSeconds(60), tmp, List.of("sipp", "127.0.0.1:" + server.udpPort,
                "-sf", flood.toString(), "-i", "127.0.0.7", "-t", "u1", "-m", "1000", "-r", "200", "-nostdin",
                "-timeout", "30", "-p", Integer.toString(PalisadeProcess.freePort())));
        legit.join(60_000);
        caller.join(90_000);
        callee.destroy();
        assertEquals(0, sipp.exitCode(), sipp.output());
        assertTrue(broken.get() == null, () -> "legitimate client failed: " + broken.get());
        assertEquals(0, call.get().exitCode(), "a call during the flood completed (INVITE, 200, ACK, BYE):\n"
                + call.get().output() + "\nserver:\n" + server.output());
        assertEquals(LEGIT, ok.get(), "every legitimate registration succeeded during the flood: " + failures);
        await("the flood source is reported", Duration.ofSeconds(10),
                () -> securityLog(server).contains("\"event\":\"rate_limited\",\"source\":\"127.0.0.7\""));
        PalisadeProcess.Cli bans = server.cli(null, "bans", "list");
        assertFalse(bans.out().contains("127.0.0.7"), "a rate limit never bans: " + bans.out());
        assertEquals(200, register(server, "127.0.0.3", "carol", "pw-carol").status(), "still answering after the flood");
        // memory stays bounded: what the flood leaves behind (edge state, transactions) is small and capped, not a
        // heap that grows with the number of messages; the server runs with -Xmx512m
        long grown = server.retainedHeapBytes() - heapBefore;
        assertTrue(grown < 32L * 1024 * 1024, "the flood left " + (grown >> 20) + " MiB more retained heap");
        assertFalse(server.output().contains("OutOfMemoryError"), "no OutOfMemoryError");
    }

    /** A SIPp callee over TCP from {@code from}, registered as {@code user} and answering calls for 30 s. */
    static Process sippCallee(String user, String password, String from) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("callee-" + user));
        Path inf = dir.resolve("callee.inf");
        Files.writeString(inf, "SEQUENTIAL\n" + user + ";[authentication username=" + user + " password=" + password + "]\n");
        Path log = dir.resolve("messages.log");
        Process p = new ProcessBuilder("sipp", "127.0.0.1:" + server.tcpPort, "-sf", sipp("callee-register.xml"),
                "-oocsf", sipp("callee-answer.xml"), "-inf", inf.toString(), "-key", "domain", "127.0.0.1",
                "-d", "30000", "-t", "t1", "-m", "1", "-nostdin", "-timeout", "40", "-i", from,
                "-p", Integer.toString(PalisadeProcess.freePort()), "-mp", Integer.toString(PalisadeProcess.freePort()),
                "-trace_msg", "-message_file", log.toString())
                .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(dir.resolve("sipp.out").toFile()).start();
        try {
            await(user + " registers", Duration.ofSeconds(20), 50,
                    () -> exists(log) && read(log).contains("SIP/2.0 200 OK") || !p.isAlive());
        } catch (AssertionError e) {
            p.destroyForcibly();
            throw e;
        }
        assertTrue(p.isAlive(), user + " did not register:\n" + read(log) + read(dir.resolve("sipp.out")));
        return p;
    }

    /** One call from {@code caller} (SIPp over TCP from {@code from}) to {@code callee}: INVITE, 407, ..., BYE. */
    static ExternalTool.Result sippCall(String caller, String password, String callee, String from) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("caller-" + caller));
        Path inf = dir.resolve("caller.inf");
        Files.writeString(inf, "SEQUENTIAL\n" + caller + ";[authentication username=" + caller + " password=" + password
                + "];" + callee + "\n");
        return ExternalTool.run(Duration.ofSeconds(60), dir, List.of("sipp", "127.0.0.1:" + server.tcpPort,
                "-sf", sipp("call-uac.xml"), "-inf", inf.toString(), "-key", "domain", "127.0.0.1", "-d", "300",
                "-t", "t1", "-m", "1", "-nostdin", "-timeout", "30", "-timeout_error", "-recv_timeout", "10000",
                "-i", from, "-p", Integer.toString(PalisadeProcess.freePort()),
                "-mp", Integer.toString(PalisadeProcess.freePort())));
    }

    static String sipp(String name) {
        return ExternalTool.REPO.resolve("src/sipp/" + name).toString();
    }

    static boolean exists(Path p) {
        return Files.exists(p);
    }

    static String read(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p) : "";
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void bansAndFailureCountsSurviveARestartAndBansExpire() throws Exception {
        Path d = tmp.resolve("restart");
        Map<String, String> cfg = PalisadeProcess.defaults(d);
        cfg.put("auth.algorithms", "MD5");
        // long enough to outlast a restart on a loaded machine (20 s did not, once), short enough to watch it run out
        cfg.put("edge.ban.duration", "45");
        PalisadeProcess first = PalisadeProcess.start(d, cfg);
        try {
            assertEquals(0, first.cli("pw-dave\n", "user", "add", "dave", "--password-stdin").exitCode());
            assertEquals(0, first.cli("pw-erin\n", "user", "add", "erin", "--password-stdin").exitCode());
            for (int i = 0; i < 10; i++) {
                register(first, "127.0.0.9", "dave", "nope");
            }
            for (int i = 0; i < 9; i++) {
                register(first, "127.0.0.10", "erin", "nope"); // another user: one user's own rate limit is 10 at once
            }
            assertTrue(ignored(first, "127.0.0.9"));
        } finally {
            first.close();
        }
        PalisadeProcess again = PalisadeProcess.start(d, cfg);
        try {
            assertTrue(ignored(again, "127.0.0.9"), "still banned after the restart");
            assertEquals(401, register(again, "127.0.0.10", "erin", "nope").status());
            assertTrue(ignored(again, "127.0.0.10"), () -> "the tenth failure, counted across the restart, bans;"
                    + " before:\n" + first.output() + "\nafter:\n" + again.output() + "\nlog:\n" + securityLog(again));
            await("the ban runs out", Duration.ofSeconds(90), () -> {
                try {
                    return !ignored(again, "127.0.0.9");
                } catch (IOException e) {
                    return false;
                }
            });
            await("expiry in the security log", Duration.ofSeconds(10),
                    () -> securityLog(again).contains("\"event\":\"unban\",\"source\":\"127.0.0.9\",\"user\":\"\",\"detail\":\"expired\""));
        } finally {
            again.close();
        }
    }
}
