// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.core.edge;

import java.util.OptionalInt;

/** What the edge decided about one request. */
public sealed interface Verdict {
    Verdict PASS = new Pass();

    /** Let the request through to the SIP stack. */
    record Pass() implements Verdict {
    }

    /** Answer with this status and reason phrase (and Retry-After when present), then forget the request. */
    record Reject(int status, String reason, OptionalInt retryAfter) implements Verdict {
        public Reject(int status, String reason) {
            this(status, reason, OptionalInt.empty());
        }
    }

    /** Say nothing: the source is banned, a scanner, or already told to slow down. */
    record Drop(String why) implements Verdict {
    }
}
