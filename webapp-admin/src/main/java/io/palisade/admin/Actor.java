// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.admin;

import io.palisade.core.admin.AdminRole;
import java.security.Principal;

/**
 * Who is acting, as the audit log records it: {@code admin:NAME} for a console session or {@code token:ID} for an
 * API token, with the role that decides what is allowed and the client address.
 */
public record Actor(String name, AdminRole role, String source) implements Principal {

    @Override
    public String getName() {
        return name;
    }

    public boolean has(AdminRole required) {
        return role.covers(required);
    }
}
