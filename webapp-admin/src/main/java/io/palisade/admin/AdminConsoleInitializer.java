// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.admin;

import io.palisade.admin.api.ApiApplication;
import io.palisade.admin.web.ConsoleFilter;
import io.palisade.admin.web.MetricsServlet;
import io.palisade.admin.web.SecurityHeadersFilter;
import jakarta.faces.webapp.FacesServlet;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletContainerInitializer;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletRegistration;
import jakarta.servlet.SessionCookieConfig;
import jakarta.servlet.SessionTrackingMode;
import java.util.EnumSet;
import java.util.Set;
import org.glassfish.jersey.servlet.ServletContainer;

/**
 * Wires the console into a servlet context whose host has put {@link AdminServices} in the
 * {@link AdminServices#ATTRIBUTE} attribute: session cookie rules, filters, {@code /api/v1/*} (Jersey),
 * {@code /metrics}, and the Faces servlet for {@code *.xhtml}. The embedded server calls it directly; a container
 * deploying the WAR finds it through {@code META-INF/services} and the services through an
 * {@link AdminServicesProvider}.
 */
public final class AdminConsoleInitializer implements ServletContainerInitializer {
    public static final String CONSOLE_METRICS = ConsoleMetrics.class.getName();

    @Override
    public void onStartup(Set<Class<?>> classes, ServletContext ctx) {
        if (ctx.getAttribute(AdminServices.ATTRIBUTE) == null) {
            AdminServicesProvider provider = java.util.ServiceLoader.load(AdminServicesProvider.class, ctx.getClassLoader())
                    .findFirst().orElseThrow(() -> new IllegalStateException("the admin console needs its host to set "
                            + AdminServices.ATTRIBUTE + " or to provide an " + AdminServicesProvider.class.getName()));
            ctx.setAttribute(AdminServices.ATTRIBUTE, provider.provide(ctx));
        }
        AdminServices s = AdminServices.from(ctx);
        ctx.setAttribute(CONSOLE_METRICS, ConsoleMetrics.bind(s));

        // Sessions: cookie only (never in URLs), Secure, HttpOnly, SameSite=Strict; the idle timeout is the
        // container's, the absolute one is ConsoleFilter's.
        ctx.setSessionTrackingModes(EnumSet.of(SessionTrackingMode.COOKIE));
        SessionCookieConfig cookie = ctx.getSessionCookieConfig();
        cookie.setName("PALISADE_SESSION");
        cookie.setSecure(true);
        cookie.setHttpOnly(true);
        cookie.setPath(ctx.getContextPath().isEmpty() ? "/" : ctx.getContextPath());
        cookie.setAttribute("SameSite", "Strict");
        ctx.setSessionTimeout((int) Math.max(1, s.config().admin().sessionIdle().toMinutes()));

        ctx.setInitParameter("jakarta.faces.PROJECT_STAGE", "Production");
        ctx.setInitParameter("jakarta.faces.STATE_SAVING_METHOD", "server");
        ctx.setInitParameter("jakarta.faces.FACELETS_SKIP_COMMENTS", "true");
        ctx.setInitParameter("jakarta.faces.INTERPRET_EMPTY_STRING_SUBMITTED_VALUES_AS_NULL", "true");
        ctx.setInitParameter("com.sun.faces.forceLoadConfiguration", "true");

        FilterRegistration.Dynamic headers = ctx.addFilter("security-headers", new SecurityHeadersFilter());
        headers.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST, DispatcherType.ERROR), false, "/*");
        FilterRegistration.Dynamic console = ctx.addFilter("console",
                new ConsoleFilter(s.clock(), s.config().admin().sessionMaxAge(), s.admin()));
        console.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), true, "/*");

        ServletRegistration.Dynamic api = ctx.addServlet("api", new ServletContainer(new ApiApplication(s)));
        api.addMapping("/api/v1/*");
        api.setLoadOnStartup(1);
        ctx.addServlet("metrics", new MetricsServlet(s.metrics(), s.admin())).addMapping("/metrics");
        if (ctx.getServletRegistration("FacesServlet") == null) {
            ServletRegistration.Dynamic faces = ctx.addServlet("FacesServlet", FacesServlet.class);
            faces.addMapping("*.xhtml");
            faces.setLoadOnStartup(2);
            // the certificate page uploads a PKCS#12 file; nothing else is multipart
            faces.setMultipartConfig(new jakarta.servlet.MultipartConfigElement(null, 256 * 1024, 320 * 1024, 0));
        }
    }
}
