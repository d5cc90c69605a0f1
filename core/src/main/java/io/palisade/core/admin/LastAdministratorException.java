// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.core.admin;

/** Refused because it would leave no enabled administrator (nobody could manage accounts, tokens or settings). */
public final class LastAdministratorException extends AdminException {
    private static final long serialVersionUID = 1L;

    public LastAdministratorException(String field, String message) {
        super(field, message);
    }
}
