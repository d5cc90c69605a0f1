// Copyright (C) the Palisade authors. SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.media.jca;

import jakarta.resource.ResourceException;
import jakarta.resource.spi.ConnectionManager;
import jakarta.resource.spi.ConnectionRequestInfo;
import jakarta.resource.spi.ManagedConnection;
import jakarta.resource.spi.ManagedConnectionFactory;
import jakarta.resource.spi.ResourceAdapter;
import jakarta.resource.spi.ResourceAdapterAssociation;
import java.io.PrintWriter;
import java.util.Set;
import javax.security.auth.Subject;

/** Creates managed connections onto the adapter's relay. */
public class MediaManagedConnectionFactory implements ManagedConnectionFactory, ResourceAdapterAssociation {
    private static final long serialVersionUID = 1L;
    private transient MediaResourceAdapter adapter;
    private transient PrintWriter logWriter;

    @Override
    public Object createConnectionFactory(ConnectionManager cm) {
        return new MediaConnectionFactoryImpl(this, cm);
    }

    @Override
    public Object createConnectionFactory() {
        return new MediaConnectionFactoryImpl(this, null);
    }

    @Override
    public ManagedConnection createManagedConnection(Subject subject, ConnectionRequestInfo info) throws ResourceException {
        if (adapter == null) {
            throw new ResourceException("not associated with a MediaResourceAdapter");
        }
        return new MediaManagedConnection(adapter);
    }

    @Override
    @SuppressWarnings("rawtypes")
    public ManagedConnection matchManagedConnections(Set set, Subject subject, ConnectionRequestInfo info) {
        for (Object o : set) {
            if (o instanceof MediaManagedConnection m) {
                return m; // connections are stateless handles onto one relay: any will do
            }
        }
        return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
        logWriter = out;
    }

    @Override
    public PrintWriter getLogWriter() {
        return logWriter;
    }

    @Override
    public ResourceAdapter getResourceAdapter() {
        return adapter;
    }

    @Override
    public void setResourceAdapter(ResourceAdapter ra) throws ResourceException {
        if (!(ra instanceof MediaResourceAdapter m)) {
            throw new ResourceException("expected a MediaResourceAdapter");
        }
        adapter = m;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MediaManagedConnectionFactory f && f.adapter == adapter;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(adapter);
    }
}
