package io.palisade.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIPp (Debian's sip-tester) registers many users with digest authentication, straight over TCP from a network
 * allowed to register in clear, and over TLS through stunnel (SIPp itself has no TLS). Debian's SIPp only computes
 * MD5 and answers the first challenge, so this server offers MD5 only (auth.algorithms=MD5).
 */
class SippRegistrationIT {
    static final int USERS = 300;
    @TempDir
    static Path tmp;
    static PalisadeProcess server;
    static Path users;
    static Path wrong;

    @BeforeAll
    static void start() throws Exception {
        Path data = tmp.resolve("data");
        Map<String, String> cfg = PalisadeProcess.defaults(data);
        cfg.put("auth.algorithms", "MD5");
        server = PalisadeProcess.start(data, cfg);
        StringBuilder csv = new StringBuilder("user,password,display name\n");
        StringBuilder inf = new StringBuilder("SEQUENTIAL\n");
        StringBuilder bad = new StringBuilder("SEQUENTIAL\n");
        for (int i = 0; i < USERS; i++) {
            csv.append("u").append(i).append(",secret-").append(i).append(",User ").append(i).append('\n');
            inf.append("u").append(i).append(";[authentication username=u").append(i).append(" password=secret-").append(i).append("]\n");
            bad.append("u").append(i).append(";[authentication username=u").append(i).append(" password=wrong]\n");
        }
        Path csvFile = tmp.resolve("users.csv");
        Files.writeString(csvFile, csv);
        PalisadeProcess.Cli imported = server.cli(null, "user", "import", csvFile.toString());
        assertEquals(0, imported.exitCode(), imported.out());
        assertTrue(imported.out().contains("imported " + USERS), imported.out());
        users = tmp.resolve("sipp-users.csv");
        Files.writeString(users, inf);
        wrong = tmp.resolve("sipp-wrong.csv");
        Files.writeString(wrong, bad);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    static ExternalTool.Result sipp(int port, String scenario, Path injection, int calls) throws Exception {
        return ExternalTool.run(Duration.ofSeconds(120), tmp, List.of("sipp", "127.0.0.1:" + port,
                "-sf", ExternalTool.REPO.resolve("src/sipp/" + scenario).toString(), "-key", "domain", "127.0.0.1",
                "-inf", injection.toString(), "-t", "t1", "-m", Integer.toString(calls), "-r", "100", "-l", "50",
                "-nostdin", "-timeout", "90", "-timeout_error", "-max_socket", "100",
                "-p", Integer.toString(PalisadeProcess.freePort()))); // SIPp binds 5060 by default: one local port per run
    }

    @Test
    void everyUserRegistersOverTcp() throws Exception {
        ExternalTool.Result r = sipp(server.tcpPort, "register-auth.xml", users, USERS);
        assertEquals(0, r.exitCode(), r.output() + "\nserver:\n" + server.output());
        String last = "sip:u" + (USERS - 1) + "@127.0.0.1";
        PalisadeProcess.Cli list = server.registrationsUntil(out -> out.contains(last)); // written back within 1 s
        assertTrue(list.out().contains(last), list.out());
    }

    @Test
    void wrongPasswordsAreRefused() throws Exception {
        ExternalTool.Result r = sipp(server.tcpPort, "register-wrong-password.xml", wrong, 20);
        assertEquals(0, r.exitCode(), r.output() + "\nserver:\n" + server.output());
    }

    @Test
    void everyUserRegistersOverTlsThroughStunnel() throws Exception {
        int local = PalisadeProcess.freePort();
        Path conf = tmp.resolve("stunnel.conf");
        Files.writeString(conf, String.join("\n",
                "foreground = yes",
                "pid =",
                "[sip]",
                "client = yes",
                "accept = 127.0.0.1:" + local,
                "connect = 127.0.0.1:" + server.tlsPort,
                "CAfile = " + server.dataDir.resolve("tls/server-cert.pem"),
                "verifyPeer = yes",
                "sslVersionMin = TLSv1.2", ""));
        Process stunnel = new ProcessBuilder("stunnel", conf.toString()).redirectErrorStream(true)
                .redirectOutput(tmp.resolve("stunnel.log").toFile()).start();
        try {
            awaitListening(local, Duration.ofSeconds(20));
            ExternalTool.Result r = sipp(local, "register-auth.xml", users, USERS);
            assertEquals(0, r.exitCode(), r.output() + "\nstunnel:\n" + Files.readString(tmp.resolve("stunnel.log")));
            java.util.function.Predicate<String> shown = out -> out.lines()
                    .anyMatch(l -> l.contains("sip:u0@127.0.0.1") && l.contains("TLS"));
            PalisadeProcess.Cli list = server.registrationsUntil(shown); // written back within 1 s
            assertTrue(shown.test(list.out()), list.out());
        } finally {
            stunnel.destroy();
            if (!stunnel.waitFor(10, TimeUnit.SECONDS)) {
                stunnel.destroyForcibly();
            }
        }
    }

    static void awaitListening(int port, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<String> errors = new ArrayList<>();
        while (System.nanoTime() < deadline) {
            try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
                return;
            } catch (IOException e) {
                errors.add(e.getMessage());
                TimeUnit.MILLISECONDS.sleep(100); // poll interval within the deadline
            }
        }
        throw new IllegalStateException("nothing listens on " + port + ": " + errors.get(errors.size() - 1));
    }
}
