// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.core.config;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import javax.sql.DataSource;

/** {@link SettingStore} on the {@code setting} table (migration V2), portable SQL, one transaction per change. */
public final class JdbcSettingStore implements SettingStore {
    private final DataSource ds;

    public JdbcSettingStore(DataSource ds) {
        this.ds = Objects.requireNonNull(ds);
    }

    @Override
    public Map<String, String> withPrefix(String prefix) {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT name, setting_value FROM setting WHERE name LIKE ? ORDER BY name")) {
            ps.setString(1, prefix.replace("%", "").replace("_", "\\_") + "%");
            Map<String, String> out = new LinkedHashMap<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (rs.getString(1).startsWith(prefix)) {
                        out.put(rs.getString(1), rs.getString(2));
                    }
                }
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read settings: " + e.getMessage(), e);
        }
    }

    @Override
    public void replace(Map<String, String> set, Collection<String> remove) {
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement del = c.prepareStatement("DELETE FROM setting WHERE name = ?");
                 PreparedStatement ins = c.prepareStatement("INSERT INTO setting (name, setting_value) VALUES (?, ?)")) {
                for (String name : remove) {
                    del.setString(1, name);
                    del.executeUpdate();
                }
                for (Map.Entry<String, String> e : set.entrySet()) {
                    del.setString(1, e.getKey());
                    del.executeUpdate();
                    ins.setString(1, e.getKey());
                    ins.setString(2, e.getValue());
                    ins.executeUpdate();
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot store settings: " + e.getMessage(), e);
        }
    }
}
