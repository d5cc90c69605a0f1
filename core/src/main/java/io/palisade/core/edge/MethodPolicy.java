// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.core.edge;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Which requests that start something (no To tag) the Palisade application takes, and the answer for the others.
 * Without this, a JSR 289 container proxies every initial request no application takes towards its Request-URI: a
 * MESSAGE or an unknown method addressed to one of our users would be forwarded (or fail with a 500 while trying).
 * RFC 3261 section 8.2.1: a method the server understands but does not offer gets 405 with an Allow header; one it
 * does not recognise gets 501 (section 21.5.2); a BYE (or other mid-dialog method) that matches no dialog gets 481
 * (section 15.1.2); and a request that can create a dialog must carry a Contact (section 8.1.1.8).
 */
public final class MethodPolicy {
    /** Methods that start something here: registrations, calls, capability queries. */
    private static final Set<String> INITIAL = Set.of("REGISTER", "INVITE", "OPTIONS");
    /** Methods that only make sense inside a dialog or a transaction. */
    private static final Set<String> IN_DIALOG_ONLY = Set.of("BYE", "UPDATE", "PRACK", "INFO", "NOTIFY");
    /** Methods other SIP servers offer and this one does not (RFC 3428, 6665, 3903, 3515). */
    private static final Set<String> NOT_OFFERED = Set.of("MESSAGE", "SUBSCRIBE", "PUBLISH", "REFER");

    private final List<String> allow;

    /** @param allow the methods to list in the Allow header of a 405, in order */
    public MethodPolicy(List<String> allow) {
        this.allow = List.copyOf(allow);
    }

    /** The Allow header value of a 405. */
    public String allowHeader() {
        return String.join(", ", allow);
    }

    /**
     * The answer for a request, or empty when it goes on to the application. ACK and CANCEL always go on (the stack
     * matches them to their transaction), as does everything inside a dialog.
     */
    public Optional<Verdict.Reject> decide(String method, boolean hasToTag, boolean hasContact) {
        String m = method.toUpperCase(Locale.ROOT);
        if (hasToTag || m.equals("ACK") || m.equals("CANCEL")) {
            return Optional.empty();
        }
        if (INITIAL.contains(m)) {
            if (m.equals("INVITE") && !hasContact) {
                return Optional.of(new Verdict.Reject(400, "Bad Request: an INVITE must carry a Contact"));
            }
            return Optional.empty();
        }
        if (IN_DIALOG_ONLY.contains(m)) {
            return Optional.of(new Verdict.Reject(481, "Call/Transaction Does Not Exist"));
        }
        if (NOT_OFFERED.contains(m)) {
            return Optional.of(new Verdict.Reject(405, "Method Not Allowed"));
        }
        return Optional.of(new Verdict.Reject(501, "Not Implemented"));
    }
}
