// Copyright (C) the Palisade authors. SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.media;

import io.palisade.media.relay.MediaEventListener;
import io.palisade.media.relay.RelayConfig;
import io.palisade.media.relay.RelayEngine;
import io.palisade.media.relay.RelaySession;
import io.palisade.media.sdes.SdesConfig;
import java.io.IOException;

/**
 * The plain-Java entry point of the media adapter, for the embedded server (no JCA container):
 * {@code MediaService.start(config, listener)}, then {@link #openSession} per call, and
 * {@link #close()} at shutdown. The JCA wrapper in {@code io.palisade.media.jca} delegates here.
 */
public final class MediaService implements AutoCloseable {
    private final RelayEngine engine;

    private MediaService(RelayEngine engine) {
        this.engine = engine;
    }

    public static MediaService start(RelayConfig config, MediaEventListener listener) throws IOException {
        return new MediaService(RelayEngine.start(config, listener));
    }

    /** A relay session for one call: leg A toward the caller, leg B toward the callee, each with its own policy. */
    public RelaySession openSession(SdesConfig legA, SdesConfig legB) throws IOException {
        return engine.openSession(legA, legB);
    }

    public RelayEngine engine() {
        return engine;
    }

    @Override
    public void close() {
        engine.close();
    }
}
