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
