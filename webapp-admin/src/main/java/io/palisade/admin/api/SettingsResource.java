// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.admin.api;

import io.palisade.core.config.PalisadeConfig;
import io.palisade.core.config.SettingsView;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.Map;

/** The running configuration, by setting key, with secrets shown as {@code ****}. */
@Path("settings")
@Produces(MediaType.APPLICATION_JSON)
public class SettingsResource {
    private final PalisadeConfig config;

    public SettingsResource(PalisadeConfig config) {
        this.config = config;
    }

    @GET
    @RolesAllowed("auditor")
    public Map<String, String> get() {
        return SettingsView.of(config);
    }
}
