// Copyright (C) the Palisade authors. SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.media.relay;

/** Events the SIP side acts on. Called from one event thread, never from an I/O thread. */
public interface MediaEventListener {
    /** No media in either direction for the configured time: end the call. */
    void mediaTimeout(String sessionId);

    MediaEventListener NONE = id -> { };
}
