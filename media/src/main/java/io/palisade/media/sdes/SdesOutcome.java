// Copyright (C) the Palisade authors. SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.media.sdes;

import java.util.List;
import java.util.Objects;

/** The result of an SDES offer/answer step: a value, never an exception. */
public sealed interface SdesOutcome {

    /** A crypto line the negotiation did not use, and why (never key material). */
    record Refusal(int tag, String reason) {
        @Override
        public String toString() {
            return (tag < 0 ? "line" : "tag " + tag) + ": " + reason;
        }
    }

    /**
     * SRTP agreed.
     *
     * @param remote the peer's attribute: the key it sends with (we receive with)
     * @param local our attribute: the key we send with; put {@code local.toSdpValue()} in the answer
     * @param refused lines passed over, for diagnostics
     */
    record Secure(CryptoAttribute remote, CryptoAttribute local, List<Refusal> refused) implements SdesOutcome {
        public Secure {
            Objects.requireNonNull(remote, "remote");
            Objects.requireNonNull(local, "local");
            refused = List.copyOf(refused);
        }
    }

    /** Plain RTP, which policy allows on this leg. */
    record Plain(List<Refusal> refused) implements SdesOutcome {
        public Plain {
            refused = List.copyOf(refused);
        }
    }

    /**
     * No acceptable media security: the call must fail closed.
     *
     * @param diagnostic names what each side offered or allowed; never key material
     */
    record Failed(String diagnostic) implements SdesOutcome {
        public Failed {
            Objects.requireNonNull(diagnostic, "diagnostic");
        }
    }
}
