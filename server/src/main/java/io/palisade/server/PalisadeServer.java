package io.palisade.server;

import io.palisade.core.auth.DigestAlgorithm;
import io.palisade.core.auth.DigestAuthenticator;
import io.palisade.core.auth.DigestConfig;
import io.palisade.core.auth.NonceCountTracker;
import io.palisade.core.auth.NonceService;
import io.palisade.core.config.PalisadeConfig;
import io.palisade.core.db.Database;
import io.palisade.core.edge.EdgeGuard;
import io.palisade.core.edge.JdbcBanStore;
import io.palisade.core.edge.JdbcSecurityEventStore;
import io.palisade.core.edge.JsonSecurityLog;
import io.palisade.core.edge.SecurityEvents;
import io.palisade.core.edge.TransportPolicy;
import io.palisade.core.location.JdbcRegistrationStore;
import io.palisade.core.location.RegistrarConfig;
import io.palisade.core.location.RegistrarService;
import io.palisade.core.location.RegistrationStore;
import io.palisade.core.location.WriteBackRegistrationStore;
import io.palisade.core.subscriber.JdbcSubscriberDirectory;
import io.palisade.core.subscriber.SubscriberDirectory;
import io.palisade.core.tls.TlsIdentity;
import io.palisade.core.tls.TlsPolicy;
import io.palisade.server.container.EmbeddedSipContainer;
import io.palisade.sip.PalisadeSipServices;
import io.palisade.sip.edge.EdgeValve;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The composition root of the embedded server: builds the core services, the TLS identity and the container. */
public final class PalisadeServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PalisadeServer.class);
    /** How long a change made by the CLI (disable, remove, passwd) may take to reach a running server (README). */
    static final java.time.Duration SUBSCRIBER_CACHE_TTL = java.time.Duration.ofSeconds(5);
    /** SO_RCVBUF asked for the plain UDP listener (bytes). */
    static final int UDP_RECEIVE_BUFFER = 2 * 1024 * 1024;

    private final PalisadeConfig config;
    private Database database;
    private EmbeddedSipContainer container;
    private ScheduledExecutorService housekeeping;
    private TlsIdentity tls;
    private Domains domains;
    private SecurityEvents securityEvents;
    private EdgeGuard edge;
    private AdminConsole adminConsole;
    private io.palisade.media.MediaService media;
    private io.palisade.core.call.CallService calls;
    private io.palisade.core.tls.CertificateService certificates;
    /** The registrations when written back (null when written through); closed before the database. */
    private WriteBackRegistrationStore location;

    public PalisadeServer(PalisadeConfig config) {
        this.config = config;
    }

    /** Opens the database (creating it and migrating the schema when needed); shared with the CLI. */
    static Database openDatabase(PalisadeConfig config) throws java.io.IOException {
        Files.createDirectories(config.dataDir());
        // H2's auto-server lets the CLI use the database file while the server runs; keep it on loopback.
        System.setProperty("h2.bindAddress", "127.0.0.1");
        io.palisade.core.db.DatabaseConfig db = config.databaseUrl()
                .map(url -> new io.palisade.core.db.DatabaseConfig(url, config.databaseUser().orElse(""),
                        config.databasePassword().orElse(""), config.sipThreads() + 4))
                .orElseGet(() -> io.palisade.core.db.DatabaseConfig.h2File(config.dataDir()).withMaxPoolSize(config.sipThreads() + 4));
        return Database.open(db);
    }

    public void start() throws Exception {
        long t0 = System.nanoTime();
        domains = Domains.resolve(config);
        database = openDatabase(config);
        Clock clock = Clock.systemUTC();
        io.palisade.core.subscriber.RealmBinding.check(database.dataSource(), domains.realm());
        // Each registration reads its subscriber twice (the name on the first REGISTER, the HA1 on the second): read it
        // once. The CLI writes the database from another process: its changes reach this server within the TTL.
        SubscriberDirectory subscribers = new io.palisade.core.subscriber.CachingSubscriberDirectory(
                new JdbcSubscriberDirectory(database.dataSource(), domains.realm()), SUBSCRIBER_CACHE_TTL, 100_000,
                System::nanoTime);
        RegistrationStore registrations = new JdbcRegistrationStore(database.dataSource());
        if (config.registrationWriteBack()) {
            // memory-first (README: registrar.write-back): the registrar, the console and the metrics all use this one
            location = WriteBackRegistrationStore.open(registrations, config.registrationWriteBackInterval());
            registrations = location;
        }
        RegistrarService registrar = new RegistrarService(
                new RegistrarConfig(config.minExpires(), config.maxExpires(), config.defaultExpires(), config.maxContacts()),
                registrations, clock);
        List<DigestAlgorithm> algorithms = config.authAlgorithms().stream()
                .map(a -> DigestAlgorithm.fromToken(a).orElseThrow()).toList();
        int trackedNonces = NonceCountTracker.boundFor(Runtime.getRuntime().maxMemory());
        DigestConfig digest = new DigestConfig(domains.realm(), config.nonceLifetime(), trackedNonces, algorithms);
        DigestAuthenticator authenticator = new DigestAuthenticator(digest,
                new NonceService(NonceService.newSecret(), config.nonceLifetime(), clock),
                new NonceCountTracker(trackedNonces, config.nonceLifetime(), clock), subscribers.asHa1Lookup());
        // edge.* values changed in the console are stored and beat the file's (EdgeSettingsService)
        io.palisade.core.edge.EdgeSettingsService edgeSettings = new io.palisade.core.edge.EdgeSettingsService(config,
                new io.palisade.core.config.JdbcSettingStore(database.dataSource()), next -> edge.reconfigure(next),
                new io.palisade.core.admin.JdbcAuditLog(database.dataSource(), clock));
        securityEvents = new SecurityEvents(List.of(new JsonSecurityLog(config.securityLog()),
                new JdbcSecurityEventStore(database.dataSource())), clock);
        edge = new EdgeGuard(edgeSettings.current(), new JdbcBanStore(database.dataSource()),
                new io.palisade.core.edge.JdbcUserNetworkStore(database.dataSource()), securityEvents, clock, System::nanoTime);
        calls = new io.palisade.core.call.CallService(config.call(),
                new io.palisade.core.call.JdbcCallRecordStore(database.dataSource()), clock, System::nanoTime);
        int dangling = calls.closeDangling();
        if (dangling > 0) {
            LOG.info("{} call record(s) left open by the previous run were closed", dangling);
        }
        io.palisade.core.call.CallService callService = calls;
        media = io.palisade.media.MediaService.start(relayConfig(), callService::mediaTimeout);
        io.palisade.media.MediaService relay = media;
        calls.liveCounters(id -> relay.engine().session(id).map(s -> {
            io.palisade.media.relay.LegStats a = s.a().stats();
            io.palisade.media.relay.LegStats b = s.b().stats();
            return new io.palisade.core.call.CallService.Counters(a.packetsIn(), a.packetsOut(), b.packetsIn(),
                    b.packetsOut());
        }).orElse(io.palisade.core.call.CallService.Counters.NONE));
        Set<String> served = new HashSet<>(domains.names());
        PalisadeSipServices.install(new PalisadeSipServices(served, authenticator, algorithms,
                new io.palisade.core.auth.DigestCompatibility(config.md5OnlyUserAgents()), registrar,
                new TransportPolicy(config.trustedNetworks(), config.plainRegisterNetworks()), edge,
                user -> io.palisade.core.subscriber.UsernamePolicy.problem(user).isEmpty() && subscribers.find(user).isPresent(),
                config.maxServerTransactions(), config.heapThresholdPercent())
                .withCalls(new PalisadeSipServices.Calls(media, calls)));

        List<String> certNames = new ArrayList<>(domains.names());
        if (!certNames.contains("127.0.0.1")) {
            certNames.add("127.0.0.1");
        }
        tls = TlsIdentity.prepare(config.tls(), config.dataDir(), certNames, clock);
        certificates = new io.palisade.core.tls.CertificateService(tls, config.tls(), config.dataDir(), clock,
                new io.palisade.core.admin.JdbcAuditLog(database.dataSource(), clock));
        // SIP TLS handshakes ask this key manager, so a certificate uploaded in the console applies to new connections
        io.palisade.server.container.PalisadeSecurityManagerProvider.install(certificates.keyManager());

        List<EmbeddedSipContainer.Listener> listeners = new ArrayList<>();
        listeners.add(new EmbeddedSipContainer.Listener("tls", config.sipAddress(), config.tlsPort()));
        config.tcpPort().ifPresent(p -> listeners.add(new EmbeddedSipContainer.Listener("tcp", config.sipAddress(), p)));
        config.udpPort().ifPresent(p -> listeners.add(new EmbeddedSipContainer.Listener("udp", config.sipAddress(), p)));
        Path base = config.dataDir().resolve("container");
        Files.createDirectories(base);
        container = new EmbeddedSipContainer(base, stackProperties(), listeners);
        container.start();

        // --- admin console (issue 6): its own HTTPS listener, same certificate and TLS rules as SIP ---
        if (config.admin().enabled()) {
            adminConsole = AdminConsole.start(config, database.dataSource(), subscribers, registrations, certificates,
                    clock, new AdminConsole.Extras(calls, new io.palisade.core.call.JdbcCallRecordStore(database.dataSource()),
                            edgeSettings, registry -> ServerMetrics.bind(registry, securityEvents, media.engine(), location)));
        }
        // --- end admin console ---

        housekeeping = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "palisade-housekeeping");
            t.setDaemon(true);
            return t;
        });
        housekeeping.scheduleWithFixedDelay(() -> {
            try {
                int n = registrar.sweepExpired();
                if (n > 0) {
                    LOG.debug("swept {} expired bindings", n);
                }
            } catch (RuntimeException e) {
                LOG.warn("sweeping expired bindings failed: {}", e.getClass().getName());
            }
        }, 10, 30, TimeUnit.SECONDS);
        housekeeping.scheduleWithFixedDelay(() -> {
            try {
                callService.sweep();
            } catch (RuntimeException e) {
                LOG.warn("call housekeeping failed: {}", e.getClass().getName());
            }
        }, 1, 1, TimeUnit.SECONDS);
        housekeeping.scheduleWithFixedDelay(() -> {
            try {
                edge.refresh();
            } catch (RuntimeException e) {
                LOG.warn("edge housekeeping failed: {}", e.getClass().getName());
            }
        }, 2, 2, TimeUnit.SECONDS);

        double seconds = (System.nanoTime() - t0) / 1e9;
        System.out.println("TLS certificate " + (tls.generated() ? "(self-signed, generated now) " : "")
                + tls.certificate().getSubjectX500Principal().getName() + ", expires " + tls.notAfter());
        System.out.println("TLS certificate SHA-256 fingerprint: " + tls.fingerprintSha256());
        System.out.println("Domains: " + String.join(", ", domains.names()) + "; realm: " + domains.realm());
        StringBuilder ready = new StringBuilder("Palisade ready in ")
                .append(String.format(Locale.ROOT, "%.2f", seconds)).append(" s:");
        for (EmbeddedSipContainer.Listener l : listeners) {
            ready.append(' ').append(l.transport()).append("://").append(l.address()).append(':').append(l.port());
        }
        ready.append(" media://").append(media.engine().config().publicAddress().getHostAddress()).append(':')
                .append(config.media().portMin()).append('-').append(config.media().portMax());
        if (adminConsole != null) {
            ready.append(" admin=").append(adminConsole.url());
        }
        ready.append(" (data: ").append(config.dataDir()).append(')');
        System.out.println(ready);
    }

    /** The relay binds to media.address, else the SIP address; SDP carries media.public-address, else the bind address. */
    private io.palisade.media.relay.RelayConfig relayConfig() throws java.net.UnknownHostException {
        java.net.InetAddress bind = java.net.InetAddress.getByName(config.media().address().orElse(config.sipAddress()));
        java.net.InetAddress pub;
        if (config.media().publicAddress().isPresent()) {
            pub = java.net.InetAddress.getByName(config.media().publicAddress().get());
        } else if (bind.isAnyLocalAddress()) {
            pub = java.net.InetAddress.getLocalHost();
        } else {
            pub = bind;
        }
        int threads = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
        return new io.palisade.media.relay.RelayConfig(bind, pub, config.media().portMin(), config.media().portMax(), threads,
                config.media().timeout(), true, 1500);
    }

    /** JAIN-SIP and Restcomm stack properties; every TLS default of JAIN-SIP is overridden (they are unsafe). */
    private Properties stackProperties() {
        Properties p = new Properties();
        p.setProperty("javax.sip.STACK_NAME", "palisade");
        p.setProperty("javax.sip.AUTOMATIC_DIALOG_SUPPORT", "off");
        p.setProperty("gov.nist.javax.sip.THREAD_POOL_SIZE", Integer.toString(config.sipThreads()));
        p.setProperty("gov.nist.javax.sip.REENTRANT_LISTENER", "true");
        p.setProperty("gov.nist.javax.sip.MESSAGE_PROCESSOR_FACTORY",
                io.palisade.server.container.PalisadeMessageProcessorFactory.class.getName());
        p.setProperty("gov.nist.javax.sip.MESSAGE_PARSER_FACTORY",
                io.palisade.sip.edge.StrictMessageParserFactory.class.getName());
        p.setProperty("org.mobicents.ha.javax.sip.CACHE_CLASS_NAME", "org.mobicents.ha.javax.sip.cache.NoCache");
        p.setProperty("gov.nist.javax.sip.SIP_MESSAGE_VALVE", EdgeValve.class.getName());
        p.setProperty("gov.nist.javax.sip.MAX_MESSAGE_SIZE", Integer.toString(config.maxMessageSize()));
        p.setProperty("gov.nist.javax.sip.LOG_MESSAGE_CONTENT", "false");
        // JAIN-SIP's own errors (a connection it closes, a message it cannot process) reach the log; at 0 they were
        // silent, which hid why a connection closed. Whole messages only at DEBUG, and the layout redacts secrets.
        boolean deep = config.logLevel().equals("DEBUG") || config.logLevel().equals("TRACE");
        p.setProperty("gov.nist.javax.sip.TRACE_LEVEL", deep ? "DEBUG" : "ERROR");
        p.setProperty("gov.nist.javax.sip.DELIVER_UNSOLICITED_NOTIFY", "false");
        // Not AGGRESSIVE_CLEANUP (= strategy Normal): it encodes each finished request and response to bytes and, when
        // the transaction ends, parses the request again, on every transaction (measured: a fifth of the CPU of a
        // registration, the re-parse on the single timer thread over UDP). The memory it saved over UDP's Timer J
        // was mostly the container's per-request state, which the servlets now detach once they have answered
        // (ContainerMessages.releaseTransactionState). CallLeakIT checks that no session outlives its calls.
        p.setProperty("gov.nist.javax.sip.RELEASE_REFERENCES_STRATEGY", "None");
        // JAIN-SIP sets the UDP socket's receive buffer to 64 KiB (the kernel default is larger): a few dozen
        // datagrams, which one collection pause of the single receiving thread overflows; every datagram lost there
        // costs the client a 500 ms retransmission. 2 MiB holds a pause's worth at thousands of requests a second
        // (Linux caps it at net.core.rmem_max; README).
        p.setProperty("gov.nist.javax.sip.RECEIVE_UDP_BUFFER_SIZE", Integer.toString(UDP_RECEIVE_BUFFER));
        p.setProperty("gov.nist.javax.sip.SECURITY_MANAGER_PROVIDER",
                io.palisade.server.container.PalisadeSecurityManagerProvider.class.getName());
        p.setProperty("javax.net.ssl.keyStore", tls.keystore().toString());
        p.setProperty("javax.net.ssl.keyStorePassword", new String(tls.keystorePassword()));
        p.setProperty("javax.net.ssl.keyStoreType", "PKCS12");
        p.setProperty("javax.net.ssl.trustStore", tls.truststore().toString());
        p.setProperty("javax.net.ssl.trustStorePassword", new String(tls.truststorePassword()));
        p.setProperty("javax.net.ssl.trustStoreType", "PKCS12");
        p.setProperty("gov.nist.javax.sip.TLS_CLIENT_AUTH_TYPE", switch (config.tls().clientAuth()) {
            case NEED -> "Enabled";
            case WANT -> "Want";
            case NONE -> "Disabled";
        });
        p.setProperty("gov.nist.javax.sip.ENABLED_CIPHER_SUITES", String.join(" ", TlsPolicy.cipherSuites()));
        p.setProperty("gov.nist.javax.sip.TLS_CLIENT_PROTOCOLS", String.join(",", TlsPolicy.PROTOCOLS));
        return p;
    }

    public TlsIdentity tls() {
        return certificates == null ? tls : certificates.current();
    }

    @Override
    public void close() {
        if (housekeeping != null) {
            // let a running task finish: interrupting a thread inside H2 closes the database file under everyone
            housekeeping.shutdown();
            try {
                if (!housekeeping.awaitTermination(10, TimeUnit.SECONDS)) {
                    housekeeping.shutdownNow();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (calls != null) {
            // what the calls left behind before shutdown ends anything: a leak test reads this line
            System.out.println("At stop: " + calls.activeCount() + " call(s) in progress; SIP container: "
                    + (container == null ? "stopped" : container.sessionCounts()));
            if (container != null) {
                container.leftoverSessions(10).forEach(l -> System.out.println("  left: " + l));
            }
            calls.close(); // BYE on both legs of calls still up, while the container can still send them
            System.out.println("Call totals: started " + calls.startedCount() + ", answered " + calls.answeredCount()
                    + ", ended " + calls.endedCount());
            calls = null;
        }
        if (adminConsole != null) {
            adminConsole.close();
            adminConsole = null;
        }
        if (container != null) {
            try {
                container.stop();
            } catch (RuntimeException e) {
                LOG.warn("SIP container stop: {}", e.getClass().getName());
            }
            container = null;
        }
        if (media != null) {
            System.out.println("Media relay at stop: " + media.engine().sessionCount() + " session(s) open, "
                    + media.engine().portPairsInUse() + " port pair(s) in use");
            media.close();
            media = null;
        }
        PalisadeSipServices.uninstall();
        if (edge != null) {
            System.out.println("Edge totals: passed " + edge.passed() + ", rejected " + edge.rejected() + ", dropped "
                    + edge.dropped() + "; security events " + edge.events().counts());
            try {
                edge.refresh(); // the failure counters reach the database before it closes
            } catch (RuntimeException e) {
                LOG.warn("storing edge state at shutdown: {}", e.getClass().getName());
            }
            edge = null;
        }
        if (securityEvents != null) {
            securityEvents.close();
            securityEvents = null;
        }
        if (location != null) {
            // nothing changes a binding any more (container, console and sweeps are stopped): write what is pending
            location.close();
            System.out.println("Registrations at stop: " + location.count() + " binding(s) in memory, "
                    + location.pendingAddresses() + " address(es)-of-record not written");
            location = null;
        }
        if (database != null) {
            database.close();
            database = null;
        }
    }

}
