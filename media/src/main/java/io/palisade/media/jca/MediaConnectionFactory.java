// Copyright (C) the Palisade authors. SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.media.jca;

import jakarta.resource.Referenceable;
import jakarta.resource.ResourceException;
import java.io.Serializable;

/** What the SIP application looks up (JNDI or injection): hands out {@link MediaConnection}s. */
public interface MediaConnectionFactory extends Serializable, Referenceable {
    MediaConnection getConnection() throws ResourceException;
}
