// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.core.admin;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/** {@link AuditLog} on the {@code audit_event} table (migration V11). */
public final class JdbcAuditLog implements AuditLog {
    private final DataSource ds;
    private final Clock clock;

    public JdbcAuditLog(DataSource ds, Clock clock) {
        this.ds = ds;
        this.clock = clock;
    }

    @Override
    public void record(String actor, String action, String target, String sourceAddress, String outcome) {
        try (Connection c = ds.getConnection();
                PreparedStatement ps = c.prepareStatement("INSERT INTO audit_event (occurred_at, actor, action, target, "
                        + "source_address, outcome) VALUES (?, ?, ?, ?, ?, ?)")) {
            Jdbc.setInstant(ps, 1, clock.instant());
            ps.setString(2, cut(actor, 96));
            ps.setString(3, cut(action, 64));
            ps.setString(4, cut(target, 512));
            ps.setString(5, cut(sourceAddress, 64));
            ps.setString(6, cut(outcome, 16));
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new AdminException("cannot write the audit log", e);
        }
    }

    @Override
    public List<AuditEvent> list(int offset, int limit) {
        try (Connection c = ds.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT id, occurred_at, actor, action, target, source_address, "
                        + "outcome FROM audit_event ORDER BY id DESC OFFSET ? ROWS FETCH NEXT ? ROWS ONLY")) {
            ps.setInt(1, offset);
            ps.setInt(2, limit);
            List<AuditEvent> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new AuditEvent(rs.getLong("id"), Jdbc.instant(rs, "occurred_at"), rs.getString("actor"),
                            rs.getString("action"), rs.getString("target"), rs.getString("source_address"),
                            rs.getString("outcome")));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new AdminException("cannot read the audit log", e);
        }
    }

    @Override
    public int count() {
        try (Connection c = ds.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM audit_event");
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getInt(1);
        } catch (SQLException e) {
            throw new AdminException("cannot count the audit log", e);
        }
    }

    private static String cut(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }
}
