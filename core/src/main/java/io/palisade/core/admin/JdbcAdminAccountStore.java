// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.core.admin;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/** {@link AdminAccountStore} on the {@code admin_account} table (migration V10). */
public final class JdbcAdminAccountStore implements AdminAccountStore {
    private static final String COLUMNS =
            "username, role, password_hash, must_change_password, enabled, created_at, password_changed_at";

    private final DataSource ds;
    private final Clock clock;

    public JdbcAdminAccountStore(DataSource ds, Clock clock) {
        this.ds = ds;
        this.clock = clock;
    }

    @Override
    public Optional<AdminAccount> find(String username) {
        if (username == null) {
            return Optional.empty();
        }
        try (Connection c = ds.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM admin_account WHERE username = ?")) {
            ps.setString(1, username);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(row(rs)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new AdminException("cannot read admin account", e);
        }
    }

    @Override
    public List<AdminAccount> list() {
        try (Connection c = ds.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM admin_account ORDER BY username");
                ResultSet rs = ps.executeQuery()) {
            List<AdminAccount> out = new ArrayList<>();
            while (rs.next()) {
                out.add(row(rs));
            }
            return out;
        } catch (SQLException e) {
            throw new AdminException("cannot list admin accounts", e);
        }
    }

    @Override
    public int count() {
        try (Connection c = ds.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM admin_account");
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getInt(1);
        } catch (SQLException e) {
            throw new AdminException("cannot count admin accounts", e);
        }
    }

    @Override
    public void create(AdminAccount a) {
        try (Connection c = ds.getConnection();
                PreparedStatement ps = c.prepareStatement("INSERT INTO admin_account (" + COLUMNS
                        + ") VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, a.username());
            ps.setString(2, a.role().name());
            ps.setString(3, a.passwordHash());
            ps.setBoolean(4, a.mustChangePassword());
            ps.setBoolean(5, a.enabled());
            Jdbc.setInstant(ps, 6, a.createdAt());
            Jdbc.setInstant(ps, 7, a.passwordChangedAt());
            ps.executeUpdate();
        } catch (SQLException e) {
            if (Jdbc.isDuplicate(e)) {
                throw new AdminException("username", "admin '" + a.username() + "' already exists");
            }
            throw new AdminException("cannot create admin account", e);
        }
    }

    @Override
    public boolean updatePassword(String username, String passwordHash, boolean mustChange) {
        try (Connection c = ds.getConnection();
                PreparedStatement ps = c.prepareStatement("UPDATE admin_account SET password_hash = ?, "
                        + "must_change_password = ?, password_changed_at = ? WHERE username = ?")) {
            ps.setString(1, passwordHash);
            ps.setBoolean(2, mustChange);
            Jdbc.setInstant(ps, 3, clock.instant());
            ps.setString(4, username);
            return ps.executeUpdate() > 0;
        } catch (SQLException e) {
            throw new AdminException("cannot update admin password", e);
        }
    }

    @Override
    public boolean setEnabled(String username, boolean enabled) {
        try (Connection c = ds.getConnection();
                PreparedStatement ps = c.prepareStatement("UPDATE admin_account SET enabled = ? WHERE username = ?")) {
            ps.setBoolean(1, enabled);
            ps.setString(2, username);
            return ps.executeUpdate() > 0;
        } catch (SQLException e) {
            throw new AdminException("cannot update admin account", e);
        }
    }

    @Override
    public boolean setRole(String username, AdminRole role) {
        try (Connection c = ds.getConnection();
                PreparedStatement ps = c.prepareStatement("UPDATE admin_account SET role = ? WHERE username = ?")) {
            ps.setString(1, role.name());
            ps.setString(2, username);
            return ps.executeUpdate() > 0;
        } catch (SQLException e) {
            throw new AdminException("cannot update admin account", e);
        }
    }

    @Override
    public boolean delete(String username) {
        try (Connection c = ds.getConnection();
                PreparedStatement ps = c.prepareStatement("DELETE FROM admin_account WHERE username = ?")) {
            ps.setString(1, username);
            return ps.executeUpdate() > 0;
        } catch (SQLException e) {
            throw new AdminException("cannot delete admin account", e);
        }
    }

    private static AdminAccount row(ResultSet rs) throws SQLException {
        return new AdminAccount(rs.getString("username"), AdminRole.valueOf(rs.getString("role")),
                rs.getString("password_hash"), rs.getBoolean("must_change_password"), rs.getBoolean("enabled"),
                Jdbc.instant(rs, "created_at"), Jdbc.instant(rs, "password_changed_at"));
    }
}
