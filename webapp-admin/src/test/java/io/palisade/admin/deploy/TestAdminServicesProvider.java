// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.admin.deploy;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.palisade.admin.AdminServices;
import io.palisade.admin.AdminServicesProvider;
import io.palisade.core.admin.AdminRole;
import io.palisade.core.admin.AdminService;
import io.palisade.core.admin.Argon2idPasswords;
import io.palisade.core.admin.JdbcAdminAccountStore;
import io.palisade.core.admin.JdbcApiTokenStore;
import io.palisade.core.admin.JdbcAuditLog;
import io.palisade.core.admin.SignInThrottle;
import io.palisade.core.config.ConfigLoader;
import io.palisade.core.config.PalisadeConfig;
import io.palisade.core.db.Database;
import io.palisade.core.db.DatabaseConfig;
import io.palisade.core.location.JdbcRegistrationStore;
import io.palisade.core.subscriber.JdbcSubscriberDirectory;
import io.palisade.core.tls.TlsIdentity;
import jakarta.servlet.ServletContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The host's part in the deployment test: core services on a fresh H2 database, and an auditor token whose value
 * is handed to the test (which runs as a client, possibly in another class loader) through a system property.
 */
public final class TestAdminServicesProvider implements AdminServicesProvider {
    public static final String TOKEN_PROPERTY = "palisade.test.deployment-token";

    @Override
    public AdminServices provide(ServletContext context) {
        try {
            Path dir = Files.createTempDirectory("palisade-deploy");
            System.setProperty("h2.bindAddress", "127.0.0.1");
            Database db = Database.open(DatabaseConfig.h2File(dir));
            Clock clock = Clock.systemUTC();
            PalisadeConfig config = ConfigLoader.load(Optional.empty(), Map.of(), Map.of("data.dir", dir.toString()));
            AdminService admin = new AdminService(new JdbcAdminAccountStore(db.dataSource(), clock),
                    new JdbcApiTokenStore(db.dataSource()), new JdbcAuditLog(db.dataSource(), clock),
                    new Argon2idPasswords(1024, 1, 1), SignInThrottle.defaults(clock), clock);
            admin.bootstrap(Optional.of("deployment-test-pw".toCharArray()));
            System.setProperty(TOKEN_PROPERTY,
                    admin.createToken("system", "deployment-test", AdminRole.AUDITOR, null, null).value());
            TlsIdentity tls = TlsIdentity.prepare(config.tls(), dir, List.of("127.0.0.1"), clock);
            io.palisade.core.call.JdbcCallRecordStore records = new io.palisade.core.call.JdbcCallRecordStore(db.dataSource());
            return new AdminServices(admin, new JdbcSubscriberDirectory(db.dataSource(), "deploy.test", clock),
                    new JdbcRegistrationStore(db.dataSource()), config, tls,
                    new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), clock,
                    new io.palisade.core.edge.JdbcBanStore(db.dataSource()),
                    new io.palisade.core.edge.JdbcSecurityEventStore(db.dataSource()),
                    new io.palisade.core.call.CallService(io.palisade.core.call.CallConfig.DEFAULT, records, clock,
                            System::nanoTime),
                    records,
                    new io.palisade.core.edge.EdgeSettingsService(config,
                            new io.palisade.core.config.JdbcSettingStore(db.dataSource()), e -> { }, admin.audit()),
                    new io.palisade.core.tls.CertificateService(tls, config.tls(), dir, clock, admin.audit()),
                    new io.palisade.core.edge.JdbcUserNetworkStore(db.dataSource()));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
