// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.admin.web;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.palisade.core.admin.AdminService;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * {@code /metrics} in the Prometheus text format. Like the API it needs a bearer token (any role: give the scraper
 * an auditor token) or a signed-in console session.
 */
public final class MetricsServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    private final transient PrometheusMeterRegistry registry;
    private final transient AdminService admin;

    public MetricsServlet(PrometheusMeterRegistry registry, AdminService admin) {
        this.registry = registry;
        this.admin = admin;
    }

    /** Credentials first, for every method: without them nothing about the endpoint is told, not even 405. */
    @Override
    protected void service(HttpServletRequest req, HttpServletResponse res)
            throws IOException, jakarta.servlet.ServletException {
        if (allowed(req)) {
            super.service(req, res);
        } else {
            res.setHeader("WWW-Authenticate", "Bearer realm=\"palisade\"");
            res.sendError(HttpServletResponse.SC_UNAUTHORIZED);
        }
    }

    private boolean allowed(HttpServletRequest req) {
        String auth = req.getHeader("Authorization");
        return auth != null
                ? auth.regionMatches(true, 0, "Bearer ", 0, 7) && admin.authenticateToken(auth.substring(7)).isPresent()
                : ConsoleSession.of(req).filter(s -> s.revalidate(admin)).flatMap(s -> s.actor(req.getRemoteAddr()))
                        .isPresent();
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse res) throws IOException {
        res.setContentType("text/plain; version=0.0.4; charset=utf-8");
        res.getOutputStream().write(registry.scrape().getBytes(StandardCharsets.UTF_8));
    }
}
