// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.core.admin;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Admin console use cases: the initial account, signing in (Argon2id, throttled), password changes, other admin
 * accounts, and API tokens. Every change is written to the {@link AuditLog}. Passwords arrive as {@code char[]} and
 * are zeroed here once used.
 */
public final class AdminService {
    public static final String INITIAL_ADMIN = "admin";
    public static final int MIN_PASSWORD = 12;
    public static final int MAX_PASSWORD = 128;
    private static final Pattern ADMIN_NAME = Pattern.compile("[a-z][a-z0-9._-]{1,63}");
    private static final Pattern TOKEN = Pattern.compile("pal_([A-Za-z0-9_-]{16})\\.([A-Za-z0-9_-]{43})");
    private static final SecureRandom RANDOM = new SecureRandom();
    static final String UNKNOWN_ADMIN = "unknown-admin";

    private final AdminAccountStore accounts;
    private final ApiTokenStore tokens;
    private final AuditLog audit;
    private final Argon2idPasswords hasher;
    private final SignInThrottle throttle;
    private final Clock clock;
    private final String dummyHash;

    public AdminService(AdminAccountStore accounts, ApiTokenStore tokens, AuditLog audit, Argon2idPasswords hasher,
            SignInThrottle throttle, Clock clock) {
        this.accounts = accounts;
        this.tokens = tokens;
        this.audit = audit;
        this.hasher = hasher;
        this.throttle = throttle;
        this.clock = clock;
        // verified against when the user does not exist, so that the answer takes as long as for a wrong password
        this.dummyHash = hasher.hash(randomSecret(12).toCharArray());
    }

    /** Outcome of a sign-in. {@code account} is set only for {@link Status#OK}. */
    public record SignIn(Status status, AdminAccount account, Duration retryAfter) {
        public enum Status { OK, REFUSED, THROTTLED }
    }

    /**
     * Creates the initial administrator when there is no admin account at all.
     *
     * @param configured the password from configuration, or empty to generate one
     * @return the generated one-time password, to be shown once; empty when nothing was created or the configured
     *     password was used
     */
    public Optional<String> bootstrap(Optional<char[]> configured) {
        if (accounts.count() > 0) {
            configured.ifPresent(p -> Arrays.fill(p, '\0'));
            return Optional.empty();
        }
        String generated = configured.isPresent() ? null : randomSecret(15);
        char[] password = configured.isPresent() ? configured.get() : generated.toCharArray();
        try {
            Instant now = clock.instant();
            accounts.create(new AdminAccount(INITIAL_ADMIN, AdminRole.ADMINISTRATOR, hasher.hash(password), true, true,
                    now, now));
        } finally {
            Arrays.fill(password, '\0');
        }
        audit.record("system", "admin.create", INITIAL_ADMIN, null, "ok");
        return Optional.ofNullable(generated);
    }

    public SignIn signIn(String username, char[] password, String source) {
        try {
            Duration wait = throttle.waitFor(username, source);
            if (!wait.isZero()) {
                audit.record(actorFor(username), "signin", null, source, "throttled");
                return new SignIn(SignIn.Status.THROTTLED, null, wait);
            }
            Optional<AdminAccount> account = accounts.find(username);
            boolean ok = hasher.verify(password, account.map(AdminAccount::passwordHash).orElse(dummyHash))
                    && account.isPresent() && account.get().enabled();
            if (!ok) {
                throttle.failed(username, source);
                audit.record(account.isPresent() ? "admin:" + username : UNKNOWN_ADMIN, "signin", null, source, "denied");
                return new SignIn(SignIn.Status.REFUSED, null, Duration.ZERO);
            }
            throttle.succeeded(username);
            audit.record("admin:" + username, "signin", null, source, "ok");
            return new SignIn(SignIn.Status.OK, account.get(), Duration.ZERO);
        } finally {
            zero(password);
        }
    }

