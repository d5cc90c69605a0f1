// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.core.edge;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Storage of bans and of the failed-login counters that lead to them, so both survive a restart. */
public interface BanStore {
    /** Every ban on record, active or not. */
    List<Ban> all();

    Optional<Ban> find(String address);

    /** Inserts or replaces the ban of {@code ban.address()}. */
    void save(Ban ban);

    /** Forgets bans that ended before {@code cutoff}. */
    int forgetEndedBefore(Instant cutoff);

    List<FailureWindow> failureWindows();

    /** Replaces the stored counters with these (the live ones; stale windows are simply absent). */
    void saveFailureWindows(List<FailureWindow> windows);

    /** Failed-login count for one subject ({@code a:ADDRESS} or {@code u:USER}) since {@code start}. */
    record FailureWindow(String subject, Instant start, int failures) {
    }
}
