package io.palisade.server.container;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Properties;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.core.StandardContext;
import org.apache.catalina.core.StandardHost;
import org.mobicents.servlet.sip.core.session.SipStandardManager;
import org.mobicents.servlet.sip.startup.SipContextConfig;
import org.mobicents.servlet.sip.catalina.SipHostConfig;
import org.mobicents.servlet.sip.startup.SipProtocolHandler;
import org.mobicents.servlet.sip.startup.SipStandardContext;
import org.mobicents.servlet.sip.startup.SipStandardEngine;
import org.mobicents.servlet.sip.startup.SipStandardService;

/**
 * Restcomm SIP Servlets on Tomcat 7, embedded from a plain main, the way Restcomm's own test suite does it:
 * service, engine, host, one SIP connector per transport, then the Palisade application as a context.
 * Each quirk measured in ARCHITECTURE.md is handled here rather than left to the user.
 */
public final class EmbeddedSipContainer {
    /** One SIP listening point. {@code transport} is udp, tcp or tls. */
    public record Listener(String transport, String address, int port) {
    }

    private static final String APP_RESOURCES = "/io/palisade/sip/app/";

    private final Path base;
    private final Properties stackProperties;
    private final List<Listener> listeners;
    private SipStandardService service;

    private volatile SipStandardManager manager;

    public EmbeddedSipContainer(Path base, Properties stackProperties, List<Listener> listeners) {
        this.base = base;
        this.stackProperties = stackProperties;
        this.listeners = List.copyOf(listeners);
    }

    public void start() throws Exception {
        Path conf = base.resolve("conf");
        Path app = base.resolve("webapps/palisade");
        Files.createDirectories(conf);
        Files.createDirectories(app.resolve("WEB-INF"));
        copyResource("dar.properties", conf.resolve("dar.properties"));
        copyResource("sip.xml", app.resolve("WEB-INF/sip.xml"));

        System.setProperty("catalina.base", base.toString());
        System.setProperty("catalina.home", base.toString());
        // JDK 9+ no longer finds the router through the old service lookup: name the provider explicitly.
        System.setProperty("javax.servlet.sip.ar.spi.SipApplicationRouterProvider",
                "org.mobicents.servlet.sip.router.DefaultApplicationRouterProvider");

        service = new SipStandardService();
        service.setName("palisade");
        service.setSipApplicationDispatcherClassName(PalisadeDispatcher.class.getName());
        service.setDarConfigurationFileLocation("conf/dar.properties"); // resolved against catalina.base
        service.setSipStackProperties(stackProperties);
        service.setCongestionControlCheckingInterval(30_000);
        service.setGatherStatistics(false);
        service.setUsePrettyEncoding(true);

        SipStandardEngine engine = new SipStandardEngine();
        engine.setName("palisade");
        engine.setBaseDir(base.toString());
        engine.setDefaultHost("localhost");
        engine.setService(service);
        service.setContainer(engine);
        service.init();

        StandardHost host = new StandardHost();
        host.setName("localhost");
        host.setAppBase(base.resolve("webapps").toString());
        host.setConfigClass(StandardContext.class.getName());
        host.addLifecycleListener(new SipHostConfig());
        host.setAutoDeploy(false);
        host.setDeployOnStartup(false);
        engine.addChild(host);

        for (Listener l : listeners) {
            Connector connector = new Connector(SipProtocolHandler.class.getName());
            SipProtocolHandler handler = (SipProtocolHandler) connector.getProtocolHandler();
            handler.setPort(l.port());
            handler.setIpAddress(l.address());
            handler.setSignalingTransport(l.transport());
            service.addConnector(connector);
        }
        // Messages of one call in the order their connection delivered them (see CallOrderedExecutor)
        CallOrderedExecutor.install(Integer.parseInt(stackProperties.getProperty("gov.nist.javax.sip.THREAD_POOL_SIZE", "16")));
        service.start();

        SipStandardContext context = new SipStandardContext();
        context.setDocBase(app.toString());
        context.setName("palisade");
        context.setPath("/palisade");
        context.setParent(host);
        context.addLifecycleListener(new SipContextConfig());
        SipStandardManager manager = new SipStandardManager();
        context.setManager(manager);
        this.manager = manager;
        host.addChild(context);
        if (!context.getAvailable()) {
            throw new IllegalStateException("the Palisade SIP application did not start; see the log above");
        }
    }

    /**
     * Application sessions and SIP sessions the container holds now (what a leak of call state would grow), and how
     * many of the SIP sessions are over and only wait for the stack to report their INVITE transaction ended (the
     * container frees a session when that notice comes; for the last calls before a stop it may not have come yet).
     */
    public String sessionCounts() {
        SipStandardManager m = manager;
        if (m == null) {
            return "unknown";
        }
        int pending = 0;
        try {
            for (var it = m.getAllSipSessions(); it.hasNext(); ) {
                if (awaitingTransactionEnd(it.next())) {
                    pending++;
                }
            }
        } catch (RuntimeException e) {
            pending = -1;
        }
        return m.getActiveSipApplicationSessions() + " application session(s), " + m.getActiveSipSessions()
                + " SIP session(s) (" + pending + " ended, awaiting the stack's transaction-ended notice)";
    }

    private static boolean awaitingTransactionEnd(org.mobicents.servlet.sip.core.session.MobicentsSipSession s) {
        if (s.getState() != javax.servlet.sip.SipSession.State.TERMINATED || !s.isReadyToInvalidate()
                || !s.getInvalidateWhenReady()) {
            return false;
        }
        for (javax.sip.Transaction t : s.getOngoingTransactions()) {
            if (t.getState() != javax.sip.TransactionState.TERMINATED) {
                return false;
            }
        }
        return true;
    }

    /**
     * A few of the SIP sessions still held, one line each (state, the creating request's method, the remote party,
     * open transactions), for the at-stop report when something was left: no credentials or bodies.
     */
    public java.util.List<String> leftoverSessions(int max) {
        SipStandardManager m = manager;
        java.util.List<String> out = new java.util.ArrayList<>();
        if (m == null) {
            return out;
        }
        try {
            for (var it = m.getAllSipSessions(); it.hasNext() && out.size() < max; ) {
                org.mobicents.servlet.sip.core.session.MobicentsSipSession s = it.next();
                var req = s.getSessionCreatingTransactionRequest();
                StringBuilder tx = new StringBuilder();
                for (javax.sip.Transaction t : s.getOngoingTransactions()) {
                    tx.append(t.getRequest().getMethod()).append('/').append(t.getState()).append(' ');
                }
                out.add("state=" + s.getState() + " created-by=" + (req == null ? "?" : req.getMethod())
                        + " remote=" + s.getRemoteParty() + " ready=" + s.isReadyToInvalidate()
                        + " invalidate-when-ready=" + s.getInvalidateWhenReady() + " transactions=[" + tx.toString().trim() + "]");
            }
        } catch (RuntimeException e) {
            out.add("(could not list: " + e.getClass().getSimpleName() + ")");
        }
        return out;
    }

    public void stop() {
        SipStandardService s = service;
        service = null;
        if (s != null) {
            try {
                s.stop();
                s.destroy();
            } catch (LifecycleException e) {
                throw new IllegalStateException("the SIP container did not stop cleanly", e);
            }
        }
    }

    private static void copyResource(String name, Path target) throws IOException {
        try (InputStream in = EmbeddedSipContainer.class.getResourceAsStream(APP_RESOURCES + name)) {
            if (in == null) {
                throw new IOException("missing resource " + APP_RESOURCES + name + " (is palisade-sip-app on the class path?)");
            }
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
