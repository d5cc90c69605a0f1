// Copyright (C) the Palisade authors. SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.media.relay;

/**
 * Counters of the whole relay since it started (closed sessions and open ones), for metrics: packets and bytes sent
 * on to a peer, and SRTP/SRTCP packets dropped because their authentication tag failed or they were replays.
 */
public record RelayTotals(long packetsRelayed, long bytesRelayed, long authFailures, long replays) {
    static final RelayTotals ZERO = new RelayTotals(0, 0, 0, 0);

    RelayTotals plus(LegStats s) {
        return new RelayTotals(packetsRelayed + s.packetsOut(), bytesRelayed + s.bytesOut(),
                authFailures + s.authFailures(), replays + s.replays());
    }

    RelayTotals plus(RelayTotals t) {
        return new RelayTotals(packetsRelayed + t.packetsRelayed, bytesRelayed + t.bytesRelayed,
                authFailures + t.authFailures, replays + t.replays);
    }
}
