// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.admin;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import java.time.Duration;

/**
 * The meters the console contributes to {@code /metrics}: registrations and subscribers (read from the stores at
 * scrape time), calls (active, started, answered), active bans, certificate expiry (of the certificate in use),
 * console sign-in failures, and the JVM. SIP digest failures and media counters belong to the components that count
 * them and will register on the same registry.
 */
public final class ConsoleMetrics {
    private final Counter signInFailures;

    private ConsoleMetrics(Counter signInFailures) {
        this.signInFailures = signInFailures;
    }

    public static ConsoleMetrics bind(AdminServices s) {
        MeterRegistry r = s.metrics();
        Gauge.builder("palisade.registrations", s.registrations(), st -> st.count())
                .description("Stored registration bindings").register(r);
        Gauge.builder("palisade.subscribers", s.subscribers(), d -> d.count())
                .description("Provisioned SIP subscribers").register(r);
        Gauge.builder("palisade.tls.certificate.expiry", s, x -> Duration.between(x.clock().instant(), x.tlsNow().notAfter())
                .toSeconds()).baseUnit("seconds").description("Time left until the TLS certificate expires").register(r);
        if (s.calls() != null) {
            Gauge.builder("palisade.calls.active", s.calls(), c -> c.activeCount())
                    .description("Calls in progress on this node").register(r);
            io.micrometer.core.instrument.FunctionCounter.builder("palisade.calls.started", s.calls(), c -> c.startedCount())
                    .description("Calls begun since start").register(r);
            io.micrometer.core.instrument.FunctionCounter.builder("palisade.calls.answered", s.calls(), c -> c.answeredCount())
                    .description("Calls answered since start").register(r);
        }
        if (s.bans() != null) {
            Gauge.builder("palisade.bans.active", s, x -> {
                java.time.Instant now = x.clock().instant();
                return x.bans().all().stream().filter(b -> b.activeAt(now)).count();
            }).description("Source addresses banned by the edge now").register(r);
        }
        new JvmMemoryMetrics().bindTo(r);
        new JvmGcMetrics().bindTo(r);
        new JvmThreadMetrics().bindTo(r);
        new ClassLoaderMetrics().bindTo(r);
        new ProcessorMetrics().bindTo(r);
        new UptimeMetrics().bindTo(r);
        return new ConsoleMetrics(Counter.builder("palisade.admin.signin.failures")
                .description("Refused or throttled console sign-ins").register(r));
    }

    public void signInFailed() {
        signInFailures.increment();
    }
}
