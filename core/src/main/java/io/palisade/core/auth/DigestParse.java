// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.core.auth;

import java.util.Objects;

/** The result of {@link DigestResponse#parse(String)}: a value, never an exception. */
public sealed interface DigestParse {

    /** A syntactically valid Digest credential with all required parameters. */
    record Ok(DigestResponse value) implements DigestParse {
        public Ok {
            Objects.requireNonNull(value, "value");
        }
    }

    /**
     * A value that cannot be used.
     *
     * @param reason names the fault and parameter (e.g. {@code missing nonce}); never
     *     contains a parameter value
     */
    record Malformed(String reason) implements DigestParse {
        public Malformed {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
