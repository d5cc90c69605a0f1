// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.core.location;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * {@link RegistrationStore} on the {@code registration} table, in portable SQL (update, then
 * insert when nothing was updated, instead of a vendor-specific upsert). Callers serialise
 * changes per address-of-record ({@link RegistrarService} does); the primary key protects
 * the table if two nodes race.
 */
public final class JdbcRegistrationStore implements RegistrationStore {
    private static final String COLUMNS = "aor, contact_uri, q, expires_at, call_id, cseq, transport, remote_address,"
            + " remote_port, local_address, local_port, user_agent, instance_id";
    private static final String UPDATE = "UPDATE registration SET q = ?, expires_at = ?, call_id = ?, cseq = ?,"
            + " transport = ?, remote_address = ?, remote_port = ?, local_address = ?, local_port = ?,"
            + " user_agent = ?, instance_id = ? WHERE aor = ? AND contact_uri = ?";
    private static final String INSERT = "INSERT INTO registration (q, expires_at, call_id, cseq, transport,"
            + " remote_address, remote_port, local_address, local_port, user_agent, instance_id, aor, contact_uri)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

    private final DataSource ds;

    public JdbcRegistrationStore(DataSource ds) {
        this.ds = Objects.requireNonNull(ds, "ds");
    }

    @Override
    public List<Binding> findByAor(String aor) {
        try (Connection c = ds.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM registration WHERE aor = ?")) {
            ps.setString(1, aor);
            return read(ps);
        } catch (SQLException e) {
            throw new RegistrationStoreException("cannot read bindings", e);
        }
    }

    @Override
    public void apply(String aor, List<Binding> upserts, List<String> removedContactUris) {
        for (Binding b : upserts) {
            if (!b.aor().equals(aor)) {
                throw new IllegalArgumentException("binding of another address-of-record");
            }
            checkFits(b);
        }
        if (upserts.isEmpty() && removedContactUris.isEmpty()) {
            return;
        }
        if (upserts.size() == 1 && removedContactUris.isEmpty()) {
            upsertOne(upserts.get(0));
            return;
        }
        List<Key> removed = new ArrayList<>(removedContactUris.size());
        for (String uri : removedContactUris) {
            removed.add(new Key(aor, uri));
        }
        write(upserts, removed);
    }

    /**
     * A group commit: the changes of all the addresses-of-record in one transaction, each kind of statement sent as
     * one JDBC batch (deletes, updates, then inserts for the bindings no update found). Either all of it is stored or
     * none of it.
     */
    @Override
    public void applyAll(List<Change> changes) {
        List<Binding> upserts = new ArrayList<>();
        List<Key> removed = new ArrayList<>();
        for (Change ch : changes) {
            for (Binding b : ch.upserts()) {
                if (!b.aor().equals(ch.aor())) {
                    throw new IllegalArgumentException("binding of another address-of-record");
                }
                checkFits(b);
                upserts.add(b);
            }
            for (String uri : ch.removedContactUris()) {
                removed.add(new Key(ch.aor(), uri));
            }
        }
        if (upserts.isEmpty() && removed.isEmpty()) {
            return;
        }
        write(upserts, removed);
    }

    /** Primary key of a row. */
    private record Key(String aor, String contactUri) {
    }

    /** Deletes, then upserts (so a binding both removed and upserted ends up stored), in one transaction. */
    private void write(List<Binding> upserts, List<Key> removed) {
        // the last of several upserts of one row wins, as it would with one statement each
        Map<Key, Binding> rows = new LinkedHashMap<>();
        for (Binding b : upserts) {
            rows.put(new Key(b.aor(), b.contactUri()), b);
        }
        try (Connection c = ds.getConnection()) {
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                if (!removed.isEmpty()) {
                    try (PreparedStatement ps = c.prepareStatement(
                            "DELETE FROM registration WHERE aor = ? AND contact_uri = ?")) {
                        for (Key k : removed) {
                            ps.setString(1, k.aor());
                            ps.setString(2, k.contactUri());
                            ps.addBatch();
                        }
                        ps.executeBatch();
                    }
                }
                if (!rows.isEmpty()) {
                    upsertBatch(c, List.copyOf(rows.values()));
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(auto);
            }
        } catch (SQLException e) {
            throw new RegistrationStoreException("cannot store bindings", e);
        }
    }

    /** UPDATE every row as one batch, then INSERT, as a second batch, the rows the update did not find. */
    private static void upsertBatch(Connection c, List<Binding> rows) throws SQLException {
        int[] updated;
        try (PreparedStatement up = c.prepareStatement(UPDATE)) {
            for (Binding b : rows) {
                bind(up, b);
                up.addBatch();
            }
            updated = up.executeBatch();
        }
        List<Binding> missing = new ArrayList<>();
        try (PreparedStatement up = c.prepareStatement(UPDATE)) {
            for (int i = 0; i < rows.size(); i++) {
                int n = updated[i];
                if (n == Statement.SUCCESS_NO_INFO) {
                    // a driver that does not report counts per statement: ask again, row by row (same values)
                    bind(up, rows.get(i));
                    n = up.executeUpdate();
                }
                if (n == 0) {
                    missing.add(rows.get(i));
                }
            }
        }
        if (!missing.isEmpty()) {
            try (PreparedStatement ins = c.prepareStatement(INSERT)) {
                for (Binding b : missing) {
                    bind(ins, b);
                    ins.addBatch();
                }
                ins.executeBatch();
            }
        }
    }

