// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.admin.api;

import io.palisade.admin.Actor;
import io.palisade.core.admin.AdminAccount;
import io.palisade.core.admin.AdminRole;
import io.palisade.core.admin.AdminService;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import jakarta.ws.rs.core.UriBuilder;
import java.time.Instant;
import java.util.List;

/**
 * Console accounts (administrators only): list, create with a role, change the role, enable or disable, delete,
 * reset the password. New and reset accounts get a one-time password, returned once, that must be changed at the
 * next sign-in. The last enabled administrator can be neither demoted, disabled nor deleted (409).
 */
@Path("admins")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@RolesAllowed("administrator")
public class AdminsResource {
    static final String ROLES = "(?i)administrator|operator|auditor";
    static final String ROLES_MESSAGE = "one of administrator, operator, auditor";

    private final AdminService admin;

    public AdminsResource(AdminService admin) {
        this.admin = admin;
    }

    /** What the API shows of an account: never the password hash. */
    public record AdminView(String username, String role, boolean enabled, boolean mustChangePassword,
            Instant createdAt, Instant passwordChangedAt) {
        public static AdminView of(AdminAccount a) {
            return new AdminView(a.username(), a.role().token(), a.enabled(), a.mustChangePassword(), a.createdAt(),
                    a.passwordChangedAt());
        }
    }

    public record NewAdmin(@NotNull(message = "a user name is required") String username,
            @NotNull(message = ROLES_MESSAGE) @Pattern(regexp = ROLES, message = ROLES_MESSAGE) String role) {
    }

    public record AdminChange(@Pattern(regexp = ROLES, message = ROLES_MESSAGE) String role, Boolean enabled) {
    }

    /** The only answers that hold a one-time password. */
    public record OneTimePassword(AdminView account, String oneTimePassword) {
        @Override
        public String toString() {
            return "OneTimePassword[" + account + ", oneTimePassword=***]";
        }
    }

    @GET
    public List<AdminView> list() {
        return admin.accounts().stream().map(AdminView::of).toList();
    }

    @GET
    @Path("{username}")
    public AdminView get(@PathParam("username") String username) {
        return admin.account(username).map(AdminView::of).orElseThrow(NotFoundException::new);
    }

    @POST
    public Response create(@Valid @NotNull(message = "a JSON body is required") NewAdmin body, @Context SecurityContext sc) {
        Actor a = ApiAuthFilter.actor(sc);
        String oneTime = admin.createAccount(a.name(), body.username(), AdminRole.fromToken(body.role()).orElseThrow(),
                a.source());
        return Response.created(UriBuilder.fromPath("admins/{u}").build(body.username()))
                .entity(new OneTimePassword(get(body.username()), oneTime)).header("Cache-Control", "no-store").build();
    }

    @PATCH
    @Path("{username}")
    public AdminView update(@PathParam("username") String username,
            @Valid @NotNull(message = "a JSON body is required") AdminChange body, @Context SecurityContext sc) {
        Actor a = ApiAuthFilter.actor(sc);
        if (body.role() != null
                && !admin.changeRole(a.name(), username, AdminRole.fromToken(body.role()).orElseThrow(), a.source())) {
            throw new NotFoundException();
        }
        if (body.enabled() != null && !admin.setAccountEnabled(a.name(), username, body.enabled(), a.source())) {
            throw new NotFoundException();
        }
        return get(username);
    }

    @DELETE
    @Path("{username}")
    public Response delete(@PathParam("username") String username, @Context SecurityContext sc) {
        Actor a = ApiAuthFilter.actor(sc);
        if (!admin.deleteAccount(a.name(), username, a.source())) {
            throw new NotFoundException();
        }
        return Response.noContent().build();
    }

    /** A new one-time password; the account must choose its own at the next sign-in. */
    @POST
    @Path("{username}/password-reset")
    public Response resetPassword(@PathParam("username") String username, @Context SecurityContext sc) {
        Actor a = ApiAuthFilter.actor(sc);
        String oneTime = admin.resetPassword(a.name(), username, a.source()).orElseThrow(NotFoundException::new);
        return Response.ok(new OneTimePassword(get(username), oneTime)).header("Cache-Control", "no-store").build();
    }
}
