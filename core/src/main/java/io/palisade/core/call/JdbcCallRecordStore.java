// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.core.call;

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
import java.util.Optional;
import javax.sql.DataSource;

/** {@link CallRecordStore} on the {@code call_record} table (migration V5), portable SQL. */
public final class JdbcCallRecordStore implements CallRecordStore {
    private static final String COLUMNS = "id, caller, callee, started_at, answered_at, ended_at, cause, a_transport, "
            + "b_transport, a_suite, b_suite, a_packets_in, a_packets_out, b_packets_in, b_packets_out";
    private final DataSource ds;

    public JdbcCallRecordStore(DataSource ds) {
        this.ds = Objects.requireNonNull(ds);
    }

    @Override
    public void insert(CallRecord r) {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO call_record (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, r.id());
            ps.setString(2, cut(r.caller(), 64));
            ps.setString(3, cut(r.callee(), 64));
            ps.setObject(4, odt(r.startedAt()));
            values(ps, 5, r);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot store call record: " + e.getMessage(), e);
        }
    }

    @Override
    public void update(CallRecord r) {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(
                "UPDATE call_record SET answered_at = ?, ended_at = ?, cause = ?, a_transport = ?, b_transport = ?, "
                        + "a_suite = ?, b_suite = ?, a_packets_in = ?, a_packets_out = ?, b_packets_in = ?, "
                        + "b_packets_out = ? WHERE id = ?")) {
            values(ps, 1, r);
            ps.setString(12, r.id());
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot update call record: " + e.getMessage(), e);
        }
    }

    private static void values(PreparedStatement ps, int i, CallRecord r) throws SQLException {
        ps.setObject(i, r.answeredAt().map(JdbcCallRecordStore::odt).orElse(null));
        ps.setObject(i + 1, r.endedAt().map(JdbcCallRecordStore::odt).orElse(null));
        ps.setString(i + 2, cut(r.cause(), 64));
        ps.setString(i + 3, cut(r.aTransport(), 8));
        ps.setString(i + 4, cut(r.bTransport(), 8));
        ps.setString(i + 5, cut(r.aSuite(), 32));
        ps.setString(i + 6, cut(r.bSuite(), 32));
        ps.setLong(i + 7, r.aPacketsIn());
        ps.setLong(i + 8, r.aPacketsOut());
        ps.setLong(i + 9, r.bPacketsIn());
        ps.setLong(i + 10, r.bPacketsOut());
    }

    @Override
    public Optional<CallRecord> find(String id) {
        List<CallRecord> l = query("SELECT " + COLUMNS + " FROM call_record WHERE id = ?", id, -1);
        return l.isEmpty() ? Optional.empty() : Optional.of(l.get(0));
    }

    @Override
    public List<CallRecord> active() {
        return query("SELECT " + COLUMNS + " FROM call_record WHERE ended_at IS NULL ORDER BY started_at", null, -1);
    }

    @Override
    public List<CallRecord> recent(int limit) {
        return query("SELECT " + COLUMNS + " FROM call_record ORDER BY started_at DESC FETCH FIRST ? ROWS ONLY", null,
                Math.max(1, limit));
    }

    @Override
    public int endDangling(Instant at, String cause) {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(
                "UPDATE call_record SET ended_at = ?, cause = ? WHERE ended_at IS NULL")) {
            ps.setObject(1, odt(at));
            ps.setString(2, cut(cause, 64));
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot end dangling call records: " + e.getMessage(), e);
        }
    }

    @Override
    public int count() {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM call_record");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getInt(1);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot count call records: " + e.getMessage(), e);
        }
    }

    @Override
    public List<CallRecord> search(CallQuery q, int offset, int limit) {
        List<Object> args = new ArrayList<>();
        String where = where(q, args);
        args.add(Math.max(0, offset));
        args.add(Math.max(1, limit));
        return select("SELECT " + COLUMNS + " FROM call_record" + where
                + " ORDER BY started_at DESC, id OFFSET ? ROWS FETCH NEXT ? ROWS ONLY", args);
    }

    @Override
    public int count(CallQuery q) {
        List<Object> args = new ArrayList<>();
        String sql = "SELECT COUNT(*) FROM call_record" + where(q, args);
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, args);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot count call records: " + e.getMessage(), e);
        }
    }

    /** Only placeholders: the filter values never become SQL text. */
    private static String where(CallQuery q, List<Object> args) {
        List<String> parts = new ArrayList<>();
        q.from().ifPresent(t -> {
            parts.add("started_at >= ?");
            args.add(odt(t));
        });
        q.to().ifPresent(t -> {
            parts.add("started_at < ?");
            args.add(odt(t));
        });
        q.party().ifPresent(p -> {
            parts.add("(LOWER(caller) = ? OR LOWER(callee) = ?)");
            String v = p.toLowerCase(java.util.Locale.ROOT);
            args.add(v);
            args.add(v);
        });
        q.cause().ifPresent(x -> {
            parts.add("LOWER(cause) LIKE ? ESCAPE '\\'");
            args.add("%" + x.toLowerCase(java.util.Locale.ROOT).replace("\\", "\\\\").replace("%", "\\%")
                    .replace("_", "\\_") + "%");
        });
        return parts.isEmpty() ? "" : " WHERE " + String.join(" AND ", parts);
    }

    private static void bind(PreparedStatement ps, List<Object> args) throws SQLException {
        for (int i = 0; i < args.size(); i++) {
            ps.setObject(i + 1, args.get(i));
        }
    }

    private List<CallRecord> select(String sql, List<Object> args) {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, args);
            List<CallRecord> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(row(rs));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read call records: " + e.getMessage(), e);
        }
    }

    private static CallRecord row(ResultSet rs) throws SQLException {
        return new CallRecord(rs.getString(1), rs.getString(2), rs.getString(3), instant(rs, 4).orElseThrow(),
                instant(rs, 5), instant(rs, 6), rs.getString(7), rs.getString(8), rs.getString(9),
                rs.getString(10), rs.getString(11), rs.getLong(12), rs.getLong(13), rs.getLong(14),
                rs.getLong(15));
    }

    private List<CallRecord> query(String sql, String id, int limit) {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            if (id != null) {
                ps.setString(1, id);
            } else if (limit > 0) {
                ps.setInt(1, limit);
            }
            List<CallRecord> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(row(rs));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read call records: " + e.getMessage(), e);
        }
    }

    private static Optional<Instant> instant(ResultSet rs, int col) throws SQLException {
        OffsetDateTime t = rs.getObject(col, OffsetDateTime.class);
        return t == null ? Optional.empty() : Optional.of(t.toInstant());
    }

    private static OffsetDateTime odt(Instant i) {
        return OffsetDateTime.ofInstant(i, ZoneOffset.UTC);
    }

    private static String cut(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
    }
}
