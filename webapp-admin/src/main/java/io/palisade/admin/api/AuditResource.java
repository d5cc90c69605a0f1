// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.admin.api;

import io.palisade.core.admin.AuditEvent;
import io.palisade.core.admin.AuditLog;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;

/** The audit log of admin actions, newest first. */
@Path("audit")
@Produces(MediaType.APPLICATION_JSON)
public class AuditResource {
    private final AuditLog audit;

    public AuditResource(AuditLog audit) {
        this.audit = audit;
    }

    public record AuditPage(List<AuditEvent> items, int total, int offset, int limit) {
    }

    @GET
    @RolesAllowed("auditor")
    public AuditPage list(@QueryParam("offset") @DefaultValue("0") @Min(value = 0, message = "must not be negative") int offset,
            @QueryParam("limit") @DefaultValue("100") @Min(value = 1, message = "at least 1")
            @Max(value = 1000, message = "at most 1000") int limit) {
        return new AuditPage(audit.list(offset, limit), audit.count(), offset, limit);
    }
}