    /**
     * Refuses a binding with a value longer than its column (V1 migration), before any database work. A store that
     * writes later ({@link WriteBackRegistrationStore}) must refuse such a binding when it is given, not fail at every
     * later write.
     *
     * <p>{@code String.length()} counts UTF-16 units, never fewer than the characters either database counts.
     */
    static void checkFits(Binding b) {
        fits("aor", b.aor(), 512);
        fits("contact_uri", b.contactUri(), 1024);
        fits("call_id", b.callId(), 256);
        fits("transport", b.flow().transport(), 8);
        fits("remote_address", b.flow().remoteAddress(), 64);
        fits("local_address", b.flow().localAddress(), 64);
        fits("user_agent", b.userAgent(), 256);
        fits("instance_id", b.instanceId(), 256);
    }

    private static void fits(String column, String value, int max) {
        if (value != null && value.length() > max) {
            // the column's name only: the value may be anything a client sent
            throw new RegistrationStoreException("value too long for registration." + column, null);
        }
    }

    /**
     * The common case, a phone refreshing (or first storing) its one binding: one statement in auto-commit, no
     * explicit transaction (setAutoCommit, commit and the reset cost as much as the update itself on H2). A refresh
     * is a single UPDATE; only a new binding needs the INSERT after it. Each statement is atomic on its own, so
     * nothing is lost against the transaction: two nodes inserting the same new binding at once still meet the
     * primary key, as they did in the transaction.
     */
    private void upsertOne(Binding b) {
        try (Connection c = ds.getConnection()) {
            if (!c.getAutoCommit()) {
                c.setAutoCommit(true); // a pool configured otherwise: keep each statement its own transaction
            }
            try (PreparedStatement up = c.prepareStatement(UPDATE)) {
                bind(up, b);
                if (up.executeUpdate() > 0) {
                    return;
                }
            }
            try (PreparedStatement ins = c.prepareStatement(INSERT)) {
                bind(ins, b);
                ins.executeUpdate();
            }
        } catch (SQLException e) {
            throw new RegistrationStoreException("cannot store bindings", e);
        }
    }

    @Override
    public void removeAll(String aor) {
        update("DELETE FROM registration WHERE aor = ?", ps -> ps.setString(1, aor));
    }

    @Override
    public int deleteExpired(Instant now) {
        return update("DELETE FROM registration WHERE expires_at <= ?", ps -> ps.setObject(1, utc(now)));
    }

    @Override
    public List<Binding> listAll(int offset, int limit) {
        if (offset < 0 || limit < 0) {
            throw new IllegalArgumentException("offset and limit must not be negative");
        }
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS
                + " FROM registration ORDER BY aor, contact_uri OFFSET ? ROWS FETCH NEXT ? ROWS ONLY")) {
            ps.setInt(1, offset);
            ps.setInt(2, limit);
            return read(ps);
        } catch (SQLException e) {
            throw new RegistrationStoreException("cannot list bindings", e);
        }
    }

    @Override
    public int count() {
        try (Connection c = ds.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM registration");
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getInt(1);
        } catch (SQLException e) {
            throw new RegistrationStoreException("cannot count bindings", e);
        }
    }

    /** Binds in the order shared by UPDATE and INSERT: values first, then the key. */
    private static void bind(PreparedStatement ps, Binding b) throws SQLException {
        ps.setFloat(1, b.q());
        ps.setObject(2, utc(b.expiresAt()));
        ps.setString(3, b.callId());
        ps.setLong(4, b.cseq());
        ps.setString(5, b.flow().transport());
        ps.setString(6, b.flow().remoteAddress());
        ps.setInt(7, b.flow().remotePort());
        ps.setString(8, b.flow().localAddress());
        ps.setInt(9, b.flow().localPort());
        setNullable(ps, 10, b.userAgent());
        setNullable(ps, 11, b.instanceId());
        ps.setString(12, b.aor());
        ps.setString(13, b.contactUri());
    }

    private static void setNullable(PreparedStatement ps, int i, String v) throws SQLException {
        if (v == null) {
            ps.setNull(i, Types.VARCHAR);
        } else {
            ps.setString(i, v);
        }
    }

    private static OffsetDateTime utc(Instant i) {
        return OffsetDateTime.ofInstant(i, ZoneOffset.UTC);
    }

    private static List<Binding> read(PreparedStatement ps) throws SQLException {
        List<Binding> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                Flow flow = new Flow(rs.getString(7), rs.getString(8), rs.getInt(9), rs.getString(10), rs.getInt(11));
                out.add(new Binding(rs.getString(1), rs.getString(2), rs.getFloat(3),
                        rs.getObject(4, OffsetDateTime.class).toInstant(), rs.getString(5), rs.getLong(6), flow,
                        rs.getString(12), rs.getString(13)));
            }
        }
        return out;
    }

    @FunctionalInterface
    private interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    private int update(String sql, Binder binder) {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            binder.bind(ps);
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new RegistrationStoreException("cannot update bindings", e);
        }
    }
}
