// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.core.subscriber;

import io.palisade.core.auth.Ha1Lookup;
import java.util.List;
import java.util.Optional;

/**
 * The subscribers of one realm (storage port; {@code Jdbc*} and later {@code Ldap*}
 * implementations). Passwords go in as {@code char[]}, are hashed into HA1 values for every
 * supported digest algorithm (RFC 7616 s.3.4.2) and are zeroed; they are never stored.
 */
public interface SubscriberDirectory {

    Optional<Subscriber> find(String username);

    /** Subscribers ordered by user name. */
    List<Subscriber> list(int offset, int limit);

    int count();

    /**
     * Subscribers whose user name or display name contains {@code query} (case-insensitive), ordered by user name.
     * A blank query matches everyone.
     */
    List<Subscriber> search(String query, int offset, int limit);

    /** How many subscribers {@link #search} would return without paging. */
    int countMatching(String query);

    /**
     * @param displayName the new display name, or null to clear it
     * @return false when the user does not exist
     * @throws SubscriberException when the display name is too long
     */
    boolean setDisplayName(String username, String displayName);

    /**
     * Creates a subscriber, enabled.
     *
     * @throws SubscriberException on a duplicate or invalid user name or an empty password
     */
    void add(NewSubscriber s);

    /** @return false when the user does not exist */
    boolean setEnabled(String username, boolean enabled);

    /**
     * @return false when the user does not exist
     * @throws SubscriberException on an empty password
     */
    boolean setPassword(String username, char[] password);

    /** @return false when the user did not exist */
    boolean remove(String username);

    /**
     * Creates all subscribers in one transaction: when any entry is invalid or already
     * exists, nothing is written and the exception names the entry (1-based) and user.
     *
     * @return the number of subscribers created
     */
    int importAll(List<NewSubscriber> all);

    /** The realm the HA1 values are computed for. */
    String realm();

    /** HA1 values of enabled subscribers, for {@link io.palisade.core.auth.DigestAuthenticator}. */
    default Ha1Lookup asHa1Lookup() {
        return (username, algorithm) -> {
            if (username == null || UsernamePolicy.problem(username).isPresent()) {
                return Optional.empty(); // cannot exist; spares a query per garbage name
            }
            return find(username).filter(Subscriber::enabled).flatMap(s -> s.ha1(algorithm));
        };
    }
}
