// Copyright (C) the Palisade authors. SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.media.sdes;

import java.util.Objects;

/** The result of parsing one {@code a=crypto} line: a value, never an exception. */
public sealed interface CryptoParse {

    /** A well-formed attribute. */
    record Ok(CryptoAttribute value) implements CryptoParse {
        public Ok {
            Objects.requireNonNull(value, "value");
        }
    }

    /**
     * A line that cannot be used.
     *
     * @param tag the line's tag when it could be read, else -1
     * @param reason names the fault; never contains key material
     */
    record Malformed(int tag, String reason) implements CryptoParse {
        public Malformed {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
