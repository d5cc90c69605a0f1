// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.core.location;

import java.util.Locale;
import java.util.Objects;

/**
 * The connection a registration arrived on: transport plus both ends, so requests can be
 * sent back over the same flow (ideas of RFC 5626 s.3 and RFC 5923).
 *
 * @param transport upper case: {@code TLS}, {@code TCP} or {@code UDP} (normalised here)
 */
public record Flow(String transport, String remoteAddress, int remotePort, String localAddress, int localPort) {

    public Flow {
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(remoteAddress, "remoteAddress");
        Objects.requireNonNull(localAddress, "localAddress");
        transport = transport.toUpperCase(Locale.ROOT);
        if (remotePort < 0 || remotePort > 65535 || localPort < 0 || localPort > 65535) {
            throw new IllegalArgumentException("port out of range");
        }
    }
}
