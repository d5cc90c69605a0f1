// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.admin.api;

import io.palisade.admin.ConsoleOperations;
import io.palisade.core.edge.UserNetworkStore;
import io.palisade.core.net.Cidr;
import io.palisade.core.net.NetworkList;
import io.palisade.core.subscriber.Subscriber;
import io.palisade.core.subscriber.SubscriberDirectory;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import jakarta.ws.rs.core.UriBuilder;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * SIP subscribers: list and search, create, edit (display name, enabled, allowed networks), set the password (HA1
 * only is stored), delete.
 */
@Path("users")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class UsersResource {
    static final String NAME = "[A-Za-z0-9][A-Za-z0-9._+-]{0,63}";
    static final String NAME_MESSAGE = "1-64 letters, digits and . _ + -, starting with a letter or digit";

    private final SubscriberDirectory subscribers;
    private final ConsoleOperations operations;
    private final UserNetworkStore networks;

    public UsersResource(SubscriberDirectory subscribers, ConsoleOperations operations) {
        this(subscribers, operations, null);
    }

    /** {@code networks} may be null: a host without per-user networks shows none ({@code networks} is null). */
    public UsersResource(SubscriberDirectory subscribers, ConsoleOperations operations, UserNetworkStore networks) {
        this.subscribers = subscribers;
        this.operations = operations;
        this.networks = networks;
    }

    /**
     * What the API shows of a subscriber: never the HA1 values. {@code networks} are the networks the user may
     * register and call from ({@code []}: anywhere; null when the host keeps no such lists).
     */
    public record UserView(String username, String displayName, boolean enabled, Instant createdAt,
            List<String> networks) {
        static UserView of(Subscriber s, Map<String, NetworkList> lists) {
            List<String> n = lists == null ? null
                    : lists.getOrDefault(s.username(), NetworkList.none()).networks().stream().map(Cidr::toString).toList();
            return new UserView(s.username(), s.displayName(), s.enabled(), s.createdAt(), n);
        }
    }

    public record UserPage(List<UserView> items, int total, int offset, int limit) {
    }

    public record NewUser(
            @NotNull @Pattern(regexp = NAME, message = NAME_MESSAGE) String username,
            @NotNull @Size(min = 8, max = 128, message = "use 8 to 128 characters") String password,
            @Size(max = 128, message = "at most 128 characters") String displayName) {
        @Override
        public String toString() {
            return "NewUser[username=" + username + ", password=***]";
        }
    }

    /** What to change; an absent member stays as it is. {@code networks: []} lets the user in from anywhere. */
    public record UserChange(@Size(max = 128, message = "at most 128 characters") String displayName, Boolean enabled,
            @Size(max = ConsoleOperations.MAX_NETWORKS, message = "at most " + ConsoleOperations.MAX_NETWORKS
                    + " networks") List<String> networks) {
        public UserChange(String displayName, Boolean enabled) {
            this(displayName, enabled, null);
        }
    }

    public record PasswordChange(@NotNull @Size(min = 8, max = 128, message = "use 8 to 128 characters") String password) {
        @Override
        public String toString() {
            return "PasswordChange[password=***]";
        }
    }

    @GET
    @RolesAllowed("auditor")
    public UserPage list(@QueryParam("q") @Size(max = 64, message = "at most 64 characters") String q,
            @QueryParam("offset") @DefaultValue("0") @Min(value = 0, message = "must not be negative") int offset,
            @QueryParam("limit") @DefaultValue("50") @Min(value = 1, message = "at least 1")
            @Max(value = 500, message = "at most 500") int limit) {
        Map<String, NetworkList> lists = networks == null ? null : networks.all();
        return new UserPage(subscribers.search(q, offset, limit).stream().map(s -> UserView.of(s, lists)).toList(),
                subscribers.countMatching(q), offset, limit);
    }

    @GET
    @Path("{username}")
    @RolesAllowed("auditor")
    public UserView get(@PathParam("username") String username) {
        Subscriber s = subscribers.find(username).orElseThrow(NotFoundException::new);
        return UserView.of(s, networks == null ? null : Map.of(username, networks.of(username)));
    }

    @POST
    @RolesAllowed("operator")
    public Response create(@Valid @NotNull(message = "a JSON body is required") NewUser body, @Context SecurityContext sc) {
        operations.createUser(ApiAuthFilter.actor(sc), body.username(), body.password().toCharArray(), body.displayName());
        return Response.created(UriBuilder.fromPath("users/{u}").build(body.username()))
                .entity(get(body.username())).build();
    }

    @PATCH
    @Path("{username}")
    @RolesAllowed("operator")
    public UserView update(@PathParam("username") String username,
            @Valid @NotNull(message = "a JSON body is required") UserChange body, @Context SecurityContext sc) {
        // every input is read before anything changes: a bad network leaves the name and the flag as they were
        NetworkList nets = body.networks() == null ? null : ConsoleOperations.parseNetworks(body.networks());
        if (body.displayName() != null) {
            operations.setDisplayName(ApiAuthFilter.actor(sc), username, body.displayName());
        }
        if (body.enabled() != null) {
            operations.setEnabled(ApiAuthFilter.actor(sc), username, body.enabled());
        }
        if (nets != null) {
            operations.setNetworks(ApiAuthFilter.actor(sc), username, nets);
        }
        return get(username);
    }

    @PUT
    @Path("{username}/password")
    @RolesAllowed("operator")
    public Response setPassword(@PathParam("username") String username,
            @Valid @NotNull(message = "a JSON body is required") PasswordChange body, @Context SecurityContext sc) {
        operations.setPassword(ApiAuthFilter.actor(sc), username, body.password().toCharArray());
        return Response.noContent().build();
    }

    @DELETE
    @Path("{username}")
    @RolesAllowed("operator")
    public Response delete(@PathParam("username") String username, @Context SecurityContext sc) {
        operations.deleteUser(ApiAuthFilter.actor(sc), username);
        return Response.noContent().build();
    }
}
