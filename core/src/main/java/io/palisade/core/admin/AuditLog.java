// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.core.admin;

import java.util.List;

/** The append-only audit log of admin actions. */
public interface AuditLog {

    void record(String actor, String action, String target, String sourceAddress, String outcome);

    /** Newest first. */
    List<AuditEvent> list(int offset, int limit);

    int count();
}
