// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.core.location;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Storage port of the location service (RFC 3261 s.10.3). Implementations throw
 * {@link RegistrationStoreException} when the store fails.
 */
public interface RegistrationStore {

    /** All stored bindings of {@code aor}, expired ones included. */
    List<Binding> findByAor(String aor);

    /** Inserts or replaces {@code upserts} and deletes {@code removedContactUris}, in one transaction. */
    void apply(String aor, List<Binding> upserts, List<String> removedContactUris);

    /**
     * Applies the changes of several addresses-of-record. Stores that can should do it in one transaction (a group
     * commit); this default applies them one by one, so a failure may leave the first ones applied.
     */
    default void applyAll(List<Change> changes) {
        for (Change c : changes) {
            apply(c.aor(), c.upserts(), c.removedContactUris());
        }
    }

    void removeAll(String aor);

    /** Deletes bindings with {@code expiresAt <= now}; returns how many. */
    int deleteExpired(Instant now);

    /** Bindings ordered by address-of-record and contact. */
    List<Binding> listAll(int offset, int limit);

    int count();

    /** The arguments of one {@link #apply} call, for {@link #applyAll}. */
    record Change(String aor, List<Binding> upserts, List<String> removedContactUris) {
        public Change {
            Objects.requireNonNull(aor, "aor");
            upserts = List.copyOf(upserts);
            removedContactUris = List.copyOf(removedContactUris);
        }
    }
}
