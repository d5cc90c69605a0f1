// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.core.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.palisade.core.config.TlsConfig;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CertificateServiceTest {
    @TempDir
    Path tmp;

    private static TlsConfig none() {
        return new TlsConfig(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                TlsConfig.ClientAuth.NONE);
    }

    /** A second self-signed identity to upload, as its PEM files. */
    private Path other(String name) {
        Path dir = tmp.resolve(name);
        TlsIdentity.prepare(none(), dir, List.of(name + ".example"), Clock.systemUTC());
        return dir.resolve("tls");
    }

    @Test
    void aPemUploadIsStoredForTheNextStartAndServedToNewHandshakesAtOnce() throws Exception {
        Path data = tmp.resolve("data");
        TlsIdentity first = TlsIdentity.prepare(none(), data, List.of("first.example"), Clock.systemUTC());
        CertificateService service = new CertificateService(first, none(), data, Clock.systemUTC(), null);
        SSLContext server = SSLContext.getInstance("TLS");
        server.init(new KeyManager[] {service.keyManager()}, null, null);
        List<Runnable> heard = new java.util.ArrayList<>();
        service.onChange(() -> heard.add(() -> { }));
        assertEquals(first.fingerprintSha256(), TlsIdentity.fingerprint(handshake(server)));

        Path b = other("second");
        TlsIdentity installed = service.installPem("admin:root", Files.readAllBytes(b.resolve("server-cert.pem")),
                Files.readAllBytes(b.resolve("server-key.pem")), "192.0.2.1");
        assertTrue(installed.certificate().getSubjectX500Principal().getName().contains("second.example"));
        assertEquals(installed.fingerprintSha256(), service.current().fingerprintSha256());
        assertEquals(1, heard.size(), "listeners are told");
        assertEquals(installed.fingerprintSha256(), TlsIdentity.fingerprint(handshake(server)),
                "the same SSLContext serves the new certificate");
        assertEquals("rw-------", PosixFilePermissions.toString(
                Files.getPosixFilePermissions(data.resolve("tls/server-key.pem"))));
        TlsIdentity restarted = TlsIdentity.prepare(none(), data, List.of("first.example"), Clock.systemUTC());
        assertEquals(installed.fingerprintSha256(), restarted.fingerprintSha256(), "kept for the next start");
    }

    @Test
    void badUploadsNameTheFieldAndChangeNothing() throws Exception {
        Path data = tmp.resolve("data");
        TlsIdentity first = TlsIdentity.prepare(none(), data, List.of("first.example"), Clock.systemUTC());
        CertificateService service = new CertificateService(first, none(), data, Clock.systemUTC(), null);
        byte[] before = Files.readAllBytes(data.resolve("tls/server-cert.pem"));
        Path b = other("b");
        Path c = other("c");
        byte[] certB = Files.readAllBytes(b.resolve("server-cert.pem"));
        byte[] keyC = Files.readAllBytes(c.resolve("server-key.pem"));

        assertEquals("privateKey", assertThrows(CertificateService.InvalidCertificate.class,
                () -> service.installPem("a", certB, keyC.clone(), null)).field(), "a key of another certificate");
        assertEquals("certificate", assertThrows(CertificateService.InvalidCertificate.class,
                () -> service.installPem("a", "junk".getBytes(), keyC.clone(), null)).field());
        CertificateService.InvalidCertificate noKey = assertThrows(CertificateService.InvalidCertificate.class,
                () -> service.installPem("a", certB, "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n".getBytes(), null));
        assertEquals("privateKey", noKey.field());
        assertFalse(noKey.getMessage().contains("AAAA"), "the input is not quoted");

        CertificateService later = new CertificateService(first, none(), data,
                Clock.fixed(Instant.now().plus(Duration.ofDays(1000)), ZoneOffset.UTC), null);
        CertificateService.InvalidCertificate expired = assertThrows(CertificateService.InvalidCertificate.class,
                () -> later.installPem("a", certB, Files.readAllBytes(b.resolve("server-key.pem")), null));
        assertEquals("certificate", expired.field());
        assertTrue(expired.getMessage().contains("expired"), expired.getMessage());

        byte[] p12 = pkcs12(b, "p12-password".toCharArray());
        assertEquals("password", assertThrows(CertificateService.InvalidCertificate.class,
                () -> service.installPkcs12("a", p12.clone(), "wrong".toCharArray(), null)).field());
        assertEquals("keystore", assertThrows(CertificateService.InvalidCertificate.class,
                () -> service.installPkcs12("a", new byte[] {1, 2, 3}, "x".toCharArray(), null)).field());
        assertEquals(first.fingerprintSha256(), service.current().fingerprintSha256(), "nothing changed");
        assertArrayEquals(before, Files.readAllBytes(data.resolve("tls/server-cert.pem")), "the stored file too");

        TlsIdentity installed = service.installPkcs12("a", p12.clone(), "p12-password".toCharArray(), null);
        assertTrue(installed.certificate().getSubjectX500Principal().getName().contains("b.example"));
    }

    @Test
    void anUploadIsRefusedWhenTheConfigurationNamesTheCertificate() throws Exception {
        Path data = tmp.resolve("data");
        TlsIdentity first = TlsIdentity.prepare(none(), data, List.of("first.example"), Clock.systemUTC());
        TlsConfig pinned = new TlsConfig(Optional.of(data.resolve("tls/server-cert.pem")),
                Optional.of(data.resolve("tls/server-key.pem")), Optional.empty(), Optional.empty(), Optional.empty(),
                TlsConfig.ClientAuth.NONE);
        CertificateService service = new CertificateService(first, pinned, data, Clock.systemUTC(), null);
        assertTrue(service.uploadRefusal().isPresent());
        Path b = other("b");
        CertificateService.InvalidCertificate e = assertThrows(CertificateService.InvalidCertificate.class,
                () -> service.installPem("a", Files.readAllBytes(b.resolve("server-cert.pem")),
                        Files.readAllBytes(b.resolve("server-key.pem")), null));
        assertTrue(e.conflict());
        assertTrue(e.getMessage().contains("tls.certificate"), e.getMessage());
    }

    private static byte[] pkcs12(Path pemDir, char[] password) throws Exception {
        TlsIdentity.KeyMaterial m;
        try (InputStream in = Files.newInputStream(pemDir.resolve("server-cert.pem"))) {
            X509Certificate cert = (X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509")
                    .generateCertificate(in);
            try (java.io.Reader r = Files.newBufferedReader(pemDir.resolve("server-key.pem"));
                 org.bouncycastle.openssl.PEMParser p = new org.bouncycastle.openssl.PEMParser(r)) {
                Object o = p.readObject();
                java.security.PrivateKey key = o instanceof org.bouncycastle.openssl.PEMKeyPair kp
                        ? new org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter().getKeyPair(kp).getPrivate()
                        : new org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter()
                                .getPrivateKey((org.bouncycastle.asn1.pkcs.PrivateKeyInfo) o);
                m = new TlsIdentity.KeyMaterial(key, List.of(cert));
            }
        }
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("uploaded", m.key(), password, m.chain().toArray(new Certificate[0]));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ks.store(out, password);
        return out.toByteArray();
    }

    /** One TLS handshake against {@code server}; returns the certificate it presented. */
    private static X509Certificate handshake(SSLContext server) throws Exception {
        try (SSLServerSocket listener = (SSLServerSocket) server.getServerSocketFactory().createServerSocket(0, 1,
                java.net.InetAddress.getLoopbackAddress())) {
            CompletableFuture<Void> accepted = CompletableFuture.runAsync(() -> {
                try (SSLSocket s = (SSLSocket) listener.accept()) {
                    s.startHandshake();
                    s.getInputStream().read();
                } catch (java.io.IOException e) {
                    // the client closes after the handshake
                }
            });
            SSLContext client = SSLContext.getInstance("TLS");
            client.init(null, new TrustManager[] {new X509TrustManager() {
                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType) {
                }

                @Override
                public void checkServerTrusted(X509Certificate[] chain, String authType) {
                    // this test looks at which certificate is presented, not whether it is trusted
                }

                @Override
                public X509Certificate[] getAcceptedIssuers() {
                    return new X509Certificate[0];
                }
            }}, null);
            try (SSLSocket s = (SSLSocket) client.getSocketFactory().createSocket(listener.getInetAddress(),
                    listener.getLocalPort())) {
                s.startHandshake();
                X509Certificate presented = (X509Certificate) s.getSession().getPeerCertificates()[0];
                s.close();
                accepted.get(10, TimeUnit.SECONDS);
                assertNotEquals(null, presented);
                return presented;
            }
        }
    }
}
