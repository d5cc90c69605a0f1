// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.admin.api;

import io.palisade.admin.ConsoleOperations;
import io.palisade.core.location.Binding;
import io.palisade.core.location.RegistrationStore;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

/** Location-service bindings (RFC 3261 s.10.3): who is registered from where, and removing one. */
@Path("registrations")
@Produces(MediaType.APPLICATION_JSON)
public class RegistrationsResource {
    private final RegistrationStore store;
    private final ConsoleOperations operations;
    private final Clock clock;

    public RegistrationsResource(RegistrationStore store, ConsoleOperations operations, Clock clock) {
        this.store = store;
        this.operations = operations;
        this.clock = clock;
    }

    public record RegistrationView(String aor, String contact, String transport, String remoteAddress, int remotePort,
            Instant expiresAt, long expiresInSeconds, String userAgent) {
        public static RegistrationView of(Binding b, Instant now) {
            return new RegistrationView(b.aor(), b.contactUri(), b.flow().transport(), b.flow().remoteAddress(),
                    b.flow().remotePort(), b.expiresAt(), b.remainingSeconds(now), b.userAgent());
        }
    }

    public record RegistrationPage(List<RegistrationView> items, int total, int offset, int limit) {
    }

    @GET
    @RolesAllowed("auditor")
    public RegistrationPage list(
            @QueryParam("offset") @DefaultValue("0") @Min(value = 0, message = "must not be negative") int offset,
            @QueryParam("limit") @DefaultValue("100") @Min(value = 1, message = "at least 1")
            @Max(value = 1000, message = "at most 1000") int limit) {
        Instant now = clock.instant();
        return new RegistrationPage(store.listAll(offset, limit).stream().filter(b -> b.isLive(now))
                .map(b -> RegistrationView.of(b, now)).toList(), store.count(), offset, limit);
    }

    /** Removes one binding, named by its address of record and contact (both as listed). */
    @DELETE
    @RolesAllowed("operator")
    public Response remove(@QueryParam("aor") @NotBlank(message = "the address of record is required") String aor,
            @QueryParam("contact") @NotBlank(message = "the contact is required") String contact,
            @Context SecurityContext sc) {
        operations.removeBinding(ApiAuthFilter.actor(sc), aor, contact);
        return Response.noContent().build();
    }
}
