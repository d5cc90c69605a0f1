// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.core.admin;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/** {@link ApiTokenStore} on the {@code api_token} table (migration V10). */
public final class JdbcApiTokenStore implements ApiTokenStore {
    private static final String COLUMNS =
            "id, name, role, secret_hash, created_by, created_at, expires_at, revoked_at, last_used_at";

    private final DataSource ds;

    public JdbcApiTokenStore(DataSource ds) {
        this.ds = ds;
    }

    @Override
    public Optional<ApiToken> find(String id) {
        try (Connection c = ds.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM api_token WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(row(rs)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new AdminException("cannot read API token", e);
        }
    }

    @Override
    public List<ApiToken> list() {
        try (Connection c = ds.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM api_token ORDER BY created_at DESC, id");
                ResultSet rs = ps.executeQuery()) {
            List<ApiToken> out = new ArrayList<>();
            while (rs.next()) {
                out.add(row(rs));
            }
            return out;
        } catch (SQLException e) {
            throw new AdminException("cannot list API tokens", e);
        }
    }

    @Override
    public void create(ApiToken t) {
        try (Connection c = ds.getConnection();
                PreparedStatement ps = c.prepareStatement("INSERT INTO api_token (" + COLUMNS
                        + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, t.id());
            ps.setString(2, t.name());
            ps.setString(3, t.role().name());
            ps.setString(4, t.secretHash());
            ps.setString(5, t.createdBy());
            Jdbc.setInstant(ps, 6, t.createdAt());
            Jdbc.setInstant(ps, 7, t.expiresAt());
            Jdbc.setInstant(ps, 8, t.revokedAt());
            Jdbc.setInstant(ps, 9, t.lastUsedAt());
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new AdminException("cannot create API token", e);
        }
    }

    @Override
    public boolean revoke(String id, Instant at) {
        return update("UPDATE api_token SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", id, at);
    }

    @Override
    public void touch(String id, Instant at) {
        update("UPDATE api_token SET last_used_at = ? WHERE id = ?", id, at);
    }

    private boolean update(String sql, String id, Instant at) {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            Jdbc.setInstant(ps, 1, at);
            ps.setString(2, id);
            return ps.executeUpdate() > 0;
        } catch (SQLException e) {
            throw new AdminException("cannot update API token", e);
        }
    }

    private static ApiToken row(ResultSet rs) throws SQLException {
        return new ApiToken(rs.getString("id"), rs.getString("name"), AdminRole.valueOf(rs.getString("role")),
                rs.getString("secret_hash"), rs.getString("created_by"), Jdbc.instant(rs, "created_at"),
                Jdbc.instant(rs, "expires_at"), Jdbc.instant(rs, "revoked_at"), Jdbc.instant(rs, "last_used_at"));
    }
}
