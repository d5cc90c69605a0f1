// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.core.admin;

import java.time.Instant;
import java.util.Objects;

/**
 * An admin console account as stored. {@code passwordHash} is an Argon2id PHC string; {@link #toString()} masks it.
 *
 * @param mustChangePassword set for the initial account and after a reset: the console allows nothing but a
 *                           password change until it is cleared
 */
public record AdminAccount(String username, AdminRole role, String passwordHash, boolean mustChangePassword,
        boolean enabled, Instant createdAt, Instant passwordChangedAt) {

    public AdminAccount {
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(passwordHash, "passwordHash");
    }

    @Override
    public String toString() {
        return "AdminAccount[username=" + username + ", role=" + role + ", passwordHash=***, mustChangePassword="
                + mustChangePassword + ", enabled=" + enabled + "]";
    }
}
