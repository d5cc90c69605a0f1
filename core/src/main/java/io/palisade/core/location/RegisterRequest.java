// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.core.location;

import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * The parts of a REGISTER the registrar decides on (RFC 3261 s.10.3).
 *
 * @param aor the address-of-record from the To header, as canonicalised by the caller
 * @param toUser the user part of the To URI
 * @param authenticatedUser the user that passed digest authentication
 * @param wildcard whether the request carries {@code Contact: *}
 * @param contacts the other Contact values (empty for a query or a wildcard)
 * @param expiresHeader the Expires header, if present
 */
public record RegisterRequest(String aor, String toUser, String authenticatedUser, boolean wildcard,
        List<ContactSpec> contacts, OptionalInt expiresHeader, String callId, long cseq, Flow flow,
        String userAgent) {

    public RegisterRequest {
        Objects.requireNonNull(aor, "aor");
        Objects.requireNonNull(expiresHeader, "expiresHeader");
        Objects.requireNonNull(callId, "callId");
        Objects.requireNonNull(flow, "flow");
        contacts = List.copyOf(contacts);
    }
}
