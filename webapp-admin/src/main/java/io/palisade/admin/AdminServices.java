// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.admin;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.palisade.core.admin.AdminService;
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
        io.palisade.core.edge.BanStore bans, io.palisade.core.edge.JdbcSecurityEventStore securityEvents) {

    /** A host without the edge's stores (bans and security events are then reported as unavailable). */
    public AdminServices(AdminService admin, SubscriberDirectory subscribers, RegistrationStore registrations,
            PalisadeConfig config, TlsIdentity tls, PrometheusMeterRegistry metrics, Clock clock) {
        this(admin, subscribers, registrations, config, tls, metrics, clock, null, null);
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
