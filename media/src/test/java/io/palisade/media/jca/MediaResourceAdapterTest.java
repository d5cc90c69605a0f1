// Copyright (C) the Palisade authors. SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.media.jca;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.palisade.media.relay.RelaySession;
import io.palisade.media.sdes.SdesConfig;
import jakarta.resource.ResourceException;
import org.junit.jupiter.api.Test;

/** The JCA wrapper without a container: the path a connector deployment follows. */
class MediaResourceAdapterTest {
    @Test
    void adapterConnectionFactoryConnectionSessionAndStopReleasesPorts() throws Exception {
        MediaResourceAdapter ra = new MediaResourceAdapter();
        ra.setBindAddress("127.0.0.1");
        ra.setPortMin(32000);
        ra.setPortMax(32019);
        ra.setIoThreads(1);
        ra.start(null);
        MediaManagedConnectionFactory mcf = new MediaManagedConnectionFactory();
        mcf.setResourceAdapter(ra);
        MediaConnectionFactory cf = (MediaConnectionFactory) mcf.createConnectionFactory();
        RelaySession s;
        try (MediaConnection c = cf.getConnection()) {
            s = c.openSession(SdesConfig.DEFAULT, SdesConfig.DEFAULT);
            assertTrue(s.a().localRtp().getPort() >= 32000 && s.a().localRtp().getPort() <= 32019);
            assertEquals(0, s.a().localRtp().getPort() % 2);
        }
        ra.stop();
        assertTrue(s.isClosed(), "stopping the adapter ends its sessions");
        new java.net.DatagramSocket(s.a().localRtp()).close();
        assertThrows(ResourceException.class, cf::getConnection);
    }
}
