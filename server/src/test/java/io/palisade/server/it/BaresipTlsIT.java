package io.palisade.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real softphone, baresip, registers over TLS with digest authentication on the server's default settings:
 * accepted with the right password, refused with a wrong one. Its TLS trust is checked against the server's
 * self-signed certificate by src/test-tools/baresip-register (baresip 1.0 does not verify by itself).
 */
class BaresipTlsIT {
    @TempDir
    static Path tmp;
    static PalisadeProcess server;

    @BeforeAll
    static void start() throws Exception {
        Path data = tmp.resolve("data");
        Map<String, String> cfg = PalisadeProcess.defaults(data);
        cfg.remove("sip.udp.port");
        cfg.remove("sip.tcp.port");
        cfg.remove("sip.trusted-networks");
        cfg.remove("sip.plain-register-networks");
        cfg.remove("auth.realm");
        cfg.remove("sip.domain"); // the domains are then the host name and the listening address
        server = PalisadeProcess.start(data, cfg);
        assertEquals(0, server.cli("correct-horse-battery\n", "user", "add", "alice", "--password-stdin").exitCode());
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static ExternalTool.Result baresip(String user, String password) throws Exception {
        return ExternalTool.run(Duration.ofSeconds(90), tmp, List.of(
                ExternalTool.REPO.resolve("src/test-tools/baresip-register").toString(), "127.0.0.1",
                Integer.toString(server.tlsPort), user, password,
                server.dataDir.resolve("tls/server-cert.pem").toString(), "30"));
    }

    @Test
    void registersWithTheRightPassword() throws Exception {
        ExternalTool.Result r = baresip("alice", "correct-horse-battery");
        assertEquals(0, r.exitCode(), r.output() + "\nserver:\n" + server.output());
        assertTrue(r.output().contains("200"), r.output());
        // (baresip removes its binding when it quits, so there is nothing left to list afterwards)
    }

    @Test
    void isRefusedWithAWrongPassword() throws Exception {
        ExternalTool.Result r = baresip("alice", "wrong-horse");
        assertEquals(1, r.exitCode(), r.output());
    }
}
