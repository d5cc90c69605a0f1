// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.admin.api;

import io.palisade.admin.Actor;
import io.palisade.core.admin.AdminRole;
import io.palisade.core.admin.AdminService;
import io.palisade.core.admin.ApiToken;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** API tokens: only administrators create, list and revoke them; the secret is returned once, at creation. */
@Path("tokens")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@RolesAllowed("administrator")
public class TokensResource {
    private final AdminService admin;

    public TokensResource(AdminService admin) {
        this.admin = admin;
    }

    public record TokenView(String id, String name, String role, String createdBy, Instant createdAt, Instant expiresAt,
            Instant revokedAt, Instant lastUsedAt) {
        static TokenView of(ApiToken t) {
            return new TokenView(t.id(), t.name(), t.role().token(), t.createdBy(), t.createdAt(), t.expiresAt(),
                    t.revokedAt(), t.lastUsedAt());
        }
    }

    public record NewToken(@NotBlank(message = "a name is required") @Size(max = 64, message = "at most 64 characters") String name,
            @NotNull(message = "one of administrator, operator, auditor")
            @Pattern(regexp = "(?i)administrator|operator|auditor", message = "one of administrator, operator, auditor") String role,
            @Min(value = 1, message = "at least 1 day") @Max(value = 3650, message = "at most 3650 days") Integer validDays) {
    }

    /** The only answer that ever holds a token's secret. */
    public record IssuedTokenView(TokenView token, String secret) {
        @Override
        public String toString() {
            return "IssuedTokenView[" + token + ", secret=***]";
        }
    }

    @GET
    public List<TokenView> list() {
        return admin.tokens().stream().map(TokenView::of).toList();
    }

    @POST
    public Response create(@Valid @NotNull(message = "a JSON body is required") NewToken body, @Context SecurityContext sc) {
        Actor a = ApiAuthFilter.actor(sc);
        ApiToken.IssuedToken t = admin.createToken(a.name(), body.name(), AdminRole.fromToken(body.role()).orElseThrow(),
                body.validDays() == null ? null : Duration.ofDays(body.validDays()), a.source());
        return Response.status(201).entity(new IssuedTokenView(TokenView.of(t.token()), t.value()))
                .header("Cache-Control", "no-store").build();
    }

    @DELETE
    @Path("{id}")
    public Response revoke(@PathParam("id") String id, @Context SecurityContext sc) {
        Actor a = ApiAuthFilter.actor(sc);
        if (!admin.revokeToken(a.name(), id, a.source())) {
            throw new NotFoundException();
        }
        return Response.noContent().build();
    }
}
