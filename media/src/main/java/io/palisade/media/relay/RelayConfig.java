// Copyright (C) the Palisade authors. SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.media.relay;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Objects;

/**
 * Relay settings, validated once.
 *
 * @param bindAddress address the media sockets bind to
 * @param publicAddress address advertised in SDP (the same as bind unless behind 1:1 NAT)
 * @param portMin first port of the range (RTP ports are even, RTCP = RTP + 1)
 * @param portMax last port of the range
 * @param ioThreads I/O threads; each owns the sessions it was given (2 per core is plenty)
 * @param mediaTimeout silence after which a session raises a media-timeout event
 * @param allowPlainRtp whether a leg may run plain RTP (legacy devices on trusted networks)
 * @param maxPacketSize largest datagram relayed
 */
public record RelayConfig(InetAddress bindAddress, InetAddress publicAddress, int portMin, int portMax, int ioThreads,
        Duration mediaTimeout, boolean allowPlainRtp, int maxPacketSize) {

    public RelayConfig {
        Objects.requireNonNull(bindAddress, "bindAddress");
        Objects.requireNonNull(publicAddress, "publicAddress");
        Objects.requireNonNull(mediaTimeout, "mediaTimeout");
        if (portMin < 1024 || portMax > 65535 || portMax - portMin < 3) {
            throw new IllegalArgumentException("media port range must lie in 1024..65535 and hold at least two pairs");
        }
        if (ioThreads < 1 || ioThreads > 64) {
            throw new IllegalArgumentException("ioThreads must be 1..64");
        }
        if (mediaTimeout.isNegative() || mediaTimeout.isZero()) {
            throw new IllegalArgumentException("mediaTimeout must be positive");
        }
        if (maxPacketSize < 200 || maxPacketSize > 65_507) {
            throw new IllegalArgumentException("maxPacketSize must be 200..65507");
        }
    }

    /** Loopback relay with the given port range: for tests and benchmarks. */
    public static RelayConfig loopback(int portMin, int portMax, int ioThreads, Duration timeout) {
        InetAddress lo = InetAddress.getLoopbackAddress();
        return new RelayConfig(lo, lo, portMin, portMax, ioThreads, timeout, true, 1500);
    }
}
