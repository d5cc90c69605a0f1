// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.admin.api;

import io.palisade.admin.AdminServices;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The figures of the dashboard in one call (the page polls it). Figures that no component provides yet are
 * listed in {@code unavailable} and left out, so the page can show "not yet available" instead of a false zero.
 */
@Path("dashboard")
@Produces(MediaType.APPLICATION_JSON)
public class DashboardResource {
    /** Provided by the call (B2BUA) and edge-protection issues; plugged in here once those services exist. */
    static final List<String> NOT_YET = List.of("activeCalls", "callsToday", "securityEventsLastHour", "activeBans");

    private final AdminServices services;

    public DashboardResource(AdminServices services) {
        this.services = services;
    }

    public record Dashboard(int registrations, int subscribers, Instant certificateNotAfter, long certificateDaysLeft,
            String certificateFingerprint, Integer activeCalls, Integer callsToday, Integer securityEventsLastHour,
            Integer activeBans, List<String> unavailable, Instant at) {
    }

    public static Dashboard snapshot(AdminServices s) {
        Instant now = s.clock().instant();
        Integer events = null;
        Integer bans = null;
        List<String> unavailable = NOT_YET;
        if (s.securityEvents() != null && s.bans() != null) {
            events = s.securityEvents().recent(now.minus(Duration.ofHours(1)), 100_000).size();
            bans = (int) s.bans().all().stream().filter(b -> b.activeAt(now)).count();
            unavailable = NOT_YET.stream().filter(n -> !n.equals("securityEventsLastHour") && !n.equals("activeBans")).toList();
        }
        Integer active = null;
        Integer today = null;
        if (s.calls() != null && s.callRecords() != null) {
            active = s.calls().activeCount();
            java.time.Instant midnight = now.truncatedTo(java.time.temporal.ChronoUnit.DAYS);
            today = s.callRecords().count(new io.palisade.core.call.CallQuery(java.util.Optional.of(midnight),
                    java.util.Optional.empty(), java.util.Optional.empty(), java.util.Optional.empty()));
            unavailable = unavailable.stream().filter(n -> !n.equals("activeCalls") && !n.equals("callsToday")).toList();
        }
        io.palisade.core.tls.TlsIdentity tls = s.tlsNow();
        return new Dashboard(s.registrations().count(), s.subscribers().count(), tls.notAfter(),
                Duration.between(now, tls.notAfter()).toDays(), tls.fingerprintSha256(), active, today, events, bans,
                unavailable, now);
    }

    @GET
    @RolesAllowed("auditor")
    public Dashboard get() {
        return snapshot(services);
    }
}
