// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.core.config;

import java.time.Duration;
import java.util.Optional;

/**
 * The admin console's listener and sessions.
 *
 * @param initialPassword the initial administrator's password on a fresh database (it must still be changed at
 *                        first sign-in); empty means generate one and print it once
 * @param sessionIdle     a session unused this long ends
 * @param sessionMaxAge   a session ends this long after sign-in, used or not
 */
public record AdminConfig(boolean enabled, String address, int port, Optional<String> initialPassword,
        Duration sessionIdle, Duration sessionMaxAge) {

    @Override
    public String toString() {
        return "AdminConfig[enabled=" + enabled + ", address=" + address + ", port=" + port + ", initialPassword="
                + initialPassword.map(p -> "****") + ", sessionIdle=" + sessionIdle + ", sessionMaxAge=" + sessionMaxAge
                + "]";
    }
}
