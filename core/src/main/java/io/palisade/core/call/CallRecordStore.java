// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.core.call;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Storage of call detail records. A record is written when a call starts and completed when it ends. */
public interface CallRecordStore {
    void insert(CallRecord r);

    /** Replaces the record with the same id (answer, end). */
    void update(CallRecord r);

    Optional<CallRecord> find(String id);

    /** Calls not ended, oldest first. */
    List<CallRecord> active();

    /** The most recently started calls, newest first. */
    List<CallRecord> recent(int limit);

    /** Ends every record left open by a process that stopped without ending its calls; returns how many. */
    int endDangling(Instant at, String cause);

    int count();

    /** Records matching {@code q}, newest first, {@code limit} from {@code offset}. */
    List<CallRecord> search(CallQuery q, int offset, int limit);

    int count(CallQuery q);
}
