// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.admin.api;

import io.palisade.admin.Actor;
import io.palisade.admin.web.ConsoleSession;
import io.palisade.core.admin.AdminRole;
import io.palisade.core.admin.AdminService;
import io.palisade.core.admin.ApiToken;
import jakarta.annotation.Priority;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.SecurityContext;
import java.security.Principal;
import java.util.Optional;
import java.util.Set;

/**
 * Who calls {@code /api/v1}: a bearer token (created by an administrator), or the console's own signed-in session
 * (the dashboard refreshes itself that way). A session must send its CSRF token as {@code X-CSRF-Token} on
 * anything but GET/HEAD; a session that still has to change its password gets nothing. Everyone else gets 401.
 */
@PreMatching // before resource matching: an unknown path gets 401 too, so the API's shape is not probed anonymously
@Priority(Priorities.AUTHENTICATION)
public final class ApiAuthFilter implements ContainerRequestFilter {
    private static final Set<String> SAFE = Set.of("GET", "HEAD", "OPTIONS");

    private final AdminService admin;

    @Context
    private HttpServletRequest request;

    public ApiAuthFilter(AdminService admin) {
        this.admin = admin;
    }

    @Override
    public void filter(ContainerRequestContext ctx) {
        String source = request.getRemoteAddr();
        String auth = ctx.getHeaderString(HttpHeaders.AUTHORIZATION);
        Optional<Actor> actor;
        if (auth != null) {
            actor = auth.regionMatches(true, 0, "Bearer ", 0, 7)
                    ? admin.authenticateToken(auth.substring(7)).map(t -> tokenActor(t, source))
                    : Optional.empty();
        } else {
            actor = ConsoleSession.of(request).filter(s -> s.revalidate(admin)).flatMap(s -> s.actor(source))
                    .filter(a -> SAFE.contains(ctx.getMethod())
                            || ConsoleSession.of(request).map(s -> s.csrfMatches(ctx.getHeaderString("X-CSRF-Token")))
                                    .orElse(false));
        }
        if (actor.isEmpty()) {
            ctx.abortWith(new ProblemMappers.Web().toResponse(new jakarta.ws.rs.NotAuthorizedException("Bearer")));
            return;
        }
        Actor a = actor.get();
        ctx.setSecurityContext(new SecurityContext() {
            @Override
            public Principal getUserPrincipal() {
                return a;
            }

            @Override
            public boolean isUserInRole(String role) {
                return AdminRole.fromToken(role).map(a::has).orElse(false);
            }

            @Override
            public boolean isSecure() {
                return true;
            }

            @Override
            public String getAuthenticationScheme() {
                return "Bearer";
            }
        });
    }

    private static Actor tokenActor(ApiToken t, String source) {
        return new Actor("token:" + t.id(), t.role(), source);
    }

    /** The actor a resource method runs for (set by this filter). */
    public static Actor actor(SecurityContext sc) {
        return (Actor) sc.getUserPrincipal();
    }
}
