// Copyright (C) the Palisade authors. SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.media.relay;

import java.net.InetSocketAddress;
import java.util.List;

/**
 * What the peer's SDP says about one audio stream: where it listens, whether it uses rtcp-mux
 * (RFC 5761), whether the profile is RTP/SAVP, and its {@code a=crypto} attribute values.
 *
 * @param rtp RTP address from c= and m=, or null if unknown (then latching finds it)
 * @param rtcp RTCP address (a=rtcp or port + 1); ignored with rtcp-mux
 */
public record RemoteMedia(InetSocketAddress rtp, InetSocketAddress rtcp, boolean rtcpMux, boolean secureProfile,
        List<String> cryptoLines) {

    public RemoteMedia {
        cryptoLines = List.copyOf(cryptoLines);
    }

    /** RTCP on the RTP port + 1 (RFC 3550 11), or multiplexed. */
    public static RemoteMedia of(InetSocketAddress rtp, boolean rtcpMux, boolean secureProfile, List<String> crypto) {
        InetSocketAddress rtcp = rtp == null || rtcpMux ? null : new InetSocketAddress(rtp.getAddress(), rtp.getPort() + 1);
        return new RemoteMedia(rtp, rtcp, rtcpMux, secureProfile, crypto);
    }
}
