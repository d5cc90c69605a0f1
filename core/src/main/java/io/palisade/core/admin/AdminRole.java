// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.core.admin;

import java.util.Locale;
import java.util.Optional;

/**
 * What an admin may do. Administrators do everything; operators manage users and registrations (and calls once
 * they exist); auditors read.
 */
public enum AdminRole {
    ADMINISTRATOR, OPERATOR, AUDITOR;

    /** May change subscribers and registrations. */
    public boolean canOperate() {
        return this != AUDITOR;
    }

    /** May manage admin accounts, API tokens and settings. */
    public boolean canAdminister() {
        return this == ADMINISTRATOR;
    }

    /** Whether this role includes everything {@code other} may do. */
    public boolean covers(AdminRole other) {
        return ordinal() <= other.ordinal();
    }

    public String token() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<AdminRole> fromToken(String s) {
        if (s == null) {
            return Optional.empty();
        }
        for (AdminRole r : values()) {
            if (r.name().equalsIgnoreCase(s.strip())) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }
}
