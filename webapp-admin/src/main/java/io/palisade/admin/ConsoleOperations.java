// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.admin;

import io.palisade.core.admin.AdminRole;
import io.palisade.core.admin.AuditLog;
import io.palisade.core.location.Binding;
import io.palisade.core.edge.UserNetworkStore;
import io.palisade.core.location.RegistrationStore;
import io.palisade.core.net.Cidr;
import io.palisade.core.net.NetworkList;
import io.palisade.core.subscriber.NewSubscriber;
import io.palisade.core.subscriber.SubscriberDirectory;
import io.palisade.core.subscriber.SubscriberException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The changes the console makes to subscribers and registrations, shared by the REST resources and the pages: each
 * checks the actor's role, delegates to one core service and writes the audit log, successful or not.
 */
public final class ConsoleOperations {
    private final SubscriberDirectory subscribers;
    private final RegistrationStore registrations;
    private final AuditLog audit;

    public ConsoleOperations(SubscriberDirectory subscribers, RegistrationStore registrations, AuditLog audit) {
        this.subscribers = subscribers;
        this.registrations = registrations;
        this.audit = audit;
    }

    private io.palisade.core.edge.BanStore bans;
    private io.palisade.core.call.CallService calls;
    private UserNetworkStore userNetworks;

    public static ConsoleOperations of(AdminServices s) {
        ConsoleOperations ops = new ConsoleOperations(s.subscribers(), s.registrations(), s.admin().audit());
        ops.bans = s.bans();
        ops.calls = s.calls();
        ops.userNetworks = s.userNetworks();
        return ops;
    }

    /** The per-user access lists to change ({@link #setNetworks}); without them that operation is unavailable. */
    public ConsoleOperations withUserNetworks(UserNetworkStore store) {
        this.userNetworks = store;
        return this;
    }

    /** Ends a call in progress on this node (BYE on both legs, or CANCEL while ringing); recorded as hung up by the admin. */
    public void hangUp(Actor actor, String callId) {
        require(actor, AdminRole.OPERATOR, "call.hangup", callId);
        if (calls == null) {
            throw new NotFound("calls are not available in this deployment");
        }
        if (!calls.hangUp(callId, "hung up by " + actor.name())) {
            audit.record(actor.name(), "call.hangup", callId, actor.source(), "failed");
            throw new NotFound("no call " + callId + " in progress");
        }
        audit.record(actor.name(), "call.hangup", callId, actor.source(), "ok");
    }

    /** Records that call records left the server (a CSV export): who took which slice. */
    public void exported(Actor actor, String what) {
        audit.record(actor.name(), "call.export", what, actor.source(), "ok");
    }

    /**
     * Lifts the active ban of {@code address} now: the running server takes it in within seconds (it re-reads the
     * ban store); a repeat offence still counts as one.
     */
    public void liftBan(Actor actor, String address, java.time.Instant now) {
        require(actor, AdminRole.OPERATOR, "ban.lift", address);
        if (bans == null) {
            throw new NotFound("bans are not available in this deployment");
        }
        java.time.Instant at = now.truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        io.palisade.core.edge.Ban b = bans.find(address).filter(x -> x.activeAt(at))
                .orElseThrow(() -> new NotFound(address + " is not banned"));
        bans.save(new io.palisade.core.edge.Ban(b.address(), b.reason(), b.since(), at, b.offences()));
        audit.record(actor.name(), "ban.lift", address, actor.source(), "ok");
    }

