// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.core.edge;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/** {@link BanStore} on the {@code ban} and {@code auth_failure} tables (migration V3), portable SQL. */
public final class JdbcBanStore implements BanStore {
    private final DataSource ds;

    public JdbcBanStore(DataSource ds) {
        this.ds = Objects.requireNonNull(ds);
    }

    @Override
    public List<Ban> all() {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT address, reason, banned_at, banned_until, offences FROM ban ORDER BY banned_at")) {
            List<Ban> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(ban(rs));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read bans: " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<Ban> find(String address) {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT address, reason, banned_at, banned_until, offences FROM ban WHERE address = ?")) {
            ps.setString(1, address);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(ban(rs)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read ban: " + e.getMessage(), e);
        }
    }

    private static Ban ban(ResultSet rs) throws SQLException {
        return new Ban(rs.getString(1), rs.getString(2), rs.getObject(3, OffsetDateTime.class).toInstant(),
                rs.getObject(4, OffsetDateTime.class).toInstant(), rs.getInt(5));
    }

    @Override
    public void save(Ban b) {
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement up = c.prepareStatement(
                    "UPDATE ban SET reason = ?, banned_at = ?, banned_until = ?, offences = ? WHERE address = ?")) {
                up.setString(1, b.reason());
                up.setObject(2, utc(b.since()));
                up.setObject(3, utc(b.until()));
                up.setInt(4, b.offences());
                up.setString(5, b.address());
                if (up.executeUpdate() == 0) {
                    try (PreparedStatement in = c.prepareStatement(
                            "INSERT INTO ban (reason, banned_at, banned_until, offences, address) VALUES (?, ?, ?, ?, ?)")) {
                        in.setString(1, b.reason());
                        in.setObject(2, utc(b.since()));
                        in.setObject(3, utc(b.until()));
                        in.setInt(4, b.offences());
                        in.setString(5, b.address());
                        in.executeUpdate();
                    }
                }
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot save ban: " + e.getMessage(), e);
        }
    }

    @Override
    public int forgetEndedBefore(Instant cutoff) {
        try (Connection c = ds.getConnection();
                PreparedStatement ps = c.prepareStatement("DELETE FROM ban WHERE banned_until < ?")) {
            ps.setObject(1, utc(cutoff));
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot sweep bans: " + e.getMessage(), e);
        }
    }

    @Override
    public List<FailureWindow> failureWindows() {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT subject, window_start, failures FROM auth_failure")) {
            List<FailureWindow> out = new ArrayList<>();
            while (rs.next()) {
                out.add(new FailureWindow(rs.getString(1), rs.getObject(2, OffsetDateTime.class).toInstant(), rs.getInt(3)));
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read failure counters: " + e.getMessage(), e);
        }
    }

    @Override
    public void saveFailureWindows(List<FailureWindow> windows) {
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            try (Statement del = c.createStatement();
                    PreparedStatement in = c.prepareStatement(
                            "INSERT INTO auth_failure (subject, window_start, failures) VALUES (?, ?, ?)")) {
                del.executeUpdate("DELETE FROM auth_failure");
                for (FailureWindow w : windows) {
                    in.setString(1, w.subject());
                    in.setObject(2, utc(w.start()));
                    in.setInt(3, w.failures());
                    in.addBatch();
                }
                in.executeBatch();
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot save failure counters: " + e.getMessage(), e);
        }
    }

    private static OffsetDateTime utc(Instant i) {
        return i.atOffset(ZoneOffset.UTC);
    }
}
