// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.core.admin;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Storage port for API tokens (hashed). */
public interface ApiTokenStore {

    Optional<ApiToken> find(String id);

    /** Newest first. */
    List<ApiToken> list();

    void create(ApiToken token);

    /** @return false when the token does not exist or was already revoked */
    boolean revoke(String id, Instant at);

    void touch(String id, Instant at);
}
