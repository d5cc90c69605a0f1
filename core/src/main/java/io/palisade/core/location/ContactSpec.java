// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.core.location;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One Contact of a REGISTER (RFC 3261 s.10.2.1): URI and its {@code expires}, {@code q} and
 * {@code +sip.instance} parameters.
 */
public record ContactSpec(String uri, OptionalInt expires, Optional<Float> q, Optional<String> instanceId) {

    public ContactSpec {
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(expires, "expires");
        Objects.requireNonNull(q, "q");
        Objects.requireNonNull(instanceId, "instanceId");
    }

    /** A contact with no parameters. */
    public static ContactSpec of(String uri) {
        return new ContactSpec(uri, OptionalInt.empty(), Optional.empty(), Optional.empty());
    }
}
