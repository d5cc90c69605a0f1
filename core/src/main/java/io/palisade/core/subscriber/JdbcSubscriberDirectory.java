// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.core.subscriber;

import io.palisade.core.auth.DigestAlgorithm;
import io.palisade.core.auth.Ha1;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * {@link SubscriberDirectory} on the {@code subscriber} table (portable SQL). Stores the MD5
 * and SHA-256 HA1 of each subscriber (RFC 7616 s.3.4.2; RFC 8760), never the password, and
 * zeroes the password arrays it is given once hashed.
 */
public final class JdbcSubscriberDirectory implements SubscriberDirectory {
    /** Longest display name stored (column width). */
    public static final int MAX_DISPLAY_NAME = 128;
    private static final String DUPLICATE_KEY = "23505"; // SQLSTATE unique violation (H2, PostgreSQL)
    private static final int IN_CHUNK = 500;
    private static final String COLUMNS = "username, display_name, enabled, ha1_md5, ha1_sha256, created_at";

    private final DataSource ds;
    private final String realm;
    private final Clock clock;

    public JdbcSubscriberDirectory(DataSource ds, String realm) {
        this(ds, realm, Clock.systemUTC());
    }

    /** @param clock source of {@code created_at} */
    public JdbcSubscriberDirectory(DataSource ds, String realm, Clock clock) {
        this.ds = Objects.requireNonNull(ds, "ds");
        this.realm = Objects.requireNonNull(realm, "realm");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (realm.isBlank()) {
            throw new IllegalArgumentException("realm must not be blank");
        }
    }

    @Override
    public String realm() {
        return realm;
    }

    @Override
    public Optional<Subscriber> find(String username) {
        if (username == null) {
            return Optional.empty();
        }
        try (Connection c = ds.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM subscriber WHERE username = ?")) {
            ps.setString(1, username);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(row(rs)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new SubscriberException("cannot read subscriber", e);
        }
    }

    @Override
    public List<Subscriber> list(int offset, int limit) {
        if (offset < 0 || limit < 0) {
            throw new IllegalArgumentException("offset and limit must not be negative");
        }
        try (Connection c = ds.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS
                        + " FROM subscriber ORDER BY username OFFSET ? ROWS FETCH NEXT ? ROWS ONLY")) {
            ps.setInt(1, offset);
            ps.setInt(2, limit);
            List<Subscriber> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(row(rs));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new SubscriberException("cannot list subscribers", e);
        }
    }

    @Override
    public int count() {
        try (Connection c = ds.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM subscriber");
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getInt(1);
        } catch (SQLException e) {
            throw new SubscriberException("cannot count subscribers", e);
        }
    }

