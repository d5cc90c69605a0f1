// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.sip;

import io.palisade.core.auth.AuthOutcome;
import io.palisade.core.auth.ChallengeReason;
import java.io.IOException;
import javax.servlet.sip.SipServletRequest;
import javax.servlet.sip.SipServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers a request with a digest challenge (RFC 3261 section 22): 401 + WWW-Authenticate from the registrar,
 * 407 + Proxy-Authenticate for calls. A failed attempt (wrong password, unknown user) is counted with the edge
 * before the answer leaves, so a client failing for the last time meets its ban at once.
 */
final class DigestChallenges {
    private static final Logger LOG = LoggerFactory.getLogger(DigestChallenges.class);

    private DigestChallenges() {
    }

    /** A wrong password or an unknown user: counted with the edge (bans) and logged, never with credentials. */
    static void failedAttempt(PalisadeSipServices services, AuthOutcome.Challenge c, String method, String source,
                              String transport) {
        services.edge().authFailed(source, c.attemptedUser().orElse(""), c.reason() == ChallengeReason.UNKNOWN_USER);
        LOG.info("{} refused: {} for user '{}' from {} over {}", method, c.reason(), c.attemptedUser().orElse("?"),
                source, transport);
    }

    static void send(SipServletRequest req, PalisadeSipServices services, AuthOutcome.Challenge c, boolean proxy)
            throws IOException {
        if (c.reason().isFailedAttempt()) {
            failedAttempt(services, c, req.getMethod(), req.getRemoteAddr(), req.getTransport());
        }
        SipServletResponse r = req.createResponse(proxy ? 407 : 401);
        try {
            ContainerMessages.addHeaders(r, proxy ? "Proxy-Authenticate" : "WWW-Authenticate", c.headerValues());
        } catch (java.text.ParseException | javax.sip.PeerUnavailableException e) {
            throw new IllegalStateException("challenge header did not parse", e);
        }
        try {
            r.send();
        } catch (IOException | RuntimeException e) {
            // the container could not send it (a Via transport it has no listening point for, a connection gone):
            // the request is dropped, as the sender's retransmission would be; nothing to unwind
            LOG.warn("could not challenge {} from {}: {}", req.getMethod(), req.getRemoteAddr(), e.getClass().getName());
        }
    }
}
