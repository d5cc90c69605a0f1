// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.core.edge;

import io.palisade.core.net.NetworkList;
import java.util.Map;

/** Per-user access lists: the networks a user may register and call from. A user without a list may use any. */
public interface UserNetworkStore {
    /** Every user that has a list, with the list. */
    Map<String, NetworkList> all();

    NetworkList of(String username);

    /** Replaces the user's list; an empty list lifts the restriction. */
    void set(String username, NetworkList networks);
}
