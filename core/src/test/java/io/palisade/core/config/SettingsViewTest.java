// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SettingsViewTest {
    @Test
    void showsEveryKeyAndMasksSecrets() {
        PalisadeConfig c = ConfigLoader.load(Optional.empty(), Map.of(), Map.of(
                "database.url", "jdbc:postgresql://db/palisade?password=hunter2hunter2",
                "database.password", "hunter2hunter2", "admin.initial-password", "initial-secret-1"));
        Map<String, String> view = SettingsView.of(c);
        assertTrue(SettingsView.missingKeys(c).isEmpty(), "a row per key: " + SettingsView.missingKeys(c));
        assertEquals("****", view.get("database.password"));
        assertEquals("****", view.get("admin.initial-password"));
        assertFalse(view.toString().contains("hunter2"), view.toString());
        assertFalse(view.toString().contains("initial-secret-1"));
        assertFalse(c.toString().contains("initial-secret-1"));
        assertEquals("127.0.0.1", view.get("admin.address"));
        assertEquals("8443", view.get("admin.port"));
    }

    @Test
    void adminKeysAreValidated() {
        ConfigException e = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class, () -> ConfigLoader.load(
                Optional.empty(), Map.of(), Map.of("admin.port", "5061",
                        "admin.initial-password", "short", "admin.address", "nowhere")));
        String m = e.getMessage();
        assertTrue(m.contains("admin.port") && m.contains("admin.initial-password")
                && m.contains("admin.address"), m);
        assertFalse(m.contains("'short'"), "the secret is not echoed: " + m);
        e = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class, () -> ConfigLoader.load(
                Optional.empty(), Map.of(), Map.of("admin.enabled", "maybe")));
        assertTrue(e.getMessage().contains("admin.enabled"), e.getMessage());
    }
}
