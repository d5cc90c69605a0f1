// Copyright (C) the Palisade authors. SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.media.jca;

import io.palisade.media.relay.RelaySession;
import io.palisade.media.sdes.SdesConfig;
import jakarta.resource.ResourceException;

/**
 * A connection to the media adapter. Sessions outlive the connection (a call spans many SIP
 * transactions): close the connection after use, close the session on hang-up.
 * Offer/answer go through the legs: {@code session.a().answerOffer(...)},
 * {@code session.b().createOffer()}, {@code session.b().acceptAnswer(...)}.
 */
public interface MediaConnection extends AutoCloseable {
    RelaySession openSession(SdesConfig legA, SdesConfig legB) throws ResourceException;

    @Override
    void close() throws ResourceException;
}
