// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.admin;

import io.palisade.core.admin.AdminRole;
import io.palisade.core.admin.AuditLog;
import io.palisade.core.location.Binding;
import io.palisade.core.location.RegistrationStore;
import io.palisade.core.subscriber.NewSubscriber;
import io.palisade.core.subscriber.SubscriberDirectory;
import io.palisade.core.subscriber.SubscriberException;
import java.util.List;

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

    public static ConsoleOperations of(AdminServices s) {
        ConsoleOperations ops = new ConsoleOperations(s.subscribers(), s.registrations(), s.admin().audit());
        ops.bans = s.bans();
        ops.calls = s.calls();
        return ops;
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
