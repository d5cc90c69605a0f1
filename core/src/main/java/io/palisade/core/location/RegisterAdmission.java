// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.core.location;

import io.palisade.core.edge.TransportPolicy;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * What a REGISTER must satisfy before its credentials are even looked at (RFC 3261 section 10.3 steps 1-3, plus
 * Palisade's transport rule), checked first by the registrar's flow at the edge and in the servlet alike.
 */
public final class RegisterAdmission {
    private RegisterAdmission() {
    }

    /** Why a REGISTER is refused before authentication: the status and reason phrase to answer with. */
    public record Refusal(int status, String reason) {
    }

    /**
     * @param to            the To URI's parts, or {@code null} when To is not a sip:/sips: URI
     * @param requestHost   the Request-URI's host, or {@code null} when it is not a sip:/sips: URI
     * @param servesDomain  whether a host is one of our domains
     */
    public static Optional<Refusal> check(Target to, String requestHost, String transport, String source,
                                          Predicate<String> servesDomain, TransportPolicy transports) {
        if (to == null || to.user() == null || to.user().isEmpty()) {
            return Optional.of(new Refusal(400, "Bad Request: To must be a sip: or sips: URI with a user part"));
        }
        if (requestHost == null || !servesDomain.test(requestHost) || !servesDomain.test(to.host())) {
            return Optional.of(new Refusal(404, "Not Found: domain not served here"));
        }
        if (!transports.allowsRegister(transport, source)) {
            return Optional.of(new Refusal(403, "Forbidden: REGISTER requires TLS"));
        }
        if (to.secure() && !TransportPolicy.isSecure(transport)) {
            return Optional.of(new Refusal(403, "Forbidden: sips: needs TLS"));
        }
        return Optional.empty();
    }

    /** The address-of-record a REGISTER names in To: user, host, and whether it is a sips: URI. */
    public record Target(String user, String host, boolean secure) {
    }
}
