package io.palisade.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    @TempDir
    Path tmp;

    @Test
    void defaultsAreSecure() {
        PalisadeConfig c = ConfigLoader.load(Optional.empty(), Map.of(), Map.of());
        assertEquals(5061, c.tlsPort());
        assertTrue(c.udpPort().isEmpty(), "plain UDP is off by default");
        assertTrue(c.tcpPort().isEmpty(), "plain TCP is off by default");
        assertTrue(c.trustedNetworks().isEmpty());
        assertTrue(c.plainRegisterNetworks().isEmpty());
        assertEquals(List.of("SHA-256", "MD5"), c.authAlgorithms());
        assertEquals(TlsConfig.ClientAuth.NONE, c.tls().clientAuth());
    }

    @Test
    void fileThenEnvironmentThenOverrides() throws Exception {
        Path f = tmp.resolve("p.properties");
        Files.writeString(f, "sip.tls.port=5071\nsip.udp.port=5070\nsip.domain=example.com, voice.example.com\n");
        PalisadeConfig c = ConfigLoader.load(Optional.of(f), Map.of("PALISADE_SIP_TLS_PORT", "5081"),
                Map.of("data.dir", tmp.resolve("d").toString()));
        assertEquals(5081, c.tlsPort());
        assertEquals(5070, c.udpPort().getAsInt());
        assertEquals(List.of("example.com", "voice.example.com"), c.domains());
        assertEquals(tmp.resolve("d"), c.dataDir());
        assertEquals("PALISADE_SIP_PLAIN_REGISTER_NETWORKS", ConfigLoader.envName("sip.plain-register-networks"));
    }

    @Test
    void everyProblemIsReportedNamingItsKey() throws Exception {
        Path f = tmp.resolve("p.properties");
        Files.writeString(f, "sip.tls.port=99999\nsip.trusted-networks=10.0.0.0/8, nonsense\nauth.algorithms=SHA-512\n"
                + "sip.tsl.port=5061\nregistrar.min-expires=7200\ntls.certificate=/nonexistent.pem\n");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(Optional.of(f), Map.of(), Map.of()));
        String all = String.join("\n", e.problems());
        for (String key : List.of("sip.tls.port:", "sip.trusted-networks: 'nonsense'", "auth.algorithms: 'SHA-512'",
                "sip.tsl.port: unknown setting", "registrar.min-expires:", "tls.certificate: file")) {
            assertTrue(all.contains(key), key + " in\n" + all);
        }
    }

    @Test
    void secretsNeverAppearInToStringOrErrors() {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(Optional.empty(),
                Map.of("PALISADE_TLS_KEYSTORE", "/nonexistent.p12", "PALISADE_TLS_KEYSTORE_PASSWORD", "hunter2-secret"),
                Map.of()));
        assertFalse(e.getMessage().contains("hunter2-secret"));
        PalisadeConfig c = ConfigLoader.load(Optional.empty(), Map.of("PALISADE_DATABASE_PASSWORD", "hunter2-secret"),
                Map.of());
        assertFalse(c.toString().contains("hunter2-secret"));
    }

    @Test
    void missingConfigFileIsAnError() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(Optional.of(tmp.resolve("absent.properties")), Map.of(), Map.of()));
        assertTrue(e.getMessage().contains("absent.properties"));
    }

    @Test
    void registrationWriteBackIsOnForTheEmbeddedDatabaseAndOffForASharedOneUnlessSet() throws Exception {
        PalisadeConfig embedded = ConfigLoader.load(Optional.empty(), Map.of(), Map.of());
        assertTrue(embedded.registrationWriteBack());
        assertEquals(java.time.Duration.ofSeconds(1), embedded.registrationWriteBackInterval());

        Map<String, String> shared = Map.of("PALISADE_DATABASE_URL", "jdbc:postgresql://db.example.com/palisade");
        assertFalse(ConfigLoader.load(Optional.empty(), shared, Map.of()).registrationWriteBack(),
                "several nodes share the table: write through");
        Map<String, String> sharedButOn = new java.util.HashMap<>(shared);
        sharedButOn.put("PALISADE_REGISTRAR_WRITE_BACK", "TRUE");
        sharedButOn.put("PALISADE_REGISTRAR_WRITE_BACK_INTERVAL", "5");
        PalisadeConfig on = ConfigLoader.load(Optional.empty(), sharedButOn, Map.of());
        assertTrue(on.registrationWriteBack(), "a single node on its own database may choose write-back");
        assertEquals(java.time.Duration.ofSeconds(5), on.registrationWriteBackInterval());

        Path f = tmp.resolve("p.properties");
        Files.writeString(f, "registrar.write-back=false\n");
        assertFalse(ConfigLoader.load(Optional.of(f), Map.of(), Map.of()).registrationWriteBack());
    }

    @Test
    void aWrongWriteBackSettingStopsStartUpNamingItsKey() throws Exception {
        Path f = tmp.resolve("p.properties");
        Files.writeString(f, "registrar.write-back=yes\nregistrar.write-back-interval=0\n");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(Optional.of(f), Map.of(), Map.of()));
        String all = String.join("\n", e.problems());
        assertTrue(all.contains("registrar.write-back: expected true or false, got 'yes'"), all);
        assertTrue(all.contains("registrar.write-back-interval: expected a whole number from 1 to 60, got '0'"), all);
        e = assertThrows(ConfigException.class, () -> ConfigLoader.load(Optional.empty(),
                Map.of("PALISADE_REGISTRAR_WRITE_BACK_INTERVAL", "1s"), Map.of()));
        assertTrue(String.join("\n", e.problems()).contains("registrar.write-back-interval:"), e.problems().toString());
    }
}
