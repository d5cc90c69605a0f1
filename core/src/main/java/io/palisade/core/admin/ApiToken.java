// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.core.admin;

import java.time.Instant;
import java.util.Objects;

/**
 * A bearer token for {@code /api/v1} as stored: an id, a name, a role and the SHA-256 of its secret. The secret
 * itself exists only in the {@link IssuedToken} returned once at creation.
 */
public record ApiToken(String id, String name, AdminRole role, String secretHash, String createdBy, Instant createdAt,
        Instant expiresAt, Instant revokedAt, Instant lastUsedAt) {

    public ApiToken {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(role, "role");
    }

    public boolean usableAt(Instant now) {
        return revokedAt == null && (expiresAt == null || expiresAt.isAfter(now));
    }

    @Override
    public String toString() {
        return "ApiToken[id=" + id + ", name=" + name + ", role=" + role + ", secretHash=***, createdBy=" + createdBy
                + ", revoked=" + (revokedAt != null) + "]";
    }

    /** A token just created: {@code value} is what the caller sends as {@code Authorization: Bearer ...}. */
    public record IssuedToken(ApiToken token, String value) {
        @Override
        public String toString() {
            return "IssuedToken[" + token + ", value=***]";
        }
    }
}
