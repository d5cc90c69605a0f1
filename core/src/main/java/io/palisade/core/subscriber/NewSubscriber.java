// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.core.subscriber;

/**
 * A subscriber to create. The password is a {@code char[]} so that it can be zeroed:
 * {@link SubscriberDirectory#add} and {@link SubscriberDirectory#importAll} zero it after
 * computing the HA1 values. {@link #toString()} masks it.
 *
 * @param displayName may be null
 */
public record NewSubscriber(String username, char[] password, String displayName) {

    @Override
    public String toString() {
        return "NewSubscriber[username=" + username + ", password=***, displayName=" + displayName + "]";
    }
}