    /** Thrown when the actor's role does not allow an operation. */
    public static final class Forbidden extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public Forbidden(String message) {
            super(message);
        }
    }

    /** Thrown when an input cannot be used: names the field, and never repeats the value (it may be huge or hostile). */
    public static final class Invalid extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final String field;

        public Invalid(String field, String message) {
            super(message);
            this.field = field;
        }

        public String field() {
            return field;
        }
    }

    /** Thrown when the object of an operation does not exist. */
    public static final class NotFound extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public NotFound(String message) {
            super(message);
        }
    }

    /** The password is zeroed. */
    public void createUser(Actor actor, String username, char[] password, String displayName) {
        require(actor, AdminRole.OPERATOR, "user.create", username);
        try {
            subscribers.add(new NewSubscriber(username, password, blankToNull(displayName)));
        } catch (SubscriberException e) {
            audit.record(actor.name(), "user.create", username, actor.source(), "failed");
            throw e;
        }
        audit.record(actor.name(), "user.create", username, actor.source(), "ok");
    }

    public void setDisplayName(Actor actor, String username, String displayName) {
        require(actor, AdminRole.OPERATOR, "user.update", username);
        found(subscribers.setDisplayName(username, blankToNull(displayName)), username);
        audit.record(actor.name(), "user.display-name", username, actor.source(), "ok");
    }

    public void setEnabled(Actor actor, String username, boolean enabled) {
        require(actor, AdminRole.OPERATOR, "user.update", username);
        found(subscribers.setEnabled(username, enabled), username);
        audit.record(actor.name(), enabled ? "user.enable" : "user.disable", username, actor.source(), "ok");
    }

    /** Stores new HA1 values; the password is zeroed and never stored. */
    public void setPassword(Actor actor, String username, char[] password) {
        require(actor, AdminRole.OPERATOR, "user.password", username);
        found(subscribers.setPassword(username, password), username);
        audit.record(actor.name(), "user.password", username, actor.source(), "ok");
    }

    public void deleteUser(Actor actor, String username) {
        require(actor, AdminRole.OPERATOR, "user.delete", username);
        found(subscribers.remove(username), username);
        audit.record(actor.name(), "user.delete", username, actor.source(), "ok");
    }

    /** Most networks one user may be given: an access list, not a routing table. */
    public static final int MAX_NETWORKS = 100;
    /** Longer than any CIDR (an IPv6 one has at most 43 characters): refused before it is parsed. */
    private static final int MAX_NETWORK_LENGTH = 64;
    private static final Pattern SEPARATORS = Pattern.compile("[,\\s]+");

    /** Splits what an operator typed into one field: networks separated by commas and/or white space. */
    public static List<String> splitNetworks(String text) {
        if (text == null || text.isBlank()) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (String t : SEPARATORS.split(text.strip())) {
            if (!t.isEmpty()) {
                out.add(t);
            }
        }
        return out;
    }

    /**
     * Reads a user's allowed networks with the CLI's rules ({@link Cidr#parse}: an IP literal with an optional prefix
     * length, host bits masked; {@code user networks alice 10.0.0.0/8}). An empty list lifts the restriction.
     *
     * @throws Invalid naming the field {@code networks} and the position of the first bad entry
     */
    public static NetworkList parseNetworks(List<String> texts) {
        if (texts.size() > MAX_NETWORKS) {
            throw new Invalid("networks", "at most " + MAX_NETWORKS + " networks");
        }
        List<Cidr> out = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            String t = texts.get(i);
            Optional<Cidr> c = t == null || t.length() > MAX_NETWORK_LENGTH ? Optional.empty() : Cidr.parse(t);
            if (c.isEmpty()) {
                throw new Invalid("networks", "entry " + (i + 1) + " is not a network in CIDR form (like 10.0.0.0/8 or "
                        + "2001:db8::/32)");
            }
            if (!out.contains(c.get())) {
                out.add(c.get());
            }
        }
        return new NetworkList(out);
    }

    /**
     * Replaces the networks {@code username} may register and call from (empty: anywhere). The running server's
     * edge re-reads the lists every few seconds, so the change reaches new requests without a restart.
     */
    public void setNetworks(Actor actor, String username, NetworkList networks) {
        require(actor, AdminRole.OPERATOR, "user.networks", username);
        if (userNetworks == null) {
            throw new NotFound("per-user networks are not available in this deployment");
        }
        found(subscribers.find(username).isPresent(), username);
        userNetworks.set(username, networks);
        audit.record(actor.name(), "user.networks", username + " " + describe(networks), actor.source(), "ok");
    }

    /** How an access list reads in the audit log and on the page. */
    public static String describe(NetworkList networks) {
        return networks.isEmpty() ? "anywhere"
                : String.join(", ", networks.networks().stream().map(Cidr::toString).toList());
    }

    /** Removes one binding of {@code aor} (RFC 3261 s.10.3); the phone will simply register again when it refreshes. */
    public void removeBinding(Actor actor, String aor, String contactUri) {
        require(actor, AdminRole.OPERATOR, "registration.remove", aor);
        List<Binding> bindings = registrations.findByAor(aor);
        if (bindings.stream().noneMatch(b -> b.contactUri().equals(contactUri))) {
            throw new NotFound("no binding " + contactUri + " for " + aor);
        }
        registrations.apply(aor, List.of(), List.of(contactUri));
        audit.record(actor.name(), "registration.remove", aor + " " + contactUri, actor.source(), "ok");
    }

    private void require(Actor actor, AdminRole role, String action, String target) {
        if (!actor.has(role)) {
            audit.record(actor.name(), action, target, actor.source(), "denied");
            throw new Forbidden("the " + actor.role().token() + " role may not do this");
        }
    }

    private static void found(boolean found, String username) {
        if (!found) {
            throw new NotFound("no user '" + username + "'");
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
