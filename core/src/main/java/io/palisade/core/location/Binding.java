// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.core.location;

import java.time.Instant;
import java.util.Objects;

/**
 * One location-service binding: address-of-record to contact (RFC 3261 s.10.3), with the
 * Call-ID and CSeq that last refreshed it (step 7 ordering) and the flow it came on.
 *
 * @param contactUri canonical form, see {@link ContactUri#canonical(String)}
 * @param instanceId the {@code +sip.instance} value (RFC 5626 s.4.1) or null
 * @param userAgent the User-Agent header or null
 */
public record Binding(String aor, String contactUri, float q, Instant expiresAt, String callId, long cseq,
        Flow flow, String userAgent, String instanceId) {

    public Binding {
        Objects.requireNonNull(aor, "aor");
        Objects.requireNonNull(contactUri, "contactUri");
        Objects.requireNonNull(expiresAt, "expiresAt");
        Objects.requireNonNull(callId, "callId");
        Objects.requireNonNull(flow, "flow");
    }

    /** Seconds until expiry, rounded up (a live binding never reports 0), and 0 once expired. */
    public long remainingSeconds(Instant now) {
        long millis = expiresAt.toEpochMilli() - now.toEpochMilli();
        return millis <= 0 ? 0 : (millis + 999) / 1000;
    }

    /** Whether the binding is still valid at {@code now}. */
    public boolean isLive(Instant now) {
        return expiresAt.isAfter(now);
    }
}
