// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.admin;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.palisade.core.admin.AdminService;
import io.palisade.core.call.CallRecordStore;
import io.palisade.core.call.CallService;
import io.palisade.core.edge.EdgeSettingsService;
import io.palisade.core.tls.CertificateService;
import io.palisade.core.config.PalisadeConfig;
import io.palisade.core.location.RegistrationStore;
import io.palisade.core.subscriber.SubscriberDirectory;
import io.palisade.core.tls.TlsIdentity;
import jakarta.servlet.ServletContext;
import java.time.Clock;
import java.util.Objects;

/**
 * The core services the console works with, handed over by whoever hosts it (the embedded server's composition
 * root) as a servlet-context attribute. The console builds none of them itself.
 */
public record AdminServices(AdminService admin, SubscriberDirectory subscribers, RegistrationStore registrations,
        PalisadeConfig config, TlsIdentity tls, PrometheusMeterRegistry metrics, Clock clock,
        io.palisade.core.edge.BanStore bans, io.palisade.core.edge.JdbcSecurityEventStore securityEvents,
        CallService calls, CallRecordStore callRecords, EdgeSettingsService edgeSettings,
        CertificateService certificates, io.palisade.core.edge.UserNetworkStore userNetworks) {

    /** A host without the edge's stores (bans and security events are then reported as unavailable). */
    public AdminServices(AdminService admin, SubscriberDirectory subscribers, RegistrationStore registrations,
            PalisadeConfig config, TlsIdentity tls, PrometheusMeterRegistry metrics, Clock clock) {
        this(admin, subscribers, registrations, config, tls, metrics, clock, null, null);
    }

    /** A host without calls, run-time edge settings and certificate upload (those are reported as unavailable). */
    public AdminServices(AdminService admin, SubscriberDirectory subscribers, RegistrationStore registrations,
            PalisadeConfig config, TlsIdentity tls, PrometheusMeterRegistry metrics, Clock clock,
            io.palisade.core.edge.BanStore bans, io.palisade.core.edge.JdbcSecurityEventStore securityEvents) {
        this(admin, subscribers, registrations, config, tls, metrics, clock, bans, securityEvents, null, null, null, null);
    }

    /** A host without per-user networks (a user's allowed networks are then reported as unavailable). */
    public AdminServices(AdminService admin, SubscriberDirectory subscribers, RegistrationStore registrations,
            PalisadeConfig config, TlsIdentity tls, PrometheusMeterRegistry metrics, Clock clock,
            io.palisade.core.edge.BanStore bans, io.palisade.core.edge.JdbcSecurityEventStore securityEvents,
            CallService calls, CallRecordStore callRecords, EdgeSettingsService edgeSettings,
            CertificateService certificates) {
        this(admin, subscribers, registrations, config, tls, metrics, clock, bans, securityEvents, calls, callRecords,
                edgeSettings, certificates, null);
    }

    /** The certificate the TLS listeners serve now (an upload replaces the one of start-up). */
    public TlsIdentity tlsNow() {
        return certificates == null ? tls : certificates.current();
    }

    public static final String ATTRIBUTE = AdminServices.class.getName();

    public AdminServices {
        Objects.requireNonNull(admin, "admin");
        Objects.requireNonNull(subscribers, "subscribers");
        Objects.requireNonNull(registrations, "registrations");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(metrics, "metrics");
        Objects.requireNonNull(clock, "clock");
    }

    public static AdminServices from(ServletContext context) {
        Object o = context.getAttribute(ATTRIBUTE);
        if (o instanceof AdminServices s) {
            return s;
        }
        throw new IllegalStateException("the host did not provide " + ATTRIBUTE);
    }
}