    @Override
    public List<Subscriber> search(String query, int offset, int limit) {
        if (offset < 0 || limit < 0) {
            throw new IllegalArgumentException("offset and limit must not be negative");
        }
        try (Connection c = ds.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM subscriber WHERE " + MATCHES
                        + " ORDER BY username OFFSET ? ROWS FETCH NEXT ? ROWS ONLY")) {
            int i = bindPattern(ps, query);
            ps.setInt(i++, offset);
            ps.setInt(i, limit);
            List<Subscriber> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(row(rs));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new SubscriberException("cannot search subscribers", e);
        }
    }

    @Override
    public int countMatching(String query) {
        try (Connection c = ds.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM subscriber WHERE " + MATCHES)) {
            bindPattern(ps, query);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        } catch (SQLException e) {
            throw new SubscriberException("cannot count subscribers", e);
        }
    }

    // LIKE with an explicit escape character, so that '%' and '_' typed in a search box match themselves
    private static final String MATCHES =
            "(LOWER(username) LIKE ? ESCAPE '!' OR LOWER(COALESCE(display_name, '')) LIKE ? ESCAPE '!')";

    private static int bindPattern(PreparedStatement ps, String query) throws SQLException {
        String q = query == null ? "" : query.strip().toLowerCase(java.util.Locale.ROOT);
        String pattern = "%" + q.replace("!", "!!").replace("%", "!%").replace("_", "!_") + "%";
        ps.setString(1, pattern);
        ps.setString(2, pattern);
        return 3;
    }

    @Override
    public boolean setDisplayName(String username, String displayName) {
        String name = displayName == null || displayName.isBlank() ? null : displayName.strip();
        if (name != null && name.length() > MAX_DISPLAY_NAME) {
            throw new SubscriberException("display name is longer than " + MAX_DISPLAY_NAME + " characters");
        }
        return update("UPDATE subscriber SET display_name = ? WHERE username = ?", ps -> {
            ps.setString(1, name);
            ps.setString(2, username);
        });
    }

    @Override
    public void add(NewSubscriber s) {
        Objects.requireNonNull(s, "subscriber");
        try {
            validate(s).ifPresent(p -> {
                throw new SubscriberException(p);
            });
            Hashed h = hash(s);
            try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(insertSql())) {
                bindInsert(ps, s, h, now());
                ps.executeUpdate();
            } catch (SQLException e) {
                if (isDuplicate(e)) {
                    throw new SubscriberException("user '" + s.username() + "' already exists");
                }
                throw new SubscriberException("cannot add user '" + s.username() + "'", e);
            }
        } finally {
            zero(s.password());
        }
    }

    @Override
    public boolean setEnabled(String username, boolean enabled) {
        return update("UPDATE subscriber SET enabled = ? WHERE username = ?", ps -> {
            ps.setBoolean(1, enabled);
            ps.setString(2, username);
        });
    }

    @Override
    public boolean setPassword(String username, char[] password) {
        try {
            if (password == null || password.length == 0) {
                throw new SubscriberException("password is empty");
            }
            if (username == null) {
                return false;
            }
            String md5 = Ha1.compute(DigestAlgorithm.MD5, username, realm, password);
            String sha = Ha1.compute(DigestAlgorithm.SHA_256, username, realm, password);
            return update("UPDATE subscriber SET ha1_md5 = ?, ha1_sha256 = ? WHERE username = ?", ps -> {
                ps.setString(1, md5);
                ps.setString(2, sha);
                ps.setString(3, username);
            });
        } catch (IllegalArgumentException e) {
            throw new SubscriberException(e.getMessage());
        } finally {
            zero(password);
        }
    }

    @Override
    public boolean remove(String username) {
        return update("DELETE FROM subscriber WHERE username = ?", ps -> ps.setString(1, username));
    }

    @Override
    public int importAll(List<NewSubscriber> all) {
        Objects.requireNonNull(all, "all");
        try {
            Map<String, Integer> seen = new HashMap<>();
            List<Hashed> hashed = new ArrayList<>(all.size());
            for (int i = 0; i < all.size(); i++) {
                NewSubscriber s = all.get(i);
                String where = "entry " + (i + 1);
                if (s == null) {
                    throw new SubscriberException(where + ": missing");
                }
                Optional<String> p = validate(s);
                if (p.isPresent()) {
                    throw new SubscriberException(where + ": " + p.get());
                }
                Integer before = seen.putIfAbsent(s.username(), i + 1);
                if (before != null) {
                    throw new SubscriberException(where + ": user '" + s.username() + "' duplicates entry " + before);
                }
                hashed.add(hash(s));
            }
            if (all.isEmpty()) {
                return 0;
            }
            try (Connection c = ds.getConnection()) {
                boolean auto = c.getAutoCommit();
                c.setAutoCommit(false);
                try {
                    Optional<String> existing = firstExisting(c, all);
                    if (existing.isPresent()) {
                        c.rollback();
                        String u = existing.get();
                        throw new SubscriberException("entry " + seen.get(u) + ": user '" + u + "' already exists");
                    }
                    Instant now = now();
                    try (PreparedStatement ps = c.prepareStatement(insertSql())) {
                        for (int i = 0; i < all.size(); i++) {
                            bindInsert(ps, all.get(i), hashed.get(i), now);
                            ps.addBatch();
                        }
                        ps.executeBatch();
                    }
                    c.commit();
                    return all.size();
                } catch (SQLException | RuntimeException e) {
                    c.rollback();
                    if (e instanceof SubscriberException se) {
                        throw se;
                    }
                    if (e instanceof SQLException sql && isDuplicate(sql)) {
                        throw new SubscriberException("import refused: a user was added concurrently; nothing imported");
                    }
                    throw e;
                } finally {
                    c.setAutoCommit(auto);
                }
            } catch (SQLException e) {
                throw new SubscriberException("import failed; nothing imported", e);
            }
        } finally {
            for (NewSubscriber s : all) {
                if (s != null) {
                    zero(s.password());
                }
            }
        }
    }

    private Optional<String> firstExisting(Connection c, List<NewSubscriber> all) throws SQLException {
        java.util.Set<String> found = new java.util.HashSet<>();
        for (int from = 0; from < all.size(); from += IN_CHUNK) {
            int to = Math.min(all.size(), from + IN_CHUNK);
            String marks = String.join(",", java.util.Collections.nCopies(to - from, "?"));
            try (PreparedStatement ps = c.prepareStatement("SELECT username FROM subscriber WHERE username IN (" + marks + ")")) {
                for (int i = from; i < to; i++) {
                    ps.setString(i - from + 1, all.get(i).username());
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        found.add(rs.getString(1));
                    }
                }
            }
        }
        // Report in input order, so the message names the first offending entry.
        return all.stream().map(NewSubscriber::username).filter(found::contains).findFirst();
    }

    private static Optional<String> validate(NewSubscriber s) {
        Optional<String> p = UsernamePolicy.problem(s.username());
        if (p.isPresent()) {
            return p;
        }
        if (s.password() == null || s.password().length == 0) {
            return Optional.of("password of user '" + s.username() + "' is empty");
        }
        String dn = s.displayName();
        if (dn != null) {
            if (dn.length() > MAX_DISPLAY_NAME) {
                return Optional.of("display name of user '" + s.username() + "' is longer than " + MAX_DISPLAY_NAME);
            }
            if (dn.chars().anyMatch(ch -> ch < 0x20 || ch == 0x7f)) {
                return Optional.of("display name of user '" + s.username() + "' contains control characters");
            }
        }
        return Optional.empty();
    }

    private record Hashed(String md5, String sha256) {
        @Override
        public String toString() {
            return "Hashed[***]";
        }
    }

    private Hashed hash(NewSubscriber s) {
        try {
            return new Hashed(Ha1.compute(DigestAlgorithm.MD5, s.username(), realm, s.password()),
                    Ha1.compute(DigestAlgorithm.SHA_256, s.username(), realm, s.password()));
        } catch (IllegalArgumentException e) {
            throw new SubscriberException("password of user '" + s.username() + "' is not valid text");
        }
    }

    private static String insertSql() {
        return "INSERT INTO subscriber (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?)";
    }

    private static void bindInsert(PreparedStatement ps, NewSubscriber s, Hashed h, Instant now) throws SQLException {
        ps.setString(1, s.username());
        String dn = s.displayName() == null || s.displayName().isBlank() ? null : s.displayName().strip();
        ps.setString(2, dn);
        ps.setBoolean(3, true);
        ps.setString(4, h.md5());
        ps.setString(5, h.sha256());
        ps.setObject(6, OffsetDateTime.ofInstant(now, ZoneOffset.UTC));
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    private static Subscriber row(ResultSet rs) throws SQLException {
        return new Subscriber(rs.getString(1), rs.getString(2), rs.getBoolean(3), rs.getString(4), rs.getString(5),
                rs.getObject(6, OffsetDateTime.class).toInstant());
    }

    @FunctionalInterface
    private interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    private boolean update(String sql, Binder binder) {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            binder.bind(ps);
            return ps.executeUpdate() > 0;
        } catch (SQLException e) {
            throw new SubscriberException("cannot update subscriber", e);
        }
    }

    private static boolean isDuplicate(SQLException e) {
        for (SQLException x = e; x != null; x = x.getNextException()) {
            if (DUPLICATE_KEY.equals(x.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    private static void zero(char[] a) {
        if (a != null) {
            Arrays.fill(a, '\0');
        }
    }

    @Override
    public String toString() {
        return "JdbcSubscriberDirectory[realm=" + realm + "]";
    }
}
