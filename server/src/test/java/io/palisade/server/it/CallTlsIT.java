package io.palisade.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
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
 * Calls between SIPp agents over TLS: SIPp has no TLS, so each connects through a local stunnel in client mode that
 * verifies Palisade's certificate (as bench/registrar does). Both legs are TLS, so the B2BUA requires SRTP and gives
 * each leg keys of its own: neither party's key reaches the other, and each side sees a key it did not send.
 */
class CallTlsIT {
    @TempDir
    static Path tmp;
    static PalisadeProcess server;
    static Process stunnel;
    static SippCallRig rig;

    @BeforeAll
    static void start() throws Exception {
        Path data = tmp.resolve("data");
        Map<String, String> cfg = PalisadeProcess.defaults(data);
        cfg.put("auth.algorithms", "MD5");
        server = PalisadeProcess.start(data, cfg);
        Path csv = tmp.resolve("users.csv");
        Files.writeString(csv, "user,password\nalice,alice-secret\nbob1,bob-secret\n");
        PalisadeProcess.Cli imported = server.cli(null, "user", "import", csv.toString());
        assertEquals(0, imported.exitCode(), imported.out());
        int local = PalisadeProcess.freePort();
        Path conf = tmp.resolve("stunnel.conf");
        Files.writeString(conf, String.join("\n", "foreground = yes", "pid =", "[sip]", "client = yes",
                "accept = 127.0.0.1:" + local, "connect = 127.0.0.1:" + server.tlsPort,
                "CAfile = " + server.dataDir.resolve("tls/server-cert.pem"), "verifyPeer = yes",
                "sslVersionMin = TLSv1.2", ""));
        stunnel = new ProcessBuilder("stunnel", conf.toString()).redirectErrorStream(true)
                .redirectOutput(tmp.resolve("stunnel.log").toFile()).start();
        SippRegistrationIT.awaitListening(local, Duration.ofSeconds(20));
        rig = new SippCallRig(server, tmp, "127.0.0.1:" + local);
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (stunnel != null) {
            stunnel.destroy();
            if (!stunnel.waitFor(10, TimeUnit.SECONDS)) {
                stunnel.destroyForcibly();
            }
        }
        if (server != null) {
            server.close();
        }
    }

    /** A fresh AES_CM_128 master key and salt (30 bytes, RFC 4568 section 6.1) as the inline base64. */
    private static String key() {
        byte[] k = new byte[30];
        new SecureRandom().nextBytes(k);
        return Base64.getEncoder().encodeToString(k);
    }

    private static List<String> keys(String log) {
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile("a=crypto:\\d+ AES_CM_128_HMAC_SHA1_80 inline:([A-Za-z0-9+/=]+)").matcher(log);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    @Test
    void anSrtpCallOverTlsGetsKeysOfItsOwnOnEachLeg() throws Exception {
        String bobKey = key();
        String aliceKey = key();
        SippCallRig.Callee bob = rig.callee("bob1", "callee-answer-srtp.xml", 6000, "key", bobKey);
        // the CLI reads the database, which the registrar writes behind (registrar.write-back-interval)
        String regs = server.registrationsUntil(out -> out.lines().anyMatch(l -> l.contains("sip:bob1@") && l.contains("TLS")))
                .out();
        assertTrue(regs.lines().anyMatch(l -> l.contains("sip:bob1@") && l.contains("TLS")), regs);
        SippCallRig.Caller alice = rig.call("call-uac-srtp.xml", "bob1", 300, "key", aliceKey);
        String seen = bob.received();
        rig.assertSucceeded(alice);
        assertTrue(seen.contains("INVITE sip:bob1@") && seen.contains("BYE sip:"), seen);
        assertTrue(seen.contains("RTP/SAVP"), seen);
        List<String> toBob = keys(seen);
        toBob.remove(bobKey);
        List<String> toAlice = keys(alice.log());
        toAlice.remove(aliceKey);
        assertFalse(toBob.isEmpty(), "bob must be offered SDES keys:\n" + seen);
        assertFalse(toAlice.isEmpty(), "alice's answer must carry an SDES key:\n" + alice.log());
        assertFalse(seen.contains(aliceKey), "alice's key reached bob");
        assertFalse(alice.log().contains(bobKey), "bob's key reached alice");
        for (String k : toBob) {
            assertFalse(toAlice.contains(k), "the same key on both legs");
        }
        assertNotEquals(List.of(), toBob);
        SippCallRig.assertHidden(alice, seen, bob);
        String record = rig.assertRecord("bob1", "caller BYE");
        assertEquals(2, record.split("TLS/AES_CM_128_HMAC_SHA1_80", -1).length - 1, record);
        assertFalse(server.output().contains(aliceKey) || server.output().contains(bobKey), "a key reached the log");
    }
}
