// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.admin;

import io.palisade.core.admin.AdminRole;
import io.palisade.core.admin.JdbcAuditLog;
import io.palisade.core.db.Database;
import io.palisade.core.db.DatabaseConfig;
import io.palisade.core.location.JdbcRegistrationStore;
import io.palisade.core.subscriber.JdbcSubscriberDirectory;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

/** A real H2 database with the core stores, for the console's resource tests. */
public final class TestServices implements AutoCloseable {
    public static final String REALM = "console.test";
    public static final Actor ADMIN = new Actor("admin:root", AdminRole.ADMINISTRATOR, "192.0.2.1");
    public static final Actor OPERATOR = new Actor("token:op", AdminRole.OPERATOR, "192.0.2.2");
    public static final Actor AUDITOR = new Actor("token:aud", AdminRole.AUDITOR, "192.0.2.3");

    public final Clock clock = Clock.fixed(Instant.parse("2025-06-01T12:00:00Z"), ZoneOffset.UTC);
    public final Database db;
    public final JdbcSubscriberDirectory subscribers;
    public final JdbcRegistrationStore registrations;
    public final JdbcAuditLog audit;
    public final io.palisade.core.edge.JdbcUserNetworkStore networks;
    public final ConsoleOperations operations;

    public TestServices(Path dir) {
        System.setProperty("h2.bindAddress", "127.0.0.1");
        db = Database.open(DatabaseConfig.h2File(dir));
        subscribers = new JdbcSubscriberDirectory(db.dataSource(), REALM, clock);
        registrations = new JdbcRegistrationStore(db.dataSource());
        audit = new JdbcAuditLog(db.dataSource(), clock);
        networks = new io.palisade.core.edge.JdbcUserNetworkStore(db.dataSource());
        operations = new ConsoleOperations(subscribers, registrations, audit).withUserNetworks(networks);
    }

    @Override
    public void close() {
        db.close();
    }
}
