// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.admin.web;

import io.palisade.admin.api.SettingsResource;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Named;
import java.util.List;
import java.util.Map;

/** The settings page: the running configuration, secrets masked (as {@code /api/v1/settings} shows it). */
@Named
@RequestScoped
public class SettingsBean {
    public record Row(String key, String value) {
    }

    private List<Row> rows;

    public List<Row> getRows() {
        if (rows == null) {
            Map<String, String> m = SettingsResource.running(Faces.services());
            rows = m.entrySet().stream().map(e -> new Row(e.getKey(), e.getValue())).toList();
        }
        return rows;
    }
}
