// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.core.location;

import java.time.Instant;
import java.util.List;

/**
 * Storage port of the location service (RFC 3261 s.10.3). Implementations throw
 * {@link RegistrationStoreException} when the store fails.
 */
public interface RegistrationStore {

    /** All stored bindings of {@code aor}, expired ones included. */
    List<Binding> findByAor(String aor);

    /** Inserts or replaces {@code upserts} and deletes {@code removedContactUris}, in one transaction. */
    void apply(String aor, List<Binding> upserts, List<String> removedContactUris);

    void removeAll(String aor);

    /** Deletes bindings with {@code expiresAt <= now}; returns how many. */
    int deleteExpired(Instant now);

    /** Bindings ordered by address-of-record and contact. */
    List<Binding> listAll(int offset, int limit);

    int count();
}
