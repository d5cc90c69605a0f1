// Copyright (C) the Palisade authors. SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.media.jca;

import io.palisade.media.MediaService;
import io.palisade.media.relay.RelaySession;
import io.palisade.media.sdes.SdesConfig;
import jakarta.resource.ResourceException;
import java.io.IOException;

/** Connection handle: delegates to the running {@link MediaService}. */
final class MediaConnectionImpl implements MediaConnection {
    private final MediaManagedConnection owner;
    private final MediaService service;
    private volatile boolean closed;

    MediaConnectionImpl(MediaManagedConnection owner, MediaService service) {
        this.owner = owner;
        this.service = service;
    }

    @Override
    public RelaySession openSession(SdesConfig legA, SdesConfig legB) throws ResourceException {
        if (closed) {
            throw new ResourceException("connection closed");
        }
        try {
            return service.openSession(legA, legB);
        } catch (IOException e) {
            throw new ResourceException("no media session: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            owner.handleClosed(this);
        }
    }
}
