package io.palisade.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Calls through the B2BUA between two SIPp agents over TCP from a trusted network: the callee registers with digest
 * auth and answers (or rings, or is busy) over the connection it registered on; the caller authenticates to a 407.
 * Everything the callee receives is scanned for the caller's Call-ID, ports and identity headers (topology hiding).
 * Debian's SIPp only does MD5, so the server offers MD5 only.
 */
class CallIT {
    @TempDir
    static Path tmp;
    static PalisadeProcess server;
    static Path callerInf;

    @BeforeAll
    static void start() throws Exception {
        Path data = tmp.resolve("data");
        Map<String, String> cfg = PalisadeProcess.defaults(data);
        cfg.put("auth.algorithms", "MD5");
        cfg.put("media.timeout", "5"); // the shortest allowed: a call without media ends 5 s after it starts
        server = PalisadeProcess.start(data, cfg);
        Path csv = tmp.resolve("users.csv");
        Files.writeString(csv, "user,password\nalice,alice-secret\nbob1,bob-secret\nbob2,bob-secret\nbob3,bob-secret\nbob4,bob-secret\nbob5,bob-secret\nbob6,bob-secret\n");
        PalisadeProcess.Cli imported = server.cli(null, "user", "import", csv.toString());
        assertEquals(0, imported.exitCode(), imported.out());
        callerInf = tmp.resolve("caller.inf");
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** A SIPp callee: registered as {@code user}, answering with {@code ooc}; stays up for a while (5 s by default) after registering. */
    record Callee(Process process, Path log, int sipPort, int mediaPort) {
        String received() throws IOException, InterruptedException {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("callee SIPp did not finish");
            }
            return Files.exists(log) ? Files.readString(log) : "";
        }
    }

    static Callee callee(String user, String ooc) throws Exception {
        return callee(user, ooc, 5000);
    }

