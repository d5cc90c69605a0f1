package io.palisade.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * First start on a fresh data directory, the TLS rules as a client sees them (openssl), the plain listeners'
 * trusted networks, no outbound connections, SIGTERM, and a restart that keeps certificate and registrations.
 */
class ServerLifecycleIT {
    @TempDir
    Path tmp;

    @Test
    void firstStartRestartAndEdgeBehaviour() throws Exception {
        Path data = tmp.resolve("data");
        Map<String, String> cfg = PalisadeProcess.defaults(data);
        cfg.put("sip.trusted-networks", "127.0.0.2/32");
        cfg.put("sip.plain-register-networks", "");
        // registrations are written back (the embedded database's default) but not before the SIGTERM: the restart
        // below then shows that an orderly stop writes them, racing H2's own shutdown hook
        cfg.put("registrar.write-back-interval", "60");
        String fingerprint;
        int boundPort;
        try (PalisadeProcess server = PalisadeProcess.start(data, cfg)) {
            // a self-signed certificate was generated and its fingerprint printed
            Path certFile = data.resolve("tls/server-cert.pem");
            assertTrue(Files.exists(certFile));
            fingerprint = sha256Fingerprint(certFile);
            assertTrue(server.output().contains("SHA-256 fingerprint: " + fingerprint), server.output());
            assertTrue(server.output().contains("(self-signed, generated now)"));

            // TLS 1.0 and 1.1 and RSA key transport are refused; TLS 1.3 and ECDHE+AEAD on TLS 1.2 work
            assertTrue(handshake(server.tlsPort, "-tls1_3"), "TLS 1.3");
            assertTrue(handshake(server.tlsPort, "-tls1_2", "-cipher", "ECDHE-RSA-AES128-GCM-SHA256"), "TLS 1.2 ECDHE");
            assertFalse(handshake(server.tlsPort, "-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0"), "TLS 1.1 must be refused");
            assertFalse(handshake(server.tlsPort, "-tls1", "-cipher", "DEFAULT@SECLEVEL=0"), "TLS 1.0 must be refused");
            assertFalse(handshake(server.tlsPort, "-tls1_2", "-cipher", "AES128-GCM-SHA256"), "TLS_RSA must be refused");
            assertFalse(handshake(server.tlsPort, "-tls1_2", "-cipher", "ECDHE-RSA-AES128-SHA256"), "CBC must be refused");
            // the admin console's HTTPS listener follows the same rules
            assertTrue(handshake(server.adminPort, "-tls1_3"), "admin: TLS 1.3");
            assertTrue(handshake(server.adminPort, "-tls1_2", "-cipher", "ECDHE-RSA-AES256-GCM-SHA384"), "admin: TLS 1.2 ECDHE");
            assertFalse(handshake(server.adminPort, "-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0"), "admin: TLS 1.1 refused");
            assertFalse(handshake(server.adminPort, "-tls1_2", "-cipher", "AES128-GCM-SHA256"), "admin: TLS_RSA refused");
            assertFalse(handshake(server.adminPort, "-tls1_2", "-cipher", "ECDHE-RSA-AES128-SHA256"), "admin: CBC refused");
            assertTrue(server.output().contains("Admin console initial user 'admin', one-time password: "), server.output());

            // plain UDP answers only the trusted network
            assertTrue(optionsOverUdp("127.0.0.2", server.udpPort), "trusted source gets an answer");
            assertFalse(optionsOverUdp("127.0.0.1", server.udpPort), "untrusted source gets silence");

            // register someone, so the restart has something to keep
            assertEquals(0, server.cli("pw\n", "user", "add", "gina", "--password-stdin").exitCode());
            try (SipTestClient c = SipTestClient.tls(server.tlsPort, certFile)) {
                boundPort = c.localPort;
                assertEquals(200, c.register("gina", "pw", "127.0.0.1",
                        List.of("<sips:gina@127.0.0.1:" + c.localPort + ";transport=tls>"), 3600).status());
            }

            // the process has opened no connection of its own: every TCP socket is a listener or accepted
            assertNoOutboundConnections(server.pid(), Set.of(server.tlsPort, server.tcpPort, server.udpPort,
                    server.adminPort));

            // SIGTERM stops it cleanly
            int exit = server.stop(Duration.ofSeconds(30));
            assertTrue(server.output().contains("Palisade stopped"), server.output());
            assertEquals(143, exit, "terminated by SIGTERM through the shutdown hook");
            assertFalse(server.output().contains("Exception"), server.output());
        }
        try (PalisadeProcess again = PalisadeProcess.start(data, cfg)) {
            assertTrue(again.output().contains("SHA-256 fingerprint: " + fingerprint), "same certificate after restart");
            assertFalse(again.output().contains("generated now"));
            assertFalse(again.output().contains("one-time password"), "the initial password is printed once only");
            PalisadeProcess.Cli list = again.cli(null, "registrations", "list");
            assertTrue(list.out().contains("sip:gina@127.0.0.1") && list.out().contains(":" + boundPort), list.out());
        }
    }

