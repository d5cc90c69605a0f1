// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.admin.api;

import io.palisade.admin.AdminServices;
import io.palisade.core.config.SettingsView;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The running configuration, by setting key, with secrets shown as {@code ****}. Edge settings changed in the
 * console show the value in force.
 */
@Path("settings")
@Produces(MediaType.APPLICATION_JSON)
public class SettingsResource {
    private final AdminServices services;

    public SettingsResource(AdminServices services) {
        this.services = services;
    }

    @GET
    @RolesAllowed("auditor")
    public Map<String, String> get() {
        return running(services);
    }

    public static Map<String, String> running(AdminServices s) {
        Map<String, String> m = new LinkedHashMap<>(SettingsView.of(s.config()));
        if (s.edgeSettings() != null) {
            m.putAll(s.edgeSettings().values());
        }
        return m;
    }
}
