// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.core.auth;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** The decision of {@link DigestAuthenticator#authenticate(String, List)}. */
public sealed interface AuthOutcome {

    /** The request carries valid credentials of {@code username}. */
    record Authenticated(String username, DigestAlgorithm algorithm) implements AuthOutcome {
        public Authenticated {
            Objects.requireNonNull(username, "username");
            Objects.requireNonNull(algorithm, "algorithm");
        }
    }

    /**
     * Answer 401 (WWW-Authenticate) or 407 (Proxy-Authenticate) with one header per value
     * (RFC 3261 s.22.1, RFC 8760 s.2.4).
     *
     * @param attemptedUser the username the client claimed, when it sent one
     */
    record Challenge(List<String> headerValues, ChallengeReason reason, Optional<String> attemptedUser)
            implements AuthOutcome {
        public Challenge {
            headerValues = List.copyOf(headerValues);
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(attemptedUser, "attemptedUser");
        }
    }

    /**
     * Answer with {@code statusCode} (400) and {@code reasonPhrase}, which names the fault
     * but never a credential value.
     */
    record Rejected(int statusCode, String reasonPhrase) implements AuthOutcome {
        public Rejected {
            Objects.requireNonNull(reasonPhrase, "reasonPhrase");
        }
    }
}
