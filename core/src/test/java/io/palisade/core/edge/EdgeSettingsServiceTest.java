// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.core.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.palisade.core.config.ConfigLoader;
import io.palisade.core.config.PalisadeConfig;
import io.palisade.core.config.SettingStore;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EdgeSettingsServiceTest {
    /** The setting table, in memory. */
    static final class Store implements SettingStore {
        final Map<String, String> rows = new HashMap<>();

        @Override
        public Map<String, String> withPrefix(String prefix) {
            Map<String, String> out = new LinkedHashMap<>();
            rows.forEach((k, v) -> {
                if (k.startsWith(prefix)) {
                    out.put(k, v);
                }
            });
            return out;
        }

        @Override
        public void replace(Map<String, String> set, Collection<String> remove) {
            remove.forEach(rows::remove);
            rows.putAll(set);
        }
    }

    final PalisadeConfig config = ConfigLoader.load(Optional.empty(), Map.of(),
            Map.of("edge.deny-networks", "192.0.2.0/24"));
    final Store store = new Store();
    final List<EdgeConfig> applied = new ArrayList<>();

    @Test
    void aValidChangeIsStoredAppliedAndBeatsTheFileAtTheNextStart() {
        EdgeSettingsService s = new EdgeSettingsService(config, store, applied::add, null);
        assertEquals("192.0.2.0/24", s.values().get("edge.deny-networks"));
        assertFalse(s.values().containsKey("edge.security-log"), "start-only keys are not offered");
        Map<String, String> change = new HashMap<>();
        change.put("edge.deny-networks", "198.51.100.0/24, 203.0.113.7/32");
        change.put("edge.limit.address-invites", "5/s burst 10");
        s.update("admin:root", change, "127.0.0.1");
        EdgeConfig now = applied.get(0);
        assertTrue(now.denyNetworks().contains("203.0.113.7") && !now.denyNetworks().contains("192.0.2.1"));
        assertEquals(new EdgeConfig.Rate(5, 10), now.sourceInvites());
        assertEquals("5/s burst 10", s.values().get("edge.limit.address-invites"));
        assertEquals(java.util.Set.of("edge.deny-networks", "edge.limit.address-invites"), s.overridden());

        EdgeSettingsService restarted = new EdgeSettingsService(config, store, applied::add, null);
        assertTrue(restarted.current().denyNetworks().contains("203.0.113.7"), "stored values beat the file");
        Map<String, String> reset = new HashMap<>();
        reset.put("edge.deny-networks", null);
        restarted.update("admin:root", reset, null);
        assertTrue(restarted.current().denyNetworks().contains("192.0.2.1"), "reset to the file's value");
        assertEquals(java.util.Set.of("edge.limit.address-invites"), restarted.overridden());
    }

    @Test
    void badValuesAreNamedAndNothingChanges() {
        EdgeSettingsService s = new EdgeSettingsService(config, store, applied::add, null);
        Map<String, String> change = new LinkedHashMap<>();
        change.put("edge.deny-networks", "10.0.0.0/8, 10.0.0.300/8");
        change.put("edge.ban.address-failures", "0");
        change.put("edge.limit.user-registers", "fast");
        change.put("edge.max-vias", "8"); // valid, but not applied alone
        EdgeSettingsService.InvalidSettings e = assertThrows(EdgeSettingsService.InvalidSettings.class,
                () -> s.update("admin:root", change, null));
        assertEquals(java.util.Set.of("edge.deny-networks", "edge.ban.address-failures", "edge.limit.user-registers"),
                e.problems().keySet());
        assertFalse(e.problems().toString().contains("10.0.0.300"), "the submitted value is not echoed");
        assertFalse(e.problems().toString().contains("fast"), e.problems().toString());
        assertTrue(applied.isEmpty() && store.rows.isEmpty());
        assertEquals("70", s.values().get("edge.max-vias"));

        assertTrue(assertThrows(EdgeSettingsService.InvalidSettings.class,
                () -> s.update("a", Map.of("edge.security-log", "/tmp/x"), null)).problems().containsKey("edge.security-log"));
        assertTrue(assertThrows(EdgeSettingsService.InvalidSettings.class,
                () -> s.update("a", Map.of("sip.tls.port", "5"), null)).problems().containsKey("sip.tls.port"));
        assertTrue(assertThrows(EdgeSettingsService.InvalidSettings.class,
                () -> s.update("a", Map.of("edge.ban.duration", "90000", "edge.ban.max-duration", "600"), null))
                .problems().containsKey("edge.ban.max-duration"), "rules across keys too");
    }
}
