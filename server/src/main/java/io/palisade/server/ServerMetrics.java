// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.server;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.palisade.core.edge.SecurityEvent;
import io.palisade.core.edge.SecurityEvents;
import io.palisade.core.location.WriteBackRegistrationStore;
import io.palisade.media.relay.RelayEngine;

/**
 * The meters of the SIP edge and the media relay on the console's registry ({@code /metrics}), read when scraped:
 * failed digest logins and every other security event by kind, relayed packets and bytes, SRTP/SRTCP packets dropped
 * for a bad authentication tag or as replays, open relay sessions; with registration write-back, its failed writes and
 * the addresses-of-record waiting to be written.
 */
final class ServerMetrics {
    private ServerMetrics() {
    }

    /** @param location the write-back registration store, or null when registrations are written through */
    static void bind(MeterRegistry r, SecurityEvents events, RelayEngine relay, WriteBackRegistrationStore location) {
        FunctionCounter.builder("palisade.sip.auth.failures", events, e -> e.count(SecurityEvent.Kind.AUTH_FAILURE))
                .description("Failed SIP digest logins since start").register(r);
        for (SecurityEvent.Kind kind : SecurityEvent.Kind.values()) {
            FunctionCounter.builder("palisade.security.events", events, e -> e.count(kind)).tag("kind", kind.wireName())
                    .description("Security events since start, by kind").register(r);
        }
        FunctionCounter.builder("palisade.relay.packets", relay, e -> e.totals().packetsRelayed())
                .description("RTP/RTCP packets relayed to a peer since start").register(r);
        FunctionCounter.builder("palisade.relay.bytes", relay, e -> e.totals().bytesRelayed()).baseUnit("bytes")
                .description("Bytes relayed to a peer since start").register(r);
        FunctionCounter.builder("palisade.srtp.auth.failures", relay, e -> e.totals().authFailures())
                .description("SRTP/SRTCP packets dropped for a failed authentication tag since start").register(r);
        FunctionCounter.builder("palisade.srtp.replays", relay, e -> e.totals().replays())
                .description("SRTP/SRTCP packets dropped as replays since start").register(r);
        Gauge.builder("palisade.relay.sessions", relay, RelayEngine::sessionCount)
                .description("Open media relay sessions").register(r);
        if (location != null) {
            FunctionCounter.builder("palisade.registrations.write.failures", location,
                    WriteBackRegistrationStore::writeFailures)
                    .description("Background writes of registrations to the database that failed (each is retried)")
                    .register(r);
            Gauge.builder("palisade.registrations.write.pending", location,
                    WriteBackRegistrationStore::pendingAddresses)
                    .description("Addresses-of-record whose changes are not yet in the database").register(r);
        }
    }
}
