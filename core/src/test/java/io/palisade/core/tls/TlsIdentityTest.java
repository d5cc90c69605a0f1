package io.palisade.core.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.palisade.core.config.ConfigException;
import io.palisade.core.config.TlsConfig;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsIdentityTest {
    @TempDir
    Path tmp;

    private static TlsConfig none() {
        return new TlsConfig(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                TlsConfig.ClientAuth.NONE);
    }

    @Test
    void generatesOnceThenReusesTheSelfSignedCertificate() throws Exception {
        TlsIdentity first = TlsIdentity.prepare(none(), tmp, List.of("sip.example.com", "127.0.0.1"), Clock.systemUTC());
        assertTrue(first.generated());
        X509Certificate cert = first.certificate();
        assertTrue(cert.getSubjectAlternativeNames().stream().anyMatch(n -> n.get(1).equals("127.0.0.1")));
        assertTrue(cert.getSubjectAlternativeNames().stream().anyMatch(n -> n.get(1).equals("sip.example.com")));
        assertEquals(95, first.fingerprintSha256().length(), "32 bytes as colon-separated hex pairs");

        TlsIdentity second = TlsIdentity.prepare(none(), tmp, List.of("other"), Clock.systemUTC());
        assertFalse(second.generated());
        assertEquals(first.fingerprintSha256(), second.fingerprintSha256());

        // the runtime keystore opens with the in-memory password and holds the key
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(second.keystore())) {
            ks.load(in, second.keystorePassword());
        }
        assertTrue(ks.isKeyEntry(ks.aliases().nextElement()));
        assertFalse(second.toString().contains(new String(second.keystorePassword())));
    }

    @Test
    void configuredPemIsUsedAndAMismatchedKeyIsRefused() throws Exception {
        Path a = tmp.resolve("a");
        Path b = tmp.resolve("b");
        TlsIdentity.prepare(none(), a, List.of("a.example"), Clock.systemUTC());
        TlsIdentity.prepare(none(), b, List.of("b.example"), Clock.systemUTC());
        TlsConfig pem = new TlsConfig(Optional.of(a.resolve("tls/server-cert.pem")), Optional.of(a.resolve("tls/server-key.pem")),
                Optional.empty(), Optional.empty(), Optional.empty(), TlsConfig.ClientAuth.NONE);
        TlsIdentity id = TlsIdentity.prepare(pem, tmp.resolve("c"), List.of(), Clock.systemUTC());
        assertTrue(id.certificate().getSubjectX500Principal().getName().contains("a.example"));

        TlsConfig mismatched = new TlsConfig(Optional.of(a.resolve("tls/server-cert.pem")),
                Optional.of(b.resolve("tls/server-key.pem")), Optional.empty(), Optional.empty(), Optional.empty(),
                TlsConfig.ClientAuth.NONE);
        ConfigException wrongKey = assertThrows(ConfigException.class,
                () -> TlsIdentity.prepare(mismatched, tmp.resolve("e"), List.of(), Clock.systemUTC()));
        assertTrue(wrongKey.getMessage().contains("does not match"), wrongKey.getMessage());

        Path junk = tmp.resolve("junk.pem");
        Files.writeString(junk, "-----BEGIN NONSENSE-----\nAAAA\n-----END NONSENSE-----\n");
        TlsConfig bad = new TlsConfig(Optional.of(a.resolve("tls/server-cert.pem")), Optional.of(junk),
                Optional.empty(), Optional.empty(), Optional.empty(), TlsConfig.ClientAuth.NONE);
        ConfigException e = assertThrows(ConfigException.class,
                () -> TlsIdentity.prepare(bad, tmp.resolve("d"), List.of(), Clock.systemUTC()));
        assertTrue(e.getMessage().contains("tls.private-key"), e.getMessage());
    }
}