    @Test
    void aBadSettingStopsStartUpNamingTheKey() throws Exception {
        Path data = tmp.resolve("bad");
        Map<String, String> cfg = PalisadeProcess.defaults(data);
        cfg.put("sip.tls.port", "70000");
        cfg.put("sip.trusted-networks", "10.0.0.0/33");
        Path file = tmp.resolve("bad.properties");
        PalisadeProcess.writeConfig(file, cfg);
        PalisadeProcess.Cli r = PalisadeProcess.cli(data, file, null);
        assertEquals(2, r.exitCode(), r.out());
        assertTrue(r.out().contains("sip.tls.port"), r.out());
        assertTrue(r.out().contains("sip.trusted-networks: '10.0.0.0/33'"), r.out());

        cfg.put("sip.tls.port", "5061");
        cfg.remove("sip.trusted-networks");
        cfg.put("sip.tls-port", "5062");
        PalisadeProcess.writeConfig(file, cfg);
        r = PalisadeProcess.cli(data, file, null);
        assertEquals(2, r.exitCode(), r.out());
        assertTrue(r.out().contains("sip.tls-port: unknown setting"), r.out());
    }

    static String sha256Fingerprint(Path pem) throws Exception {
        try (InputStream in = Files.newInputStream(pem)) {
            X509Certificate c = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(MessageDigest.getInstance("SHA-256").digest(c.getEncoded()));
        }
    }

    /** True when {@code openssl s_client} completes a handshake with the given options. */
    static boolean handshake(int port, String... options) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("openssl", "s_client", "-connect", "127.0.0.1:" + port, "-brief"));
        cmd.addAll(List.of(options));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().close(); // EOF on stdin: s_client quits after the handshake
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("openssl hung");
        }
        return out.contains("CONNECTION ESTABLISHED") || out.contains("Protocol version:");
    }

    static boolean optionsOverUdp(String fromAddress, int port) throws Exception {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(fromAddress), 0))) {
            s.setSoTimeout(2_000);
            String msg = "OPTIONS sip:127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP " + fromAddress + ":" + s.getLocalPort()
                    + ";branch=z9hG4bK" + System.nanoTime() + "\r\nMax-Forwards: 70\r\nFrom: <sip:probe@" + fromAddress
                    + ">;tag=1\r\nTo: <sip:127.0.0.1>\r\nCall-ID: " + System.nanoTime() + "@probe\r\nCSeq: 1 OPTIONS\r\n"
                    + "Content-Length: 0\r\n\r\n";
            byte[] b = msg.getBytes(StandardCharsets.UTF_8);
            s.send(new DatagramPacket(b, b.length, new InetSocketAddress("127.0.0.1", port)));
            byte[] buf = new byte[4096];
            DatagramPacket in = new DatagramPacket(buf, buf.length);
            try {
                s.receive(in);
                return new String(buf, 0, in.getLength(), StandardCharsets.UTF_8).startsWith("SIP/2.0 200");
            } catch (SocketTimeoutException e) {
                return false;
            }
        }
    }

    /**
     * Reads the process's sockets from /proc: each TCP socket must be listening, or connected with a local port
     * that is one of our listeners (an accepted connection). Anything else is a connection the server opened.
     */
    private static int localPort(String[] row) {
        return Integer.parseInt(row[1].substring(row[1].indexOf(':') + 1), 16);
    }

    static void assertNoOutboundConnections(long pid, Set<Integer> ourPorts) throws Exception {
        Set<String> inodes = new HashSet<>();
        try (var fds = Files.list(Path.of("/proc/" + pid + "/fd"))) {
            for (Path fd : (Iterable<Path>) fds::iterator) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) {
                        inodes.add(target.substring(8, target.length() - 1));
                    }
                } catch (java.io.IOException e) {
                    // fd closed meanwhile
                }
            }
        }
        List<String[]> rows = new ArrayList<>();
        for (String table : List.of("/proc/" + pid + "/net/tcp", "/proc/" + pid + "/net/tcp6")) {
            List<String> lines = Files.readAllLines(Path.of(table));
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.trim().split("\\s+");
                if (inodes.contains(f[9])) {
                    rows.add(f);
                }
            }
        }
        Set<Integer> listening = new HashSet<>(ourPorts);
        for (String[] f : rows) {
            if (f[3].equals("0A")) {
                listening.add(localPort(f));
            }
        }
        List<String> outbound = new ArrayList<>();
        int seen = rows.size();
        for (String[] f : rows) {
            if (!f[3].equals("0A") && !listening.contains(localPort(f))) {
                outbound.add(String.join(" ", f));
            }
        }
        assertTrue(seen > 0, "found the server's sockets");
        assertTrue(outbound.isEmpty(), "connections opened by the server: " + outbound);
    }
}
