package io.palisade.core.subscriber;

import io.palisade.core.config.ConfigException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import javax.sql.DataSource;

/**
 * Every stored HA1 is H(user:realm:password) (RFC 7616 section 3.4.2), so it is only good for the realm it was made
 * with. The database remembers that realm; opening it with another one while users exist is refused with a message
 * that says what to do, instead of every user silently failing to authenticate. With no users yet, the new realm
 * is simply recorded.
 */
public final class RealmBinding {
    static final String KEY = "digest.realm";

    private RealmBinding() {
    }

    /** @throws ConfigException when users exist whose HA1 values belong to another realm */
    public static void check(DataSource ds, String realm) {
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            String stored = null;
            try (PreparedStatement ps = c.prepareStatement("SELECT setting_value FROM setting WHERE name = ?")) {
                ps.setString(1, KEY);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        stored = rs.getString(1);
                    }
                }
            }
            if (realm.equals(stored)) {
                c.rollback();
                return;
            }
            int users;
            try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM subscriber");
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                users = rs.getInt(1);
            }
            if (stored != null && users > 0) {
                c.rollback();
                throw new ConfigException(List.of("auth.realm: the " + users + " user(s) in this database have passwords "
                        + "stored for realm '" + stored + "', but the realm is now '" + realm + "' (from auth.realm, or "
                        + "else the first sip.domain or the host name). Set auth.realm=" + stored
                        + ", or set every user's password again after changing it."));
            }
            try (PreparedStatement del = c.prepareStatement("DELETE FROM setting WHERE name = ?");
                 PreparedStatement ins = c.prepareStatement("INSERT INTO setting (name, setting_value) VALUES (?, ?)")) {
                del.setString(1, KEY);
                del.executeUpdate();
                ins.setString(1, KEY);
                ins.setString(2, realm);
                ins.executeUpdate();
            }
            c.commit();
        } catch (SQLException e) {
            throw new SubscriberException("cannot read the stored digest realm: " + e.getMessage());
        }
    }
}
