// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.core.admin;

/** A refused admin operation (the message says why and never holds a secret) or a failing admin store. */
public class AdminException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String field;

    public AdminException(String message) {
        this(null, message);
    }

    /** @param field the input that was wrong (e.g. {@code newPassword}), or null */
    public AdminException(String field, String message) {
        super(message);
        this.field = field;
    }

    public AdminException(String message, Throwable cause) {
        super(message, cause);
        this.field = null;
    }

    /** The input that was wrong, or null. */
    public String field() {
        return field;
    }
}
