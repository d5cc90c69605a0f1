// Copyright (C) the Palisade authors. SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.media.jca;

import io.palisade.media.MediaService;
import io.palisade.media.relay.MediaEventListener;
import io.palisade.media.relay.RelayConfig;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.ActivationSpec;
import jakarta.resource.spi.BootstrapContext;
import jakarta.resource.spi.ResourceAdapter;
import jakarta.resource.spi.ResourceAdapterInternalException;
import jakarta.resource.spi.endpoint.MessageEndpointFactory;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Objects;
import javax.transaction.xa.XAResource;

/**
 * The JCA resource adapter (Jakarta Connectors 2.1): starts the relay with the properties from
 * {@code ra.xml} (or the deployment's overrides) and stops it, releasing every port.
 */
public class MediaResourceAdapter implements ResourceAdapter {
    private String bindAddress = "0.0.0.0";
    private String publicAddress = "";
    private Integer portMin = 20000;
    private Integer portMax = 29999;
    private Integer ioThreads = Math.max(1, Runtime.getRuntime().availableProcessors());
    private Integer mediaTimeoutSeconds = 60;
    private Boolean allowPlainRtp = Boolean.FALSE;
    private transient volatile MediaService service;
    private transient volatile MediaEventListener listener = MediaEventListener.NONE;

    @Override
    public void start(BootstrapContext ctx) throws ResourceAdapterInternalException {
        try {
            InetAddress bind = InetAddress.getByName(bindAddress);
            InetAddress pub = publicAddress == null || publicAddress.isBlank() ? bind : InetAddress.getByName(publicAddress);
            service = MediaService.start(new RelayConfig(bind, pub, portMin, portMax, ioThreads,
                    Duration.ofSeconds(mediaTimeoutSeconds), allowPlainRtp, 1500), id -> listener.mediaTimeout(id));
        } catch (IOException | IllegalArgumentException e) {
            throw new ResourceAdapterInternalException("media adapter did not start: " + e.getMessage(), e);
        }
    }

    @Override
    public void stop() {
        MediaService s = service;
        service = null;
        if (s != null) {
            s.close();
        }
    }

    MediaService service() throws ResourceException {
        MediaService s = service;
        if (s == null) {
            throw new ResourceException("media adapter is not started");
        }
        return s;
    }

    /** Where media-timeout events go (the SIP application registers itself). */
    public void setMediaEventListener(MediaEventListener l) {
        listener = Objects.requireNonNull(l, "listener");
    }

    @Override
    public void endpointActivation(MessageEndpointFactory f, ActivationSpec spec) throws ResourceException {
        throw new jakarta.resource.NotSupportedException("no inbound message endpoints");
    }

    @Override
    public void endpointDeactivation(MessageEndpointFactory f, ActivationSpec spec) {
        // none
    }

    @Override
    public XAResource[] getXAResources(ActivationSpec[] specs) {
        return new XAResource[0];
    }

    public String getBindAddress() {
        return bindAddress;
    }

    public void setBindAddress(String v) {
        bindAddress = v;
    }

    public String getPublicAddress() {
        return publicAddress;
    }

    public void setPublicAddress(String v) {
        publicAddress = v;
    }

    public Integer getPortMin() {
        return portMin;
    }

    public void setPortMin(Integer v) {
        portMin = v;
    }

    public Integer getPortMax() {
        return portMax;
    }

    public void setPortMax(Integer v) {
        portMax = v;
    }

    public Integer getIoThreads() {
        return ioThreads;
    }

    public void setIoThreads(Integer v) {
        ioThreads = v;
    }

    public Integer getMediaTimeoutSeconds() {
        return mediaTimeoutSeconds;
    }

    public void setMediaTimeoutSeconds(Integer v) {
        mediaTimeoutSeconds = v;
    }

    public Boolean getAllowPlainRtp() {
        return allowPlainRtp;
    }

    public void setAllowPlainRtp(Boolean v) {
        allowPlainRtp = v;
    }

    @Override
    public boolean equals(Object o) {
        return this == o;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(this);
    }
}
