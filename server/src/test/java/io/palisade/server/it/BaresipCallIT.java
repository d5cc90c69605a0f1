package io.palisade.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two real softphones (baresip) registered over TLS call each other through the B2BUA with SRTP required on both
 * legs. Each plays a tone of its own (a WAV made here, played by baresip's aufile source) and records what it hears
 * (the sndfile filter dumps the decoded audio); each recording must be sound, not silence, whose dominant frequency
 * is the other side's tone. The call record must show SRTP on both legs with packets relayed.
 */
class BaresipCallIT {
    static final int ALICE_HZ = 700;
    static final int BOB_HZ = 1300;
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
        server = PalisadeProcess.start(data, cfg);
        assertEquals(0, server.cli("alice-secret\n", "user", "add", "alice", "--password-stdin").exitCode());
        assertEquals(0, server.cli("bob-secret\n", "user", "add", "bob", "--password-stdin").exitCode());
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void audioFlowsBothWaysOverSrtp() throws Exception {
        int bobPort = pairedPort();
        int alicePort = pairedPort();
        Path bobDir = phone("bob", BOB_HZ, true, bobPort);
        Path aliceDir = phone("alice", ALICE_HZ, false, alicePort);
        Process bob = baresip(bobDir, 20);
        try {
            await(bobDir.resolve("out.log"), "200 OK", 20);
            Process alice = new ProcessBuilder("baresip", "-s", "-f", aliceDir.toString(), "-t", "6", "-e",
                    "/dial sip:bob@127.0.0.1").directory(aliceDir.toFile()).redirectErrorStream(true)
                    .redirectOutput(aliceDir.resolve("out.log").toFile()).redirectInput(ProcessBuilder.Redirect.from(
                            Path.of("/dev/null").toFile())).start();
            assertTrue(alice.waitFor(30, TimeUnit.SECONDS), "alice's baresip did not quit");
            await(bobDir.resolve("out.log"), "terminated", 15);
        } finally {
            bob.destroy();
            if (!bob.waitFor(10, TimeUnit.SECONDS)) {
                bob.destroyForcibly();
            }
        }
        String aliceLog = Files.readString(aliceDir.resolve("out.log"));
        String bobLog = Files.readString(bobDir.resolve("out.log"));
        assertTrue(aliceLog.contains("SRTP is Enabled"), aliceLog);
        assertTrue(bobLog.contains("SRTP is Enabled"), bobLog);
        // bob's SIP trace (-s): the call came over the TLS connection bob opened to register, never to the TLS port
        // it listens on (PORT + 1); and nothing of alice's addresses reached it
        assertTrue(bobLog.contains("INVITE sip:bob"), bobLog);
        assertFalse(bobLog.contains("-> 127.0.0.1:" + (bobPort + 1)), "a request was sent to bob's listening port:\n" + bobLog);
        assertFalse(bobLog.contains("127.0.0.1:" + (alicePort + 1)) || bobLog.contains("127.0.0.1:" + alicePort + ";"),
                "alice's SIP address reached bob:\n" + bobLog);
        // each leg has its own SDES keys: no key seen by one phone is seen by the other
        java.util.Set<String> aliceKeys = keys(aliceLog);
        java.util.Set<String> bobKeys = keys(bobLog);
        assertFalse(aliceKeys.isEmpty() || bobKeys.isEmpty(), "no a=crypto in the SIP traces");
        aliceKeys.retainAll(bobKeys);
        assertTrue(aliceKeys.isEmpty(), "an SDES key passed from one leg to the other");
        assertHears(aliceDir, BOB_HZ, ALICE_HZ, aliceLog);
        assertHears(bobDir, ALICE_HZ, BOB_HZ, bobLog);
        String records = "";
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline) {
            records = server.cli(null, "calls", "list", "--recent", "5").out();
            if (records.contains("caller BYE")) {
                break;
            }
            TimeUnit.MILLISECONDS.sleep(200); // the record is written in the background
        }
        assertTrue(records.lines().anyMatch(l -> l.startsWith("alice") && l.contains("TLS/AES_CM_128_HMAC_SHA1_80")
                && l.endsWith("caller BYE")), records);
        assertFalse(server.output().contains("inline:"), "an SDES key reached the log");
    }

    /** The decoded audio a phone recorded holds the other side's tone, loudest of all. */
    private static void assertHears(Path dir, int expectHz, int ownHz, String log) throws IOException {
        Path dec;
        try (Stream<Path> s = Files.list(dir)) {
            dec = s.filter(p -> p.getFileName().toString().endsWith("-dec.wav")).findFirst()
                    .orElseThrow(() -> new AssertionError("no recording in " + dir + ":\n" + log));
        }
        short[] pcm = wavSamples(Files.readAllBytes(dec));
        assertTrue(pcm.length > 8000, "recording shorter than a second: " + pcm.length + " samples");
        // the last second: media starts a little after the answer
        short[] tail = java.util.Arrays.copyOfRange(pcm, pcm.length - 8000, pcm.length);
        double rms = 0;
        for (short v : tail) {
            rms += (double) v * v;
        }
        rms = Math.sqrt(rms / tail.length);
        assertTrue(rms > 500, "recording of " + dir.getFileName() + " is silence (rms " + rms + ")");
        int best = -1;
        double bestPower = -1;
        for (int hz = 200; hz <= 3400; hz += 50) {
            double p = goertzel(tail, hz, 8000);
            if (p > bestPower) {
                bestPower = p;
                best = hz;
            }
        }
        assertEquals(expectHz, best, dir.getFileName() + " heard " + best + " Hz (its own tone is " + ownHz + " Hz)");
    }

    /** Goertzel's algorithm: the power of one frequency in a block of samples. */
    static double goertzel(short[] x, int hz, int rate) {
        double k = 2 * Math.cos(2 * Math.PI * hz / rate);
        double s1 = 0;
        double s2 = 0;
        for (short v : x) {
            double s0 = v + k * s1 - s2;
            s2 = s1;
            s1 = s0;
        }
        return s1 * s1 + s2 * s2 - k * s1 * s2;
    }

    private static short[] wavSamples(byte[] wav) {
        ByteBuffer b = ByteBuffer.wrap(wav).order(ByteOrder.LITTLE_ENDIAN);
        int pos = 12;
        while (pos + 8 <= wav.length) {
            int id = b.getInt(pos);
            int len = b.getInt(pos + 4);
            if (id == 0x61746164) { // "data"
                int n = Math.min(len < 0 ? Integer.MAX_VALUE : len, wav.length - pos - 8) / 2;
                short[] out = new short[n];
                for (int i = 0; i < n; i++) {
                    out[i] = b.getShort(pos + 8 + 2 * i);
                }
                return out;
            }
            pos += 8 + len;
        }
        throw new AssertionError("no data chunk in the recording");
    }

    /** 8 kHz mono 16-bit PCM, 20 s of a sine. */
    static byte[] toneWav(int hz) {
        int n = 8000 * 20;
        ByteBuffer b = ByteBuffer.allocate(44 + 2 * n).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0x46464952).putInt(36 + 2 * n).putInt(0x45564157); // RIFF, size, WAVE
        b.putInt(0x20746d66).putInt(16).putShort((short) 1).putShort((short) 1).putInt(8000).putInt(16000)
                .putShort((short) 2).putShort((short) 16); // fmt: PCM, mono, 8 kHz, 16 bit
        b.putInt(0x61746164).putInt(2 * n);
        for (int i = 0; i < n; i++) {
            b.putShort((short) Math.round(8000 * Math.sin(2 * Math.PI * hz * i / 8000.0)));
        }
        return b.array();
    }

    /** The SDES inline key values in a SIP trace. */
    private static java.util.Set<String> keys(String log) {
        java.util.Set<String> out = new java.util.HashSet<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("inline:([A-Za-z0-9+/=]+)").matcher(log);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    private static Path phone(String user, int hz, boolean autoAnswer, int port) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve(user));
        Path tone = dir.resolve("tone.wav");
        Files.write(tone, toneWav(hz));
        Files.writeString(dir.resolve("config"), String.join("\n",
                "poll_method\tepoll",
                "sip_listen\t127.0.0.1:" + port,
                "sip_cafile\t" + server.dataDir.resolve("tls/server-cert.pem"),
                "audio_player\taubridge,none",
                "audio_alert\taubridge,none",
                "audio_source\taufile," + tone,
                "module_path\t/usr/lib/baresip/modules",
                "module\tg711.so",
                "module\tsrtp.so",
                "module\taufile.so",
                "module\taubridge.so",
                "module\tsndfile.so",
                "module\tmenu.so",
                "module_app\taccount.so",
                "snd_path\t" + dir, ""));
        Files.writeString(dir.resolve("accounts"), "<sip:" + user + "@127.0.0.1;transport=tls>;auth_pass=" + user
                + "-secret;outbound=\"sip:127.0.0.1:" + server.tlsPort + ";transport=tls\";regint=600;mediaenc=srtp-mand"
                + (autoAnswer ? ";answermode=auto" : "") + "\n");
        return dir;
    }

    private static Process baresip(Path dir, int seconds) throws IOException {
        return new ProcessBuilder("baresip", "-s", "-f", dir.toString(), "-t", Integer.toString(seconds))
                .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(dir.resolve("out.log").toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
    }

    /** baresip listens on PORT (UDP, TCP) and PORT + 1 (TLS). */
    private static int pairedPort() {
        for (int i = 0; i < 50; i++) {
            int p = PalisadeProcess.freePort();
            try (ServerSocket s = new ServerSocket(p + 1, 1, InetAddress.getLoopbackAddress());
                 DatagramSocket d = new DatagramSocket(p + 1, InetAddress.getLoopbackAddress())) {
                return p;
            } catch (IOException e) {
                // the next one is taken: try another
            }
        }
        throw new IllegalStateException("no free port pair");
    }

    private static void await(Path log, String text, int seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            if (Files.exists(log) && Files.readString(log, java.nio.charset.StandardCharsets.ISO_8859_1).contains(text)) {
                return;
            }
            TimeUnit.MILLISECONDS.sleep(50); // polling interval within the deadline
        }
        throw new AssertionError("'" + text + "' not seen in " + log + ":\n"
                + (Files.exists(log) ? Files.readString(log, java.nio.charset.StandardCharsets.ISO_8859_1) : ""));
    }
}
