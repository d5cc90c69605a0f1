package io.palisade.core.config;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Where the media relay listens (the B2BUA anchors every call's media there).
 *
 * @param address address the relay's sockets bind to; empty means the SIP listening address
 * @param publicAddress address written into SDP; empty means the bind address (or the host's address when that is
 *                      the wildcard)
 * @param portMin first UDP port of the range (RTP even, RTCP = RTP + 1)
 * @param portMax last UDP port of the range
 * @param timeout silence in both directions after which a call is ended
 */
public record MediaSettings(Optional<String> address, Optional<String> publicAddress, int portMin, int portMax,
        Duration timeout) {
    public MediaSettings {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(publicAddress, "publicAddress");
        Objects.requireNonNull(timeout, "timeout");
    }
}
