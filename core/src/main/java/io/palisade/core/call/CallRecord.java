// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.core.call;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One call detail record: who called whom, when it started, was answered and ended, why it ended, the transport
 * and SRTP suite of each leg (A = caller, B = callee) and the relay's packet counters per leg.
 *
 * @param cause how the call ended, e.g. {@code caller BYE}, {@code 486}, {@code media timeout}; empty while active
 * @param aSuite the SRTP suite on the caller's leg, {@code RTP} for plain media, empty before the answer
 */
public record CallRecord(String id, String caller, String callee, Instant startedAt, Optional<Instant> answeredAt,
        Optional<Instant> endedAt, String cause, String aTransport, String bTransport, String aSuite, String bSuite,
        long aPacketsIn, long aPacketsOut, long bPacketsIn, long bPacketsOut) {

    public CallRecord {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(caller, "caller");
        Objects.requireNonNull(callee, "callee");
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(answeredAt, "answeredAt");
        Objects.requireNonNull(endedAt, "endedAt");
        cause = cause == null ? "" : cause;
        aTransport = aTransport == null ? "" : aTransport;
        bTransport = bTransport == null ? "" : bTransport;
        aSuite = aSuite == null ? "" : aSuite;
        bSuite = bSuite == null ? "" : bSuite;
    }

    public boolean isActive() {
        return endedAt.isEmpty();
    }
}
