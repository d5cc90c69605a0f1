// Copyright (C) the Palisade authors. SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.media.relay;

import java.net.InetSocketAddress;

/**
 * Counters of one leg, as seen by the relay: packets received from this leg's peer ({@code In}),
 * sent to it ({@code Out}), drops by cause, and the loss and jitter the peer reported in its last
 * RTCP receiver report block (RFC 3550 6.4.1; jitter in timestamp units, -1 before any report).
 *
 * @param rtcpIn authenticated RTCP packets received from this leg's peer (counted in packetsIn too)
 * @param reports SR/RR packets with a report block read from this leg's peer
 */
public record LegStats(long packetsIn, long bytesIn, long packetsOut, long bytesOut, long authFailures, long replays,
        long invalid, long notReady, long foreignSource, long sendFailures, int fractionLost, int cumulativeLost,
        long jitter, InetSocketAddress latchedRtp, long rtcpIn, long reports) {
}
