// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.core.admin;

import java.time.Instant;

/**
 * One entry of the audit log: who did what to which object, when, from where, and whether it was allowed.
 *
 * @param actor   {@code admin:NAME} for a console session, {@code token:ID} for an API token, {@code system}
 * @param target  what was acted on (a user name, an address of record, a token id), never a secret; may be null
 * @param outcome {@code ok}, {@code denied} or {@code failed}
 */
public record AuditEvent(long id, Instant occurredAt, String actor, String action, String target, String sourceAddress,
        String outcome) {
}
