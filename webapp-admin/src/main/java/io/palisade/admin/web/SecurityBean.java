// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.admin.web;

import io.palisade.admin.AdminServices;
import io.palisade.admin.ConsoleOperations;
import io.palisade.admin.api.SecurityResource.BanView;
import io.palisade.admin.api.SecurityResource.EventView;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Named;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** The security page: active bans (an operator lifts one) and the edge's events of the last hour. */
@Named
@RequestScoped
public class SecurityBean {
    private List<BanView> bans;
    private List<EventView> events;

    public List<BanView> getBans() {
        if (bans == null) {
            AdminServices s = Faces.services();
            Instant now = s.clock().instant();
            bans = s.bans() == null ? List.of()
                    : s.bans().all().stream().filter(b -> b.activeAt(now)).map(b -> BanView.of(b, now)).toList();
        }
        return bans;
    }

    public List<EventView> getEvents() {
        if (events == null) {
            AdminServices s = Faces.services();
            events = s.securityEvents() == null ? List.of()
                    : s.securityEvents().recent(s.clock().instant().minus(Duration.ofHours(1)), 500).stream()
                            .map(EventView::of).toList();
        }
        return events;
    }

    private java.util.Map<String, String> edit;

    public boolean isEdgeAvailable() {
        return Faces.services().edgeSettings() != null;
    }

    /** The edge settings as the form shows and takes them; after a refusal, what was typed. */
    public java.util.Map<String, String> getEdit() {
        if (edit == null) {
            AdminServices s = Faces.services();
            edit = s.edgeSettings() == null ? new java.util.LinkedHashMap<>()
                    : new java.util.LinkedHashMap<>(s.edgeSettings().values());
        }
        return edit;
    }

    public List<String> getEdgeKeys() {
        AdminServices s = Faces.services();
        return s.edgeSettings() == null ? List.of() : List.copyOf(s.edgeSettings().values().keySet());
    }

    public boolean overridden(String key) {
        AdminServices s = Faces.services();
        return s.edgeSettings() != null && s.edgeSettings().overridden().contains(key);
    }

    /** Applies the changed values at once (all or nothing); each refused key is named. */
    public void saveEdge() {
        AdminServices s = Faces.services();
        if (s.edgeSettings() == null || !Faces.session().role().map(io.palisade.core.admin.AdminRole::canAdminister)
                .orElse(false)) {
            Faces.error(null, "Only administrators change the edge settings.");
            return;
        }
        java.util.Map<String, String> now = s.edgeSettings().values();
        java.util.Map<String, String> changes = new java.util.LinkedHashMap<>();
        getEdit().forEach((k, v) -> {
            String value = v == null ? "" : v.strip();
            if (now.containsKey(k) && !value.equals(now.get(k))) {
                changes.put(k, value);
            }
        });
        if (changes.isEmpty()) {
            Faces.info("Nothing changed.");
            return;
        }
        io.palisade.admin.Actor a = Faces.actor();
        try {
            s.edgeSettings().update(a.name(), changes, a.source());
        } catch (io.palisade.core.edge.EdgeSettingsService.InvalidSettings e) {
            e.problems().forEach((k, m) -> Faces.error(null, k + ": " + m));
            return;
        }
        Faces.info("Edge settings applied: " + String.join(", ", changes.keySet()) + ".");
        Faces.redirect("/security.xhtml");
    }

    public void lift(String address) {
        try {
            ConsoleOperations.of(Faces.services()).liftBan(Faces.actor(), address, Faces.services().clock().instant());
        } catch (ConsoleOperations.Forbidden | ConsoleOperations.NotFound e) {
            Faces.error(null, e.getMessage());
            return;
        }
        Faces.info("Lifted the ban of " + address + "; the server lets it in within seconds.");
        Faces.redirect("/security.xhtml");
    }
}
