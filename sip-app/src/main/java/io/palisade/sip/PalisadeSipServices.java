package io.palisade.sip;

import io.palisade.core.auth.DigestAlgorithm;
import io.palisade.core.auth.DigestAuthenticator;
import io.palisade.core.auth.DigestCompatibility;
import java.util.List;
import io.palisade.core.edge.OverloadGuard;
import io.palisade.core.edge.TransportPolicy;
import io.palisade.core.location.RegistrarService;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.function.IntSupplier;
import java.util.stream.Collectors;

/**
 * The core services the SIP servlets and the edge valve delegate to. The container creates servlets and valves
 * by class name, so the composition root (the embedded server, or a listener in an application-server deployment)
 * installs one instance here before the SIP stack starts.
 */
public final class PalisadeSipServices {
    private static volatile PalisadeSipServices current;

    private final Set<String> domains;
    private final DigestAuthenticator authenticator;
    private final List<DigestAlgorithm> algorithms;
    private final DigestCompatibility compatibility;
    private final RegistrarService registrar;
    private final TransportPolicy transportPolicy;
    private final io.palisade.core.edge.EdgeGuard edge;
    private final java.util.function.Predicate<String> knownUser;
    private final int maxServerTransactions;
    private final int heapPercent;
    private volatile OverloadGuard overloadGuard;
    private volatile Calls calls;

    /** What the B2BUA needs besides the registrar: the media relay and the calls in progress. */
    public record Calls(io.palisade.media.MediaService media, io.palisade.core.call.CallService service) {
        public Calls {
            Objects.requireNonNull(media, "media");
            Objects.requireNonNull(service, "service");
        }
    }

    public PalisadeSipServices(Set<String> domains, DigestAuthenticator authenticator, List<DigestAlgorithm> algorithms,
                               DigestCompatibility compatibility, RegistrarService registrar,
                               TransportPolicy transportPolicy, io.palisade.core.edge.EdgeGuard edge,
                               java.util.function.Predicate<String> knownUser,
                               int maxServerTransactions, int heapPercent) {
        this.edge = Objects.requireNonNull(edge);
        this.knownUser = Objects.requireNonNull(knownUser);
        this.algorithms = List.copyOf(algorithms);
        this.compatibility = Objects.requireNonNull(compatibility);
        this.domains = domains.stream().map(d -> d.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
        this.authenticator = Objects.requireNonNull(authenticator);
        this.registrar = Objects.requireNonNull(registrar);
        this.transportPolicy = Objects.requireNonNull(transportPolicy);
        this.maxServerTransactions = maxServerTransactions;
        this.heapPercent = heapPercent;
    }

    public static void install(PalisadeSipServices services) {
        current = services;
    }

    public static void uninstall() {
        current = null;
    }

    /** @throws IllegalStateException when nothing was installed (a deployment without a composition root) */
    public static PalisadeSipServices get() {
        PalisadeSipServices s = current;
        if (s == null) {
            throw new IllegalStateException("Palisade services are not installed: start Palisade through its server");
        }
        return s;
    }

    static PalisadeSipServices getOrNull() {
        return current;
    }

    public boolean servesDomain(String host) {
        return host != null && domains.contains(stripBrackets(host.toLowerCase(Locale.ROOT)));
    }

    private static String stripBrackets(String h) {
        return h.startsWith("[") && h.endsWith("]") ? h.substring(1, h.length() - 1) : h;
    }

    public Set<String> domains() {
        return domains;
    }

    public DigestAuthenticator authenticator() {
        return authenticator;
    }

    /** The digest algorithms to challenge a client with this User-Agent with. */
    public List<DigestAlgorithm> challengeAlgorithms(String userAgent) {
        return compatibility.offerFor(userAgent, algorithms);
    }

    /** Installs the B2BUA's services (the server does this before the container starts). */
    public PalisadeSipServices withCalls(Calls c) {
        this.calls = Objects.requireNonNull(c);
        return this;
    }

    /** @throws IllegalStateException when the B2BUA was not given media and call services */
    public Calls calls() {
        Calls c = calls;
        if (c == null) {
            throw new IllegalStateException("calls are not enabled: no media relay was installed");
        }
        return c;
    }

    public RegistrarService registrar() {
        return registrar;
    }

    public io.palisade.core.edge.EdgeGuard edge() {
        return edge;
    }

    /** Does a subscriber of this name exist (enabled or not)? Costs a directory lookup. */
    public boolean knownUser(String username) {
        return knownUser.test(username);
    }

    /**
     * A request without credentials named {@code user}: when no such subscriber exists it is counted with the edge as
     * a possible sweep (unless the source is exempt). The answer itself stays the same as for a real user.
     */
    public void probedIfUnknown(String source, String user) {
        if (!edge.isExempt(source) && !knownUser(user)) {
            edge.probed(source, user);
        }
    }

    public TransportPolicy transportPolicy() {
        return transportPolicy;
    }

    /** Created by the valve once the stack exists, since it reads the stack's transaction count. */
    public OverloadGuard overloadGuardFor(IntSupplier serverTransactions) {
        OverloadGuard g = overloadGuard;
        if (g == null) {
            synchronized (this) {
                if (overloadGuard == null) {
                    overloadGuard = new OverloadGuard(maxServerTransactions, heapPercent, serverTransactions,
                            state -> edge.events().record(state.startsWith("on")
                                    ? io.palisade.core.edge.SecurityEvent.Kind.OVERLOAD_ON
                                    : io.palisade.core.edge.SecurityEvent.Kind.OVERLOAD_OFF, "", "", state));
                }
                g = overloadGuard;
            }
        }
        return g;
    }

    public long shedRequests() {
        OverloadGuard g = overloadGuard;
        return g == null ? 0 : g.shedCount();
    }
}