    /**
     * Changes the password of {@code username} after checking the current one.
     *
     * @throws AdminException naming {@code currentPassword} or {@code newPassword} when refused
     */
    public void changePassword(String username, char[] current, char[] next, String source) {
        try {
            AdminAccount a = accounts.find(username).orElseThrow(() -> new AdminException("no such admin"));
            if (!hasher.verify(current, a.passwordHash())) {
                throttle.failed(username, source);
                audit.record("admin:" + username, "password.change", username, source, "denied");
                throw new AdminException("currentPassword", "the current password is wrong");
            }
            checkPolicy(username, next);
            if (hasher.verify(next, a.passwordHash())) {
                throw new AdminException("newPassword", "the new password must differ from the current one");
            }
            accounts.updatePassword(username, hasher.hash(next), false);
            audit.record("admin:" + username, "password.change", username, source, "ok");
        } finally {
            zero(current);
            zero(next);
        }
    }

    /** Creates another admin account; its password must be changed at its first sign-in. */
    public void createAccount(String actor, String username, AdminRole role, char[] password, String source) {
        try {
            if (username == null || !ADMIN_NAME.matcher(username).matches()) {
                throw new AdminException("username", "use 2-64 lower-case letters, digits, '.', '_' or '-', "
                        + "starting with a letter");
            }
            checkPolicy(username, password);
            Instant now = clock.instant();
            accounts.create(new AdminAccount(username, Objects.requireNonNull(role), hasher.hash(password), true, true,
                    now, now));
            audit.record(actor, "admin.create", username + " (" + role.token() + ")", source, "ok");
        } finally {
            zero(password);
        }
    }

    /**
     * Gives {@code username} another role. The last enabled administrator cannot be demoted: nobody could manage
     * accounts, tokens or settings any more.
     *
     * @return false when there is no such account
     */
    public synchronized boolean changeRole(String actor, String username, AdminRole role, String source) {
        Objects.requireNonNull(role, "role");
        Optional<AdminAccount> a = accounts.find(username);
        if (a.isEmpty()) {
            return false;
        }
        if (a.get().role() == role) {
            return true;
        }
        if (role != AdminRole.ADMINISTRATOR && isLastAdministrator(a.get())) {
            audit.record(actor, "admin.role", username + " (" + role.token() + ")", source, "denied");
            throw new LastAdministratorException("role", "the last enabled administrator keeps the administrator role");
        }
        accounts.setRole(username, role);
        audit.record(actor, "admin.role", username + " (" + role.token() + ")", source, "ok");
        return true;
    }

    /**
     * Enables or disables {@code username}; a disabled account cannot sign in and its open sessions end at their
     * next request. The last enabled administrator cannot be disabled.
     *
     * @return false when there is no such account
     */
    public synchronized boolean setAccountEnabled(String actor, String username, boolean enabled, String source) {
        Optional<AdminAccount> a = accounts.find(username);
        if (a.isEmpty()) {
            return false;
        }
        String action = enabled ? "admin.enable" : "admin.disable";
        if (!enabled && isLastAdministrator(a.get())) {
            audit.record(actor, action, username, source, "denied");
            throw new LastAdministratorException("enabled", "the last enabled administrator cannot be disabled");
        }
        accounts.setEnabled(username, enabled);
        audit.record(actor, action, username, source, "ok");
        return true;
    }

    /**
     * Deletes {@code username}. The last enabled administrator cannot be deleted.
     *
     * @return false when there is no such account
     */
    public synchronized boolean deleteAccount(String actor, String username, String source) {
        Optional<AdminAccount> a = accounts.find(username);
        if (a.isEmpty()) {
            return false;
        }
        if (isLastAdministrator(a.get())) {
            audit.record(actor, "admin.delete", username, source, "denied");
            throw new LastAdministratorException("username", "the last enabled administrator cannot be deleted");
        }
        accounts.delete(username);
        audit.record(actor, "admin.delete", username, source, "ok");
        return true;
    }

    /**
     * Gives {@code username} a new random one-time password that must be changed at the next sign-in.
     *
     * @return the one-time password, to be shown once; empty when there is no such account
     */
    public Optional<String> resetPassword(String actor, String username, String source) {
        if (accounts.find(username).isEmpty()) {
            return Optional.empty();
        }
        String oneTime = randomSecret(15);
        char[] pw = oneTime.toCharArray();
        try {
            accounts.updatePassword(username, hasher.hash(pw), true);
        } finally {
            zero(pw);
        }
        throttle.succeeded(username); // a locked-out admin gets in with the new password at once
        audit.record(actor, "admin.password-reset", username, source, "ok");
        return Optional.of(oneTime);
    }

