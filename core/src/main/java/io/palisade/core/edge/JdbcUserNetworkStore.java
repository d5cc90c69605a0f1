// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.core.edge;

import io.palisade.core.net.Cidr;
import io.palisade.core.net.NetworkList;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.sql.DataSource;

/** {@link UserNetworkStore} on the {@code subscriber_network} table (migration V4). */
public final class JdbcUserNetworkStore implements UserNetworkStore {
    private final DataSource ds;

    public JdbcUserNetworkStore(DataSource ds) {
        this.ds = Objects.requireNonNull(ds);
    }

    @Override
    public Map<String, NetworkList> all() {
        Map<String, List<Cidr>> raw = new HashMap<>();
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT username, network FROM subscriber_network ORDER BY username, network");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                Cidr.parse(rs.getString(2)).ifPresent(n -> {
                    try {
                        raw.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(n);
                    } catch (SQLException e) {
                        throw new IllegalStateException(e);
                    }
                });
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read user networks: " + e.getMessage(), e);
        }
        Map<String, NetworkList> out = new HashMap<>();
        raw.forEach((u, l) -> out.put(u, new NetworkList(l)));
        return out;
    }

    @Override
    public NetworkList of(String username) {
        return all().getOrDefault(username, NetworkList.none());
    }

    @Override
    public void set(String username, NetworkList networks) {
        String user = username;
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement del = c.prepareStatement("DELETE FROM subscriber_network WHERE username = ?");
                    PreparedStatement in = c.prepareStatement(
                            "INSERT INTO subscriber_network (username, network) VALUES (?, ?)")) {
                del.setString(1, user);
                del.executeUpdate();
                // 10.0.0.1/8 and 10.0.0.0/8 are one network: the primary key would refuse the second
                for (Cidr n : networks.networks().stream().distinct().toList()) {
                    in.setString(1, user);
                    in.setString(2, n.toString());
                    in.addBatch();
                }
                in.executeBatch();
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot store the networks of " + user + ": " + e.getMessage(), e);
        }
    }
}
