// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.core.location;

/** The registration store failed (database unavailable, ...). Answer 500; the client retries. */
public class RegistrationStoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public RegistrationStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
