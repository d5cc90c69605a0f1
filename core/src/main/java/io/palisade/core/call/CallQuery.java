// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.core.call;

import java.time.Instant;
import java.util.Optional;

/**
 * A filter over call records: calls started in {@code [from, to)}, where {@code party} is the caller or the callee
 * (exact user name, case-insensitive), and whose end cause contains {@code cause} (case-insensitive). Empty parts
 * do not filter.
 */
public record CallQuery(Optional<Instant> from, Optional<Instant> to, Optional<String> party, Optional<String> cause) {
    public static final CallQuery ALL = new CallQuery(Optional.empty(), Optional.empty(), Optional.empty(),
            Optional.empty());

    public CallQuery {
        from = from == null ? Optional.empty() : from;
        to = to == null ? Optional.empty() : to;
        party = party == null ? Optional.empty() : party.map(String::strip).filter(s -> !s.isEmpty());
        cause = cause == null ? Optional.empty() : cause.map(String::strip).filter(s -> !s.isEmpty());
    }
}
