// Copyright (C) the Palisade authors. SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.media.jca;

import jakarta.resource.ResourceException;
import jakarta.resource.spi.ConnectionManager;
import jakarta.resource.spi.ConnectionRequestInfo;
import jakarta.resource.spi.ManagedConnection;
import jakarta.resource.spi.ManagedConnectionFactory;
import javax.naming.Reference;
import javax.security.auth.Subject;

/** The connection factory bound in JNDI; without a container it uses a trivial connection manager. */
final class MediaConnectionFactoryImpl implements MediaConnectionFactory {
    private static final long serialVersionUID = 1L;
    private final transient MediaManagedConnectionFactory mcf;
    private final transient ConnectionManager cm;
    private Reference reference;

    MediaConnectionFactoryImpl(MediaManagedConnectionFactory mcf, ConnectionManager cm) {
        this.mcf = mcf;
        this.cm = cm != null ? cm : new ConnectionManager() {
            private static final long serialVersionUID = 1L;

            @Override
            public Object allocateConnection(ManagedConnectionFactory f, ConnectionRequestInfo info) throws ResourceException {
                ManagedConnection mc = f.createManagedConnection((Subject) null, info);
                return mc.getConnection(null, info);
            }
        };
    }

    @Override
    public MediaConnection getConnection() throws ResourceException {
        return (MediaConnection) cm.allocateConnection(mcf, null);
    }

    @Override
    public void setReference(Reference r) {
        reference = r;
    }

    @Override
    public Reference getReference() {
        return reference;
    }
}
