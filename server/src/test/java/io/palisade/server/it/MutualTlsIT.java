// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutual TLS (tls.client-ca + tls.client-auth=need): a phone with a certificate from the configured CA registers;
 * one without a certificate, or with a certificate from another CA, never gets to send SIP.
 */
class MutualTlsIT {
    @TempDir
    Path tmp;

    void openssl(String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("openssl"));
        cmd.addAll(List.of(args));
        ExternalTool.Result r = ExternalTool.run(Duration.ofSeconds(60), tmp, cmd);
        assertEquals(0, r.exitCode(), r.output());
    }

    /** A CA and a client certificate it signed, as PEM files NAME-ca.pem, NAME-client.pem, NAME-client.key. */
    void pki(String name) throws Exception {
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "2",
                "-subj", "/CN=" + name + " phones CA", "-keyout", name + "-ca.key", "-out", name + "-ca.pem");
        openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-subj", "/CN=alice-phone",
                "-keyout", name + "-client.key", "-out", name + "-client.csr");
        openssl("x509", "-req", "-in", name + "-client.csr", "-CA", name + "-ca.pem", "-CAkey", name + "-ca.key",
                "-CAcreateserial", "-days", "2", "-out", name + "-client.pem");
    }

    SSLContext context(Path serverCert, String clientPki) throws Exception {
        KeyStore ts = KeyStore.getInstance("PKCS12");
        ts.load(null, null);
        try (InputStream in = Files.newInputStream(serverCert)) {
            ts.setCertificateEntry("palisade", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ts);
        KeyManagerFactory kmf = null;
        if (clientPki != null) {
            String pem = Files.readString(tmp.resolve(clientPki + "-client.key"), StandardCharsets.US_ASCII);
            byte[] der = Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", ""));
            PrivateKey key = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der));
            Certificate cert;
            try (InputStream in = Files.newInputStream(tmp.resolve(clientPki + "-client.pem"))) {
                cert = CertificateFactory.getInstance("X.509").generateCertificate(in);
            }
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("phone", key, "x".toCharArray(), new Certificate[] {cert});
            kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, "x".toCharArray());
        }
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return ctx;
    }

    /** Sends an unauthenticated REGISTER and returns the status of the answer. */
    static int register(SSLContext ctx, int port) throws IOException {
        try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            s.startHandshake();
            String msg = "REGISTER sips:127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/TLS 127.0.0.1:" + s.getLocalPort()
                    + ";branch=z9hG4bKmtls" + System.nanoTime() + "\r\nMax-Forwards: 70\r\nFrom: <sips:alice@127.0.0.1>;tag=1\r\n"
                    + "To: <sips:alice@127.0.0.1>\r\nCall-ID: mtls-" + System.nanoTime() + "\r\nCSeq: 1 REGISTER\r\n"
                    + "Contact: <sips:alice@127.0.0.1:" + s.getLocalPort() + ";transport=tls>\r\nContent-Length: 0\r\n\r\n";
            s.getOutputStream().write(msg.getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            byte[] head = new byte[12];
            int n = s.getInputStream().readNBytes(head, 0, head.length);
            if (n < head.length) {
                throw new IOException("connection closed after " + n + " bytes");
            }
            return Integer.parseInt(new String(head, StandardCharsets.US_ASCII).substring(8, 11));
        }
    }

    @Test
    void onlyPhonesWithACertificateFromTheConfiguredCaGetIn() throws Exception {
        pki("ours");
        pki("other");
        Path data = tmp.resolve("data");
        Map<String, String> cfg = PalisadeProcess.defaults(data);
        cfg.put("tls.client-ca", tmp.resolve("ours-ca.pem").toString());
        cfg.put("tls.client-auth", "need");
        try (PalisadeProcess server = PalisadeProcess.start(data, cfg)) {
            Path cert = data.resolve("tls/server-cert.pem");
            assertEquals(401, register(context(cert, "ours"), server.tlsPort), "our CA's phone reaches the registrar");
            assertThrows(IOException.class, () -> register(context(cert, null), server.tlsPort), "no certificate");
            assertThrows(IOException.class, () -> register(context(cert, "other"), server.tlsPort), "another CA");
        }
    }
}
