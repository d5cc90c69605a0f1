// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.admin.api;

import io.palisade.admin.AdminServices;
import io.palisade.admin.ConsoleOperations;
import io.palisade.core.edge.Ban;
import io.palisade.core.edge.SecurityEvent;
import io.palisade.core.net.Cidr;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** What the edge (the SIP firewall) saw and did: recent security events, active bans, and lifting a ban. */
@Path("security")
@Produces(MediaType.APPLICATION_JSON)
public class SecurityResource {
    private final AdminServices services;
    private final ConsoleOperations operations;

    public SecurityResource(AdminServices services, ConsoleOperations operations) {
        this.services = services;
        this.operations = operations;
    }

    public record EventView(Instant time, String event, String source, String user, String detail) {
        public static EventView of(SecurityEvent e) {
            return new EventView(e.at(), e.kind().wireName(), e.source(), e.user(), e.detail());
        }
    }

    public record BanView(String address, String reason, Instant since, Instant until, long secondsLeft, int offences) {
        public static BanView of(Ban b, Instant now) {
            return new BanView(b.address(), b.reason(), b.since(), b.until(), Duration.between(now, b.until()).toSeconds(),
                    b.offences());
        }
    }

    @GET
    @Path("events")
    @RolesAllowed("auditor")
    public List<EventView> events(
            @QueryParam("minutes") @DefaultValue("60") @Min(value = 1, message = "at least 1")
            @Max(value = 525_600, message = "at most a year") int minutes,
            @QueryParam("limit") @DefaultValue("200") @Min(value = 1, message = "at least 1")
            @Max(value = 5000, message = "at most 5000") int limit) {
        if (services.securityEvents() == null) {
            throw new ConsoleOperations.NotFound("security events are not available in this deployment");
        }
        Instant now = services.clock().instant();
        return services.securityEvents().recent(now.minus(Duration.ofMinutes(minutes)), limit).stream()
                .map(EventView::of).toList();
    }

    @GET
    @Path("bans")
    @RolesAllowed("auditor")
    public List<BanView> bans() {
        if (services.bans() == null) {
            throw new ConsoleOperations.NotFound("bans are not available in this deployment");
        }
        Instant now = services.clock().instant();
        return services.bans().all().stream().filter(b -> b.activeAt(now)).map(b -> BanView.of(b, now)).toList();
    }

    /**
     * The edge's lists and limits in force, which were set in the console ({@code overridden}) rather than in the
     * configuration file, and which keys take effect only at start.
     */
    public record EdgeSettingsView(java.util.Map<String, String> values, java.util.Set<String> overridden,
            java.util.Set<String> restartOnly) {
        public static EdgeSettingsView of(io.palisade.core.edge.EdgeSettingsService s) {
            return new EdgeSettingsView(s.values(), s.overridden(),
                    new java.util.TreeSet<>(io.palisade.core.edge.EdgeSettingsService.RESTART_ONLY));
        }
    }

    @GET
    @Path("edge")
    @RolesAllowed("auditor")
    public EdgeSettingsView edge() {
        return EdgeSettingsView.of(edgeSettings());
    }

    /**
     * Changes edge settings at run time: a JSON object of key to value (as in the configuration file; {@code null}
     * resets a key to the file's value). All or nothing; applied to the next request; audited.
     */
    @jakarta.ws.rs.PUT
    @Path("edge")
    @RolesAllowed("administrator")
    @jakarta.ws.rs.Consumes(MediaType.APPLICATION_JSON)
    public Response updateEdge(java.util.Map<String, String> changes, @Context SecurityContext sc) {
        if (changes == null || changes.isEmpty()) {
            return Problem.invalid("body", "a JSON object of edge settings to change is required");
        }
        io.palisade.admin.Actor a = ApiAuthFilter.actor(sc);
        edgeSettings().update(a.name(), changes, a.source());
        return Response.ok(edge()).build();
    }

    private io.palisade.core.edge.EdgeSettingsService edgeSettings() {
        if (services.edgeSettings() == null) {
            throw new ConsoleOperations.NotFound("edge settings are not available in this deployment");
        }
        return services.edgeSettings();
    }

    /** Lifts a ban now; the server lets the address in within a few seconds. */
    @DELETE
    @Path("bans/{address}")
    @RolesAllowed("operator")
    public Response lift(@PathParam("address") String address, @Context SecurityContext sc) {
        if (Cidr.parse(address).isEmpty() || address.contains("/")) {
            return Problem.invalid("address", "not an IP address"); // the value itself is not echoed
        }
        operations.liftBan(ApiAuthFilter.actor(sc), address, services.clock().instant());
        return Response.noContent().build();
    }
}