    static Callee callee(String user, String ooc, int lingerMs) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("callee-" + user + "-" + ooc));
        Path inf = dir.resolve("callee.inf");
        Files.writeString(inf, "SEQUENTIAL\n" + user + ";[authentication username=" + user + " password=bob-secret]\n");
        int port = PalisadeProcess.freePort();
        int media = PalisadeProcess.freePort();
        Path log = dir.resolve("messages.log");
        Process p = new ProcessBuilder("sipp", "127.0.0.1:" + server.tcpPort,
                "-sf", sipp("callee-register.xml"), "-oocsf", sipp(ooc), "-inf", inf.toString(),
                "-key", "domain", "127.0.0.1", "-d", Integer.toString(lingerMs), "-t", "t1", "-m", "1", "-nostdin",
                "-timeout", "30", "-p", Integer.toString(port), "-mp", Integer.toString(media),
                "-trace_msg", "-message_file", log.toString())
                .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(dir.resolve("sipp.out").toFile()).start();
        Callee c = new Callee(p, log, port, media);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            if (Files.exists(log) && Files.readString(log).contains("SIP/2.0 200 OK")) {
                return c;
            }
            if (!p.isAlive()) {
                break;
            }
            TimeUnit.MILLISECONDS.sleep(50); // polling interval within the deadline
        }
        p.destroyForcibly();
        throw new IllegalStateException(user + " did not register:\n" + (Files.exists(log) ? Files.readString(log) : "")
                + Files.readString(dir.resolve("sipp.out")));
    }

    record Caller(ExternalTool.Result result, String log, int sipPort, int mediaPort) {
    }

    static Caller call(String scenario, String callee) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("caller-" + callee + "-" + scenario));
        Path inf = dir.resolve("caller.inf");
        Files.writeString(inf, "SEQUENTIAL\nalice;[authentication username=alice password=alice-secret];" + callee + "\n");
        int port = PalisadeProcess.freePort();
        int media = PalisadeProcess.freePort();
        Path log = dir.resolve("messages.log");
        ExternalTool.Result r = ExternalTool.run(Duration.ofSeconds(60), dir, List.of("sipp", "127.0.0.1:" + server.tcpPort,
                "-sf", sipp(scenario), "-inf", inf.toString(), "-key", "domain", "127.0.0.1", "-d", "300",
                "-t", "t1", "-m", "1", "-nostdin", "-timeout", "30", "-timeout_error", "-recv_timeout", "10000",
                "-cid_str", "topo-caller-%u-%p@%s", "-p", Integer.toString(port), "-mp", Integer.toString(media),
                "-trace_msg", "-message_file", log.toString()));
        return new Caller(r, Files.exists(log) ? Files.readString(log) : "", port, media);
    }

    static String sipp(String name) {
        return ExternalTool.REPO.resolve("src/sipp/" + name).toString();
    }

    @Test
    void callIsAnsweredAndHungUpWithTheCallerHidden() throws Exception {
        Callee bob = callee("bob1", "callee-answer.xml");
        // When bob's connection comes from a port other than its listening port, a call that reaches it went over that
        // connection (the flow). Debian's SIPp binds its TCP client socket to its listening port, which makes this check
        // inconclusive here; BaresipCallIT checks the flow with a phone that registers from an ephemeral port.
        Pattern bound = Pattern.compile("sip:bob1@127\\.0\\.0\\.1\\s+\\S+\\s+TCP\\s+127\\.0\\.0\\.1:(\\d+)");
        String regs = server.registrationsUntil(out -> bound.matcher(out).find()).out(); // written back within 1 s
        Matcher flow = bound.matcher(regs);
        assertTrue(flow.find(), regs);
        Caller alice = call("call-uac.xml", "bob1");
        String seen = bob.received();
        assertEquals(0, alice.result().exitCode(), alice.result().output() + "\n" + alice.log() + "\nserver:\n" + server.output());
        assertTrue(seen.contains("INVITE sip:bob1@"), seen);
        if (Integer.parseInt(flow.group(1)) == bob.sipPort()) {
            System.out.println("CallIT: SIPp connected from its listening port; the flow check is not conclusive");
        }
        assertTrue(seen.contains("BYE sip:"), seen);
        // topology hiding: nothing of the caller's leg reaches the callee
        assertFalse(seen.contains("topo-caller"), "caller's Call-ID leaked:\n" + seen);
        assertFalse(seen.contains(":" + alice.sipPort()), "caller's SIP port leaked:\n" + seen);
        assertFalse(seen.contains(" " + alice.mediaPort() + " "), "caller's media port leaked:\n" + seen);
        assertFalse(seen.contains("Palisade tests caller"), "caller's User-Agent leaked:\n" + seen);
        assertFalse(seen.contains("ceo@"), "the caller's own P-Asserted-Identity passed:\n" + seen);
        assertTrue(seen.contains("P-Asserted-Identity: <sip:alice@127.0.0.1>"), seen);
        assertFalse(seen.contains("a=crypto"), "a=crypto on a TCP leg:\n" + seen);
        Matcher m = Pattern.compile("m=audio (\\d+) RTP/AVP").matcher(seen);
        assertTrue(m.find(), seen);
        int relayPort = Integer.parseInt(m.group(1));
        assertTrue(relayPort >= 16384 && relayPort <= 32767, "media not anchored in the relay's range: " + relayPort);
        // and nothing of the callee's leg reaches the caller
        assertFalse(alice.log().contains(":" + bob.sipPort()), "callee's SIP port leaked:\n" + alice.log());
        assertFalse(alice.log().contains(" " + bob.mediaPort() + " "), "callee's media port leaked:\n" + alice.log());
        assertFalse(alice.log().contains("Palisade tests callee"), alice.log());
        assertRecord("bob1", "caller BYE");
    }

    @Test
    void callerCancelsWhileItRings() throws Exception {
        Callee bob = callee("bob2", "callee-ring.xml");
        Caller alice = call("call-uac-cancel.xml", "bob2");
        String seen = bob.received();
        assertEquals(0, alice.result().exitCode(), alice.result().output() + "\n" + alice.log() + "\nserver:\n" + server.output());
        assertTrue(seen.contains("CANCEL sip:"), seen);
        assertRecord("bob2", "caller CANCEL");
    }

    @Test
    void busyIsPassedThrough() throws Exception {
        Callee bob = callee("bob3", "callee-busy.xml");
        Caller alice = call("call-uac-refused.xml", "bob3");
        bob.received();
        assertEquals(0, alice.result().exitCode(), alice.result().output() + "\n" + alice.log() + "\nserver:\n" + server.output());
        assertTrue(alice.log().contains("SIP/2.0 486"), alice.log());
        assertRecord("bob3", "486");
    }

    @Test
    void allContactsRingTheFirstAnswerWinsAndTheOthersAreCancelled() throws Exception {
        Callee ringing = callee("bob4", "callee-ring.xml");
        Callee answering = callee("bob4", "callee-answer.xml");
        Caller alice = call("call-uac.xml", "bob4");
        String rang = ringing.received();
        String answered = answering.received();
        assertEquals(0, alice.result().exitCode(), alice.result().output() + "\n" + alice.log() + "\nserver:\n" + server.output());
        assertTrue(rang.contains("INVITE sip:bob4@") && rang.contains("CANCEL sip:"), rang);
        assertTrue(answered.contains("INVITE sip:bob4@") && answered.contains("BYE sip:"), answered);
        assertRecord("bob4", "caller BYE");
    }

    @Test
    void aCallWithoutMediaIsEndedOnBothLegs() throws Exception {
        Callee bob = callee("bob6", "callee-answer.xml", 10_000);
        Caller alice = call("call-uac-ended.xml", "bob6");
        String seen = bob.received();
        assertEquals(0, alice.result().exitCode(), alice.result().output() + "\n" + alice.log() + "\nserver:\n" + server.output());
        assertTrue(seen.contains("BYE sip:"), seen);
        assertRecord("bob6", "media timeout");
    }

    @Test
    void calleeNotRegisteredGets480() throws Exception {
        Caller alice = call("call-uac-refused.xml", "nobody");
        assertEquals(0, alice.result().exitCode(), alice.result().output() + "\n" + alice.log() + "\nserver:\n" + server.output());
        assertTrue(alice.log().contains("SIP/2.0 480"), alice.log());
    }

    private static void assertRecord(String callee, String cause) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        String out = "";
        while (System.nanoTime() < deadline) {
            out = server.cli(null, "calls", "list", "--recent", "20").out();
            String c = cause;
            if (out.lines().anyMatch(l -> l.startsWith("alice") && l.contains(" " + callee + " ") && l.endsWith(c))) {
                return;
            }
            TimeUnit.MILLISECONDS.sleep(200); // the record is written by a background writer
        }
        throw new AssertionError("no record of alice -> " + callee + " ending '" + cause + "':\n" + out);
    }
}
