// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.core.subscriber;

/** A subscriber change was refused (duplicate, invalid input) or the store failed. */
public class SubscriberException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public SubscriberException(String message) {
        super(message);
    }

    public SubscriberException(String message, Throwable cause) {
        super(message, cause);
    }
}
