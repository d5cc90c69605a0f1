package io.palisade.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
 * Nothing leaks after many calls of every ending kind (issue 4): SIPp places 1,000 calls of each kind through the
 * B2BUA (answered and hung up by either side, cancelled, busy, callee not registered, not answered, and fewer
 * ended by media timeout, which hold media ports for 5 s each); afterwards no call is in progress, every call has
 * one closed record with the right cause, no relay port of the server is open, and at stop the relay, the call
 * service and the SIP container hold no session.
 */
class CallLeakIT {
    static final int CALLS = Integer.getInteger("leak.calls", 1000);
    static final int MEDIA_TIMEOUT_CALLS = Math.max(1, CALLS / 2);
    static final int RATE = 100;
    static final int PORT_MIN = 40000;
    static final int PORT_MAX = 43999;

    @TempDir
    static Path tmp;
    static PalisadeProcess server;
    static SippCallRig rig;

    @BeforeAll
    static void start() throws Exception {
        Path data = tmp.resolve("data");
        Map<String, String> cfg = PalisadeProcess.defaults(data);
        cfg.put("auth.algorithms", "MD5");
        cfg.put("media.timeout", "5");
        cfg.put("call.no-answer-timeout", "5");
        // a range of its own: other tests on this machine anchor media in the default range
        cfg.put("media.port-min", Integer.toString(PORT_MIN));
        cfg.put("media.port-max", Integer.toString(PORT_MAX));
        cfg.put("log.level", "WARN");
        server = PalisadeProcess.start(data, cfg);
        Path csv = tmp.resolve("users.csv");
        Files.writeString(csv, "user,password\nalice,alice-secret\nbyecaller,bob-secret\nbyecallee,bob-secret\n"
                + "cancelled,bob-secret\nbusy,bob-secret\nsilent,bob-secret\nmute,bob-secret\n");
        PalisadeProcess.Cli imported = server.cli(null, "user", "import", csv.toString());
        assertEquals(0, imported.exitCode(), imported.out());
        rig = new SippCallRig(server, tmp, "127.0.0.1:" + server.tcpPort);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** One kind of ending: who answers how, the caller's scenario, how many calls, the record's cause. */
    record Kind(String callee, String calleeScenario, String callerScenario, int calls, String cause) {
    }

    @Test
    void noPortSessionOrRecordIsLeftAfterThousandsOfCalls() throws Exception {
        List<Kind> kinds = List.of(
                new Kind("byecaller", "callee-answer.xml", "call-uac.xml", CALLS, "caller BYE"),
                new Kind("byecallee", "callee-answer-hangup.xml", "call-uac-ended.xml", CALLS, "callee BYE"),
                new Kind("cancelled", "callee-ring.xml", "call-uac-cancel.xml", CALLS, "caller CANCEL"),
                new Kind("busy", "callee-busy.xml", "call-uac-refused.xml", CALLS, "486"),
                new Kind("nobody", null, "call-uac-refused.xml", CALLS, null),
                new Kind("silent", "callee-ring.xml", "call-uac-refused.xml", CALLS, "no answer"),
                new Kind("mute", "callee-answer.xml", "call-uac-ended.xml", MEDIA_TIMEOUT_CALLS, "media timeout"));
        // The callees stay up until the server has stopped: one killed while the B2BUA's last BYE to it is on its
        // way would hold that transaction (and its SIP session) for Timer F, 32 s, which is not a leak.
        List<Process> callees = new ArrayList<>();
        try {
            check(kinds, callees);
        } finally {
            for (Process p : callees) {
                p.destroy();
                p.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private void check(List<Kind> kinds, List<Process> callees) throws Exception {
        long t0 = System.nanoTime();
        int recorded = 0;
        for (Kind k : kinds) {
            if (k.calleeScenario() != null) {
                callees.add(rig.callee(k.callee(), k.calleeScenario(), 600_000).process());
            }
            run(k);
            if (k.cause() != null) {
                recorded += k.calls();
            }
        }
        System.out.printf("CallLeakIT: %d calls in %.0f s%n", kinds.stream().mapToInt(Kind::calls).sum(),
                (System.nanoTime() - t0) / 1e9);

        // no call in progress: every record is closed (the writer is asynchronous: poll)
        String active = poll(() -> server.cli(null, "calls", "list").out(), o -> o.contains("\n0 call(s) in progress"),
                Duration.ofSeconds(30));
        assertTrue(active.contains("\n0 call(s) in progress"), active);
        String records = server.cli(null, "calls", "list", "--recent", Integer.toString(recorded + 100)).out();
        assertTrue(records.contains("\n" + recorded + " call record(s)"), "one record per call that reached the callee: "
                + recorded + "\n" + tail(records));
        Map<String, Integer> causes = new LinkedHashMap<>();
        records.lines().filter(l -> l.startsWith("alice ")).forEach(l -> {
            String cause = l.endsWith("(active)") ? "(active)" : l.replaceAll("^.*\\s{2,}", "");
            causes.merge(cause, 1, Integer::sum);
        });
        for (Kind k : kinds) {
            if (k.cause() != null) {
                assertEquals(k.calls(), causes.getOrDefault(k.cause(), 0), "calls ending '" + k.cause() + "': " + causes);
            }
        }
        // no relay port left open by the server
        String ports = poll(CallLeakIT::relaySockets, String::isEmpty, Duration.ofSeconds(10));
        assertEquals("", ports, "relay sockets still open");

        // at stop: nothing in the call service, the relay or the SIP container (sessions are invalidated when ready).
        // JAIN-SIP tells the container a transaction ended only when the transaction's linger timer fires, 8 s after
        // it terminated (gov.nist.javax.sip.LINGER_TIMER), and the container frees a session on that notice; nothing
        // shows the container's sessions from outside meanwhile, so wait that timer out once the last call is over.
        long lingerOver = System.nanoTime() + TimeUnit.SECONDS.toNanos(8 + 3);
        while (System.nanoTime() < lingerOver) {
            TimeUnit.MILLISECONDS.sleep(Math.max(1, TimeUnit.NANOSECONDS.toMillis(lingerOver - System.nanoTime())));
        }
        server.stop(Duration.ofSeconds(60)); // SIGTERM: the exit code is 143
        String log = server.output();
        server = null;
        Matcher at = Pattern.compile("At stop: (\\d+) call\\(s\\) in progress; SIP container: (\\d+) application session\\(s\\), "
                + "(\\d+) SIP session\\(s\\) \\((\\d+) ended, awaiting the stack's transaction-ended notice\\)").matcher(log);
        assertTrue(at.find(), tail(log));
        assertEquals("0", at.group(1), at.group());
        assertTrue(log.contains("Media relay at stop: 0 session(s) open, 0 port pair(s) in use"), tail(log));
        System.out.println("CallLeakIT: " + at.group());
        String left = log.lines().filter(l -> l.startsWith("  left: ")).collect(java.util.stream.Collectors.joining("\n"));
        assertEquals("0", at.group(2), at.group() + "\n" + left);
        assertEquals("0", at.group(3), at.group() + "\n" + left);
    }

    private String run(Kind k) throws Exception {
        Path dir = Files.createTempDirectory(tmp, "load-" + k.callee() + "-");
        Path inf = dir.resolve("caller.inf");
        Files.writeString(inf, "SEQUENTIAL\nalice;[authentication username=alice password=alice-secret];" + k.callee() + "\n");
        int port = PalisadeProcess.freePort();
        List<String> cmd = new ArrayList<>(List.of("sipp", rig.target, "-sf", SippCallRig.sipp(k.callerScenario()),
                "-inf", inf.toString(), "-key", "domain", "127.0.0.1", "-d", "0", "-t", "t1", "-p", Integer.toString(port),
                "-m", Integer.toString(k.calls()), "-r", Integer.toString(RATE), "-l", "1000", "-nostdin",
                "-recv_timeout", "30000", "-timeout", "180s", "-timeout_error", "-max_socket", "100",
                "-trace_err", "-error_file", dir.resolve("errors.log").toString()));
        ExternalTool.Result r = ExternalTool.run(Duration.ofSeconds(200), dir, cmd);
        String errors = Files.exists(dir.resolve("errors.log")) ? Files.readString(dir.resolve("errors.log")) : "";
        assertEquals(0, r.exitCode(), k + ": some calls failed\n" + tail(r.output()) + "\n" + tail(errors)
                + "\nserver:\n" + tail(server.output()));
        return r.output();
    }

    /** UDP sockets of the server process bound in the relay's port range, as ss(8) shows them. */
    private static String relaySockets() {
        try {
            Process p = new ProcessBuilder("ss", "-Huanp").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            p.waitFor(10, TimeUnit.SECONDS);
            StringBuilder open = new StringBuilder();
            Pattern local = Pattern.compile("^\\S+\\s+\\d+\\s+\\d+\\s+\\S+:(\\d+)\\s");
            for (String l : out.lines().toList()) {
                Matcher m = local.matcher(l);
                if (m.find() && l.contains("pid=" + server.pid() + ",")) {
                    int port = Integer.parseInt(m.group(1));
                    if (port >= PORT_MIN && port <= PORT_MAX) {
                        open.append(l).append('\n');
                    }
                }
            }
            return open.toString();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String poll(java.util.function.Supplier<String> probe, java.util.function.Predicate<String> done,
                               Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = probe.get();
        while (!done.test(last) && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(250); // polling interval within the deadline
            last = probe.get();
        }
        return last;
    }

    private static String tail(String s) {
        return s.length() <= 6000 ? s : "..." + s.substring(s.length() - 6000);
    }
}
