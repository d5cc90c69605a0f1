// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.core.edge;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import javax.sql.DataSource;

/** Security events in the {@code security_event} table: a sink for {@link SecurityEvents}, and the query side. */
public final class JdbcSecurityEventStore implements SecurityEventSink {
    private final DataSource ds;

    public JdbcSecurityEventStore(DataSource ds) {
        this.ds = Objects.requireNonNull(ds);
    }

    @Override
    public void write(SecurityEvent e) throws SQLException {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO security_event (occurred_at, kind, source, username, detail) VALUES (?, ?, ?, ?, ?)")) {
            ps.setObject(1, e.at().atOffset(ZoneOffset.UTC));
            ps.setString(2, e.kind().wireName());
            ps.setString(3, e.source());
            ps.setString(4, e.user());
            ps.setString(5, e.detail());
            ps.executeUpdate();
        }
    }

    /** The newest {@code limit} events at or after {@code since}, newest first. */
    public List<SecurityEvent> recent(Instant since, int limit) {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT occurred_at, kind, source, username, detail FROM security_event WHERE occurred_at >= ?"
                        + " ORDER BY occurred_at DESC, id DESC FETCH FIRST " + Math.max(1, limit) + " ROWS ONLY")) {
            ps.setObject(1, since.atOffset(ZoneOffset.UTC));
            List<SecurityEvent> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    SecurityEvent.Kind k = SecurityEvent.Kind.fromWireName(rs.getString(2)).orElse(SecurityEvent.Kind.MALFORMED);
                    out.add(new SecurityEvent(rs.getObject(1, OffsetDateTime.class).toInstant(), k, rs.getString(3),
                            rs.getString(4), rs.getString(5)));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read security events: " + e.getMessage(), e);
        }
    }

    /** Deletes events older than {@code cutoff}; returns how many. */
    public int forgetBefore(Instant cutoff) {
        try (Connection c = ds.getConnection();
                PreparedStatement ps = c.prepareStatement("DELETE FROM security_event WHERE occurred_at < ?")) {
            ps.setObject(1, cutoff.atOffset(ZoneOffset.UTC));
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot sweep security events: " + e.getMessage(), e);
        }
    }
}
