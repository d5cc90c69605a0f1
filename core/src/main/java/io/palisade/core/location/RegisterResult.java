// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.core.location;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/** The registrar's answer to a REGISTER (RFC 3261 s.10.3). */
public sealed interface RegisterResult {

    /**
     * 200 OK; {@code current} holds all live bindings after the change, highest q first, for
     * the Contact list with each one's remaining expires (step 8).
     */
    record Ok(List<Binding> current) implements RegisterResult {
        public Ok {
            current = List.copyOf(current);
        }
    }

    /** A failure response, with extra headers such as {@code Min-Expires} for 423. */
    record Refused(int status, String reason, Map<String, String> headers) implements RegisterResult {
        public Refused {
            Objects.requireNonNull(reason, "reason");
            headers = Map.copyOf(headers);
        }
    }
}
