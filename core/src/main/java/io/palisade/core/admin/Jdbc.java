// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.core.admin;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/** Small JDBC helpers shared by the admin stores. */
final class Jdbc {
    static final String DUPLICATE_KEY = "23505"; // SQLSTATE unique violation (H2, PostgreSQL)

    private Jdbc() {
    }

    static void setInstant(PreparedStatement ps, int i, Instant t) throws SQLException {
        ps.setObject(i, t == null ? null : OffsetDateTime.ofInstant(t, ZoneOffset.UTC));
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    static boolean isDuplicate(SQLException e) {
        for (SQLException x = e; x != null; x = x.getNextException()) {
            if (DUPLICATE_KEY.equals(x.getSQLState())) {
                return true;
            }
        }
        return false;
    }
}