    /** Whether {@code a} is the only enabled administrator. */
    private boolean isLastAdministrator(AdminAccount a) {
        if (a.role() != AdminRole.ADMINISTRATOR || !a.enabled()) {
            return false;
        }
        return accounts.list().stream().filter(x -> x.role() == AdminRole.ADMINISTRATOR && x.enabled()).count() <= 1;
    }

    /**
     * Creates another admin account with a random one-time password that must be changed at its first sign-in.
     *
     * @return the one-time password, to be shown once
     */
    public String createAccount(String actor, String username, AdminRole role, String source) {
        String oneTime = randomSecret(15);
        createAccount(actor, username, role, oneTime.toCharArray(), source);
        return oneTime;
    }

    public List<AdminAccount> accounts() {
        return accounts.list();
    }

    public Optional<AdminAccount> account(String username) {
        return accounts.find(username);
    }

    /** Creates an API token; the returned value is the only time its secret exists outside the caller. */
    public ApiToken.IssuedToken createToken(String actor, String name, AdminRole role, Duration lifetime, String source) {
        if (name == null || name.isBlank() || name.length() > 64) {
            throw new AdminException("name", "a token needs a name of 1-64 characters");
        }
        String id = randomSecret(12);
        String secret = randomSecret(32);
        Instant now = clock.instant();
        ApiToken t = new ApiToken(id, name.strip(), Objects.requireNonNull(role), sha256(secret), actor, now,
                lifetime == null ? null : now.plus(lifetime), null, null);
        tokens.create(t);
        audit.record(actor, "token.create", id + " (" + t.name() + ", " + role.token() + ")", source, "ok");
        return new ApiToken.IssuedToken(t, "pal_" + id + "." + secret);
    }

    public boolean revokeToken(String actor, String id, String source) {
        boolean done = tokens.revoke(id, clock.instant());
        audit.record(actor, "token.revoke", id, source, done ? "ok" : "failed");
        return done;
    }

    public List<ApiToken> tokens() {
        return tokens.list();
    }

    /** The live token that {@code value} (the text after {@code Bearer }) stands for, if any. */
    public Optional<ApiToken> authenticateToken(String value) {
        if (value == null) {
            return Optional.empty();
        }
        var m = TOKEN.matcher(value.strip());
        if (!m.matches()) {
            return Optional.empty();
        }
        Optional<ApiToken> t = tokens.find(m.group(1));
        byte[] presented = sha256(m.group(2)).getBytes(StandardCharsets.US_ASCII);
        byte[] stored = t.map(x -> x.secretHash().getBytes(StandardCharsets.US_ASCII)).orElse(new byte[presented.length]);
        Instant now = clock.instant();
        if (t.isEmpty() || !MessageDigest.isEqual(presented, stored) || !t.get().usableAt(now)) {
            return Optional.empty();
        }
        tokens.touch(t.get().id(), now);
        return t;
    }

    public AuditLog audit() {
        return audit;
    }

    /** The rules for admin passwords: long enough, not the user name. */
    public static void checkPolicy(String username, char[] password) {
        if (password == null || password.length < MIN_PASSWORD) {
            throw new AdminException("newPassword", "use at least " + MIN_PASSWORD + " characters");
        }
        if (password.length > MAX_PASSWORD) {
            throw new AdminException("newPassword", "use at most " + MAX_PASSWORD + " characters");
        }
        if (username != null && new String(password).equalsIgnoreCase(username)) {
            throw new AdminException("newPassword", "the password must not be the user name");
        }
    }

    /** An unknown name is not recorded as typed: it may be a password typed into the wrong field. */
    private String actorFor(String username) {
        return accounts.find(username).isPresent() ? "admin:" + username : UNKNOWN_ADMIN;
    }

    private static String randomSecret(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void zero(char[] a) {
        if (a != null) {
            Arrays.fill(a, '\0');
        }
    }
}
