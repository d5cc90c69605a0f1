package io.palisade.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * SIPp callers and callees around one Palisade process, for the B2BUA's integration tests: a callee registers (with
 * digest auth) and handles the B2BUA's INVITEs with an out-of-call scenario over the connection it registered on; a
 * caller runs a call scenario as alice. {@code target} is where SIPp connects: Palisade's TCP port, or a local
 * stunnel that speaks TLS to Palisade.
 */
final class SippCallRig {
    final PalisadeProcess server;
    final Path tmp;
    final String target;

    SippCallRig(PalisadeProcess server, Path tmp, String target) {
        this.server = server;
        this.tmp = tmp;
        this.target = target;
    }

    /** A SIPp callee, registered; {@link #received()} waits for it to end and returns every message it saw. */
    record Callee(Process process, Path log, int sipPort, int mediaPort) {
        String received() throws IOException, InterruptedException {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("callee SIPp did not finish");
            }
            return Files.exists(log) ? Files.readString(log) : "";
        }
    }

    record Caller(ExternalTool.Result result, String log, int sipPort, int mediaPort) {
    }

    /**
     * Starts a callee registered as {@code user} (password bob-secret) answering with {@code ooc}, staying up
     * {@code lingerMs} after registering.
     */
    Callee callee(String user, String ooc, int lingerMs, String... keys) throws Exception {
        Path dir = Files.createTempDirectory(tmp, "callee-" + user + "-");
        Path inf = dir.resolve("callee.inf");
        Files.writeString(inf, "SEQUENTIAL\n" + user + ";[authentication username=" + user + " password=bob-secret]\n");
        int port = PalisadeProcess.freePort();
        int media = PalisadeProcess.freePort();
        Path log = dir.resolve("messages.log");
        List<String> cmd = new ArrayList<>(List.of("sipp", target, "-sf", sipp("callee-register.xml"), "-oocsf", sipp(ooc),
                "-inf", inf.toString(), "-key", "domain", "127.0.0.1", "-d", Integer.toString(lingerMs), "-t", "t1",
                "-m", "1", "-nostdin", "-timeout", "60", "-p", Integer.toString(port), "-mp", Integer.toString(media),
                "-trace_msg", "-message_file", log.toString()));
        addKeys(cmd, keys);
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("sipp.out").toFile()).start();
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

    /** Alice calls {@code callee} with {@code scenario}; {@code pauseMs} is the scenario's -d. */
    Caller call(String scenario, String callee, int pauseMs, String... keys) throws Exception {
        Path dir = Files.createTempDirectory(tmp, "caller-" + callee + "-");
        Path inf = dir.resolve("caller.inf");
        Files.writeString(inf, "SEQUENTIAL\nalice;[authentication username=alice password=alice-secret];" + callee + "\n");
        int port = PalisadeProcess.freePort();
        int media = PalisadeProcess.freePort();
        Path log = dir.resolve("messages.log");
        List<String> cmd = new ArrayList<>(List.of("sipp", target, "-sf", sipp(scenario), "-inf", inf.toString(),
                "-key", "domain", "127.0.0.1", "-d", Integer.toString(pauseMs), "-t", "t1", "-m", "1", "-nostdin",
                "-timeout", "60", "-timeout_error", "-recv_timeout", "30000", "-cid_str", "topo-caller-%u-%p@%s",
                "-p", Integer.toString(port), "-mp", Integer.toString(media), "-trace_msg", "-message_file", log.toString()));
        addKeys(cmd, keys);
        ExternalTool.Result r = ExternalTool.run(Duration.ofSeconds(90), dir, cmd);
        return new Caller(r, Files.exists(log) ? Files.readString(log) : "", port, media);
    }

    private static void addKeys(List<String> cmd, String... keys) {
        for (int i = 0; i + 1 < keys.length; i += 2) {
            cmd.addAll(List.of("-key", keys[i], keys[i + 1]));
        }
    }

    static String sipp(String name) {
        return ExternalTool.REPO.resolve("src/sipp/" + name).toString();
    }

    void assertSucceeded(Caller c) {
        assertEquals(0, c.result().exitCode(), c.result().output() + "\n" + c.log() + "\nserver:\n" + server.output());
    }

    /**
     * Topology hiding (RFC 7092): nothing of the caller's leg in what the callee saw (Call-ID, SIP and media ports,
     * User-Agent, the caller's own P-Asserted-Identity), and nothing of the callee's leg in what the caller saw.
     */
    static void assertHidden(Caller caller, String calleeSaw, Callee callee) {
        assertFalse(calleeSaw.contains("topo-caller"), "caller's Call-ID leaked:\n" + calleeSaw);
        assertFalse(calleeSaw.contains(":" + caller.sipPort()), "caller's SIP port leaked:\n" + calleeSaw);
        assertFalse(calleeSaw.contains(" " + caller.mediaPort() + " "), "caller's media port leaked:\n" + calleeSaw);
        assertFalse(calleeSaw.contains("Palisade tests caller"), "caller's User-Agent leaked:\n" + calleeSaw);
        assertFalse(calleeSaw.contains("ceo@"), "the caller's own P-Asserted-Identity passed:\n" + calleeSaw);
        assertFalse(caller.log().contains(":" + callee.sipPort()), "callee's SIP port leaked:\n" + caller.log());
        assertFalse(caller.log().contains(" " + callee.mediaPort() + " "), "callee's media port leaked:\n" + caller.log());
        assertFalse(caller.log().contains("Palisade tests callee"), "callee's User-Agent leaked:\n" + caller.log());
    }

    /** Waits for the record of a call from alice to {@code callee} that ended with {@code cause}; returns its line. */
    String assertRecord(String callee, String cause) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        String out = "";
        while (System.nanoTime() < deadline) {
            out = server.cli(null, "calls", "list", "--recent", "50").out();
            for (String l : out.lines().toList()) {
                if (l.startsWith("alice") && l.contains(" " + callee + " ") && l.endsWith(cause)) {
                    return l;
                }
            }
            TimeUnit.MILLISECONDS.sleep(200); // the record is written by a background writer
        }
        throw new AssertionError("no record of alice -> " + callee + " ending '" + cause + "':\n" + out);
    }
}
