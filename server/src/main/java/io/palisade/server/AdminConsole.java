// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.server;

import com.sun.faces.config.FacesInitializer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.palisade.admin.AdminConsoleInitializer;
import io.palisade.admin.AdminServices;
import io.palisade.admin.web.ConsoleBean;
import io.palisade.core.admin.AdminService;
import io.palisade.core.admin.Argon2idPasswords;
import io.palisade.core.admin.JdbcAdminAccountStore;
import io.palisade.core.admin.JdbcApiTokenStore;
import io.palisade.core.admin.JdbcAuditLog;
import io.palisade.core.admin.SignInThrottle;
import io.palisade.core.config.AdminConfig;
import io.palisade.core.config.PalisadeConfig;
import io.palisade.core.location.RegistrationStore;
import io.palisade.core.subscriber.SubscriberDirectory;
import io.palisade.core.tls.TlsIdentity;
import io.palisade.core.tls.TlsPolicy;
import java.time.Clock;
import java.util.Optional;
import javax.sql.DataSource;
import org.eclipse.jetty.ee10.servlet.DefaultServlet;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.resource.ResourceFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The admin console, embedded: Jetty 12 (ee10) on its own HTTPS listener with the SIP listener's certificate and
 * TLS rules ({@link TlsPolicy}), Weld for CDI, Mojarra for the pages, Jersey for {@code /api/v1}. The console's
 * own wiring is in {@link AdminConsoleInitializer}; this class only hosts it and hands it the core services.
 */
final class AdminConsole implements AutoCloseable {
    /** Where the pages are on the class path (the console's classes jar). */
    static final String WEB_ROOT = "META-INF/palisade-admin/";

    private final Server jetty;
    private final String url;

    private AdminConsole(Server jetty, String url) {
        this.jetty = jetty;
        this.url = url;
    }

    /**
     * Builds the admin services on {@code ds}, creates the initial administrator on an empty database (printing a
     * generated one-time password once), and starts the HTTPS listener.
     */
    /** The services of features beyond users and registrations (calls, edge settings). */
    record Extras(io.palisade.core.call.CallService calls, io.palisade.core.call.CallRecordStore callRecords,
            io.palisade.core.edge.EdgeSettingsService edgeSettings,
            java.util.function.Consumer<io.micrometer.core.instrument.MeterRegistry> meters) {
    }

    static AdminConsole start(PalisadeConfig config, DataSource ds, SubscriberDirectory subscribers,
            RegistrationStore registrations, io.palisade.core.tls.CertificateService certificates, Clock clock,
            Extras extras) throws Exception {
        TlsIdentity tls = certificates.current();
        AdminConfig cfg = config.admin();
        AdminService admin = new AdminService(new JdbcAdminAccountStore(ds, clock), new JdbcApiTokenStore(ds),
                new JdbcAuditLog(ds, clock), Argon2idPasswords.defaults(), SignInThrottle.defaults(clock), clock);
        Optional<String> oneTime = admin.bootstrap(cfg.initialPassword().map(String::toCharArray));
        AdminServices services = new AdminServices(admin, subscribers, registrations, config, tls,
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), clock, new io.palisade.core.edge.JdbcBanStore(ds),
                new io.palisade.core.edge.JdbcSecurityEventStore(ds), extras.calls(), extras.callRecords(),
                extras.edgeSettings(), certificates, new io.palisade.core.edge.JdbcUserNetworkStore(ds));
        extras.meters().accept(services.metrics()); // what the SIP side and the relay count, on the same /metrics

        QueuedThreadPool threads = new QueuedThreadPool(32, 2);
        threads.setName("admin-http");
        Server server = new Server(threads);
        server.setStopAtShutdown(false); // PalisadeServer.close() stops it, in order
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        SecureRequestCustomizer secure = new SecureRequestCustomizer();
        secure.setSniHostCheck(false); // browsers send no SNI for an IP address; the browser checks the name
        http.addCustomizer(secure);
        SslContextFactory.Server ssl = new SslContextFactory.Server();
        ssl.setKeyStorePath(tls.keystore().toString());
        ssl.setKeyStorePassword(new String(tls.keystorePassword()));
        ssl.setKeyStoreType("PKCS12");
        ssl.setIncludeProtocols(TlsPolicy.PROTOCOLS.toArray(new String[0]));
        ssl.setIncludeCipherSuites(TlsPolicy.cipherSuiteArray());
        ssl.setUseCipherSuitesOrder(true);
        ssl.setRenegotiationAllowed(false);
        // an uploaded certificate is written into the same runtime keystore: re-read it for new connections
        certificates.onChange(() -> {
            try {
                ssl.reload(f -> { });
            } catch (Exception e) {
                throw new IllegalStateException("console TLS reload failed: " + e.getClass().getSimpleName());
            }
        });
        ServerConnector connector = new ServerConnector(server, 1, 1, new SslConnectionFactory(ssl, "http/1.1"),
                new HttpConnectionFactory(http));
        connector.setHost(cfg.address());
        connector.setPort(cfg.port());
        connector.setIdleTimeout(30_000);
        server.addConnector(connector);

        ServletContextHandler ctx = new ServletContextHandler(ServletContextHandler.SESSIONS);
        ctx.setContextPath("/");
        ctx.setClassLoader(AdminConsole.class.getClassLoader()); // Weld and Mojarra look classes up through it
        ctx.setBaseResource(ResourceFactory.of(ctx).newClassLoaderResource(WEB_ROOT));
        ctx.setProtectedTargets(new String[] {"/WEB-INF", "/META-INF"});
        ctx.setAttribute(AdminServices.ATTRIBUTE, services);
        ctx.setInitParameter(org.jboss.weld.environment.servlet.Container.CONTEXT_PARAM_CONTAINER_CLASS,
                WeldWithoutServletInjection.class.getName());
        // Order matters: CDI first, then the console's servlets and filters, then Faces (which needs CDI).
        ctx.addEventListener(new org.jboss.weld.environment.servlet.Listener());
        ctx.addServletContainerInitializer(new AdminConsoleInitializer());
        ctx.addServletContainerInitializer(new FacesInitializer(), ConsoleBean.class);
        ServletHolder files = new ServletHolder("default", DefaultServlet.class);
        files.setInitParameter("dirAllowed", "false");
        files.setInitParameter("etags", "true");
        ctx.addServlet(files, "/");
        server.setHandler(ctx);
        server.start();

        String host = cfg.address().contains(":") ? "[" + cfg.address() + "]" : cfg.address();
        String url = "https://" + ("0.0.0.0".equals(cfg.address()) ? "127.0.0.1" : host) + ":" + connector.getLocalPort() + "/";
        System.out.println("Admin console: " + url);
        oneTime.ifPresent(p -> System.out.println("Admin console initial user 'admin', one-time password: " + p
                + "  (shown only now; it must be changed at first sign-in)"));
        return new AdminConsole(server, url);
    }

    String url() {
        return url;
    }

    @Override
    public void close() {
        try {
            jetty.stop();
        } catch (Exception e) {
            org.slf4j.LoggerFactory.getLogger(AdminConsole.class).warn("admin console stop: {}", e.getClass().getName());
        }
    }
}
