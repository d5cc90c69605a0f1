// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.admin.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;

/**
 * Guards the pages (everything but {@code /api/} and {@code /metrics}, which check their own credentials, and
 * static files):
 * <ul>
 * <li>a session older than the absolute limit since sign-in ends (the idle limit is the session timeout);</li>
 * <li>every POST must carry the session's CSRF token as the {@code _csrf} parameter, or gets 403;</li>
 * <li>without a signed-in session only the sign-in page opens; a session that must change its password first sees
 *     only the password page.</li>
 * </ul>
 */
public final class ConsoleFilter extends HttpFilter {
    private static final long serialVersionUID = 1L;
    public static final String SIGN_IN = "/signin.xhtml";
    public static final String PASSWORD = "/password.xhtml";
    public static final String HOME = "/dashboard.xhtml";
    private static final Set<String> PUBLIC_PAGES = Set.of(SIGN_IN);

    private final transient Clock clock;
    private final Duration maxAge;
    private final transient io.palisade.core.admin.AdminService admin;

    public ConsoleFilter(Clock clock, Duration maxAge, io.palisade.core.admin.AdminService admin) {
        this.clock = clock;
        this.maxAge = maxAge;
        this.admin = admin;
    }

    @Override
    protected void doFilter(HttpServletRequest req, HttpServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        req.setCharacterEncoding("UTF-8");
        String path = req.getRequestURI().substring(req.getContextPath().length());
        if (path.startsWith("/api/") || path.equals("/metrics") || path.startsWith("/jakarta.faces.resource/") || path.endsWith(".css") || path.endsWith(".js")
                || path.equals("/openapi.yaml")) {
            chain.doFilter(req, res);
            return;
        }
        ConsoleSession session = ConsoleSession.of(req).orElse(null);
        if (session != null && session.expired(clock.instant(), maxAge)) {
            session.invalidate();
            session = null;
        }
        if (session != null && !session.revalidate(admin)) {
            session = null; // the account was deleted or disabled
        }
        if ("POST".equals(req.getMethod())) {
            if (session == null || !session.csrfMatches(req.getParameter("_csrf"))) {
                res.sendError(HttpServletResponse.SC_FORBIDDEN, "missing or wrong CSRF token");
                return;
            }
        } else if (!"GET".equals(req.getMethod()) && !"HEAD".equals(req.getMethod())) {
            res.sendError(HttpServletResponse.SC_METHOD_NOT_ALLOWED);
            return;
        }
        if (path.equals("/") || path.isEmpty()) {
            res.sendRedirect(req.getContextPath() + HOME);
            return;
        }
        boolean signedIn = session != null && session.signedIn();
        if (!signedIn && !PUBLIC_PAGES.contains(path)) {
            res.sendRedirect(req.getContextPath() + SIGN_IN);
            return;
        }
        if (signedIn && session.mustChangePassword() && !path.equals(PASSWORD)) {
            res.sendRedirect(req.getContextPath() + PASSWORD);
            return;
        }
        chain.doFilter(req, res);
    }
}
