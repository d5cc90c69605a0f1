// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.core.edge;

import java.time.Instant;

/**
 * A banned source address. A ban that has run out (or was lifted: {@code until} moved to the lifting time) stays
 * on record for a while so a repeat offence gets a longer ban.
 *
 * @param offences how many times this address has been banned within the offence memory, this time included
 */
public record Ban(String address, String reason, Instant since, Instant until, int offences) {
    public boolean activeAt(Instant now) {
        return now.isBefore(until);
    }
}
