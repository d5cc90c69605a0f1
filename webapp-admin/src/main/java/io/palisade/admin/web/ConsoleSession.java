// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.admin.web;

import io.palisade.admin.Actor;
import io.palisade.core.admin.AdminAccount;
import io.palisade.core.admin.AdminRole;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;

/**
 * The console's state in the HTTP session, in one typed place: who signed in, with which role, when, whether the
 * password must be changed first, and the session's CSRF token (synchronizer token pattern).
 */
public final class ConsoleSession {
    private static final String PREFIX = "palisade.console.";
    private static final String USER = PREFIX + "user";
    private static final String ROLE = PREFIX + "role";
    private static final String SIGNED_IN_AT = PREFIX + "signedInAt";
    private static final String MUST_CHANGE = PREFIX + "mustChangePassword";
    private static final String CSRF = PREFIX + "csrf";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final HttpSession session;

    private ConsoleSession(HttpSession session) {
        this.session = session;
    }

    /** The existing session, if any; never creates one. */
    public static Optional<ConsoleSession> of(HttpServletRequest request) {
        HttpSession s = request.getSession(false);
        return s == null ? Optional.empty() : Optional.of(new ConsoleSession(s));
    }

    public static ConsoleSession getOrCreate(HttpServletRequest request) {
        return new ConsoleSession(request.getSession(true));
    }

    /** The CSRF token of this session, made on first use. */
    public String csrfToken() {
        Object t = session.getAttribute(CSRF);
        if (t instanceof String s) {
            return s;
        }
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        String s = Base64.getUrlEncoder().withoutPadding().encodeToString(b);
        session.setAttribute(CSRF, s);
        return s;
    }

    public boolean csrfMatches(String presented) {
        Object t = session.getAttribute(CSRF);
        return presented != null && t instanceof String s
                && MessageDigest.isEqual(s.getBytes(StandardCharsets.US_ASCII), presented.getBytes(StandardCharsets.US_ASCII));
    }

    /** Records the sign-in; the caller has already given the session a new id (no fixation). */
    public void signIn(AdminAccount account, Instant now) {
        session.setAttribute(USER, account.username());
        session.setAttribute(ROLE, account.role().name());
        session.setAttribute(SIGNED_IN_AT, now.toEpochMilli());
        session.setAttribute(MUST_CHANGE, account.mustChangePassword());
        session.removeAttribute(CSRF);
    }

    /** The caller has already given the session a new id; the CSRF token is renewed too. */
    public void passwordChanged() {
        session.setAttribute(MUST_CHANGE, false);
        session.removeAttribute(CSRF);
    }

    /**
     * Brings a signed-in session in line with the stored account, on every request: a deleted or disabled account's
     * session ends, a changed role applies at once, and a password reset by an administrator sends the session to
     * the password page.
     *
     * @return false when the session was ended
     */
    public boolean revalidate(io.palisade.core.admin.AdminService admin) {
        Optional<String> user = username();
        if (user.isEmpty()) {
            return true;
        }
        Optional<AdminAccount> a = admin.account(user.get());
        if (a.isEmpty() || !a.get().enabled()) {
            invalidate();
            return false;
        }
        if (!a.get().role().name().equals(session.getAttribute(ROLE))) {
            session.setAttribute(ROLE, a.get().role().name());
        }
        if (a.get().mustChangePassword() && !mustChangePassword()) {
            session.setAttribute(MUST_CHANGE, true);
        }
        return true;
    }

    public Optional<String> username() {
        return Optional.ofNullable((String) session.getAttribute(USER));
    }

    public Optional<AdminRole> role() {
        return Optional.ofNullable((String) session.getAttribute(ROLE)).map(AdminRole::valueOf);
    }

    public boolean signedIn() {
        return username().isPresent();
    }

    public boolean mustChangePassword() {
        return Boolean.TRUE.equals(session.getAttribute(MUST_CHANGE));
    }

    /** The actor for a signed-in session that may work (password already changed). */
    public Optional<Actor> actor(String source) {
        if (!signedIn() || mustChangePassword()) {
            return Optional.empty();
        }
        return Optional.of(new Actor("admin:" + username().get(), role().orElseThrow(), source));
    }

    /** True when the absolute lifetime since sign-in has passed. */
    public boolean expired(Instant now, Duration maxAge) {
        Object t = session.getAttribute(SIGNED_IN_AT);
        return t instanceof Long at && now.toEpochMilli() - at > maxAge.toMillis();
    }

    public void invalidate() {
        try {
            session.invalidate();
        } catch (IllegalStateException e) {
            // already invalid
        }
    }
}
