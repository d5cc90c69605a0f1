// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.core.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.util.Objects;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relational store: a HikariCP pool whose schema is brought up to date by Flyway
 * migrations from {@code classpath:db/migration} when opened. Flyway 10 supports H2 from
 * {@code flyway-core} itself; PostgreSQL will need {@code flyway-database-postgresql}.
 */
public final class Database implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Database.class);

    private final HikariDataSource pool;

    private Database(HikariDataSource pool) {
        this.pool = pool;
    }

    /**
     * Opens the pool and migrates the schema.
     *
     * @throws RuntimeException (Flyway or pool exceptions) when the database cannot be
     *     reached or migrated; the pool is closed again in that case
     */
    public static Database open(DatabaseConfig config) {
        Objects.requireNonNull(config, "config");
        if (config.jdbcUrl().contains("AUTO_SERVER=TRUE") && System.getProperty("h2.bindAddress") == null) {
            LOG.warn("H2 AUTO_SERVER is on but h2.bindAddress is not set: its port listens on all interfaces");
        }
        HikariConfig hc = new HikariConfig();
        hc.setPoolName("palisade-db");
        hc.setJdbcUrl(config.jdbcUrl());
        hc.setUsername(config.user());
        hc.setPassword(config.password());
        hc.setMaximumPoolSize(config.maxPoolSize());
        hc.setMinimumIdle(Math.min(2, config.maxPoolSize()));
        hc.setAutoCommit(true);
        HikariDataSource ds = new HikariDataSource(hc);
        try {
            var result = Flyway.configure()
                    .dataSource(ds)
                    .locations("classpath:db/migration")
                    .failOnMissingLocations(true)
                    .load()
                    .migrate();
            LOG.info("database schema at version {} ({} migrations applied)", result.targetSchemaVersion,
                    result.migrationsExecuted);
            return new Database(ds);
        } catch (RuntimeException e) {
            ds.close();
            throw e;
        }
    }

    /** The pooled data source for the stores. */
    public DataSource dataSource() {
        return pool;
    }

    /** Closes the pool; with H2 this closes the database file when the last connection goes. */
    @Override
    public void close() {
        pool.close();
    }

    @Override
    public String toString() {
        return "Database[" + pool.getPoolName() + "]";
    }
}
