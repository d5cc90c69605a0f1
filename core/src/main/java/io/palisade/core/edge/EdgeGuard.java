// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.core.edge;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SIP firewall's decisions, taken for every request before the SIP stack creates a transaction: access lists,
 * bans, scanner blocking, size and sanity limits, transport rules (RFC 5630 for {@code sips:}; no SDES keys in the
 * clear), and per-address / per-user token buckets. Fed back by the authenticator ({@link #authFailed}) it bans
 * brute-force sources and user-name sweeps, with bans that grow on repeat offences, expire, can be lifted, and
 * survive a restart (through {@link BanStore}).
 *
 * <p>Sources in {@link EdgeConfig#exemptNetworks()} are never limited or banned; sanity limits still apply to them.
 */
public final class EdgeGuard {
    private static final Logger LOG = LoggerFactory.getLogger(EdgeGuard.class);

    private volatile EdgeConfig cfg;
    private final BanStore store;
    private final UserNetworkStore networkStore;
    private volatile Map<String, io.palisade.core.net.NetworkList> userNetworks;
    private final SecurityEvents events;
    private final Clock clock;
    private final LongSupplier nanos;
    private final Map<String, Ban> bans = new ConcurrentHashMap<>();
    private final Map<String, Instant> announcedActive = new HashMap<>(); // guarded by itself; for unban events
    private volatile RateLimiter sourceRequests;
    private volatile RateLimiter sourceRegisters;
    private volatile RateLimiter sourceInvites;
    private volatile RateLimiter userRegisters;
    private final Map<String, Window> failures = new ConcurrentHashMap<>();
    private final Map<String, Probe> probes = new ConcurrentHashMap<>();
    private volatile long lastPrune = Long.MIN_VALUE;
    private final LongAdder passed = new LongAdder();
    private final LongAdder rejected = new LongAdder();
    private final LongAdder dropped = new LongAdder();

    public EdgeGuard(EdgeConfig cfg, BanStore store, SecurityEvents events, Clock clock, LongSupplier nanoTime) {
        this(cfg, store, null, events, clock, nanoTime);
    }

    /** @param networks per-user access lists, or {@code null} for none */
    public EdgeGuard(EdgeConfig cfg, BanStore store, UserNetworkStore networks, SecurityEvents events, Clock clock,
                     LongSupplier nanoTime) {
        this.cfg = cfg;
        this.networkStore = networks;
        this.userNetworks = networks == null ? Map.of() : networks.all();
        this.store = store;
        this.events = events;
        this.clock = clock;
        this.nanos = nanoTime;
        long now = nanoTime.getAsLong();
        int max = cfg.maxTrackedSources();
        sourceRequests = new RateLimiter(cfg.sourceRequests(), max, now);
        sourceRegisters = new RateLimiter(cfg.sourceRegisters(), max, now);
        sourceInvites = new RateLimiter(cfg.sourceInvites(), max, now);
        userRegisters = new RateLimiter(cfg.userRegisters(), max, now);
        Instant t = clock.instant();
        for (Ban b : store.all()) {
            bans.put(b.address(), b);
            if (b.activeAt(t)) {
                announcedActive.put(b.address(), b.until());
            }
        }
        for (BanStore.FailureWindow w : store.failureWindows()) {
            if (w.start().plus(cfg.failureWindow()).isAfter(t)) {
                failures.put(w.subject(), new Window(w.start(), w.failures()));
            }
        }
    }

    public EdgeConfig config() {
        return cfg;
    }

    /**
     * Applies new limits and lists at run time (the console's security page): the next request is judged by them.
     * A rate limiter whose rate or bound changed starts over with full buckets; counters of failed logins and the
     * bans already given are kept.
     */
    public synchronized void reconfigure(EdgeConfig next) {
        EdgeConfig old = cfg;
        long now = nanos.getAsLong();
        int max = next.maxTrackedSources();
        boolean bound = max != old.maxTrackedSources();
        if (bound || !next.sourceRequests().equals(old.sourceRequests())) {
            sourceRequests = new RateLimiter(next.sourceRequests(), max, now);
        }
        if (bound || !next.sourceRegisters().equals(old.sourceRegisters())) {
            sourceRegisters = new RateLimiter(next.sourceRegisters(), max, now);
        }
        if (bound || !next.sourceInvites().equals(old.sourceInvites())) {
            sourceInvites = new RateLimiter(next.sourceInvites(), max, now);
        }
        if (bound || !next.userRegisters().equals(old.userRegisters())) {
            userRegisters = new RateLimiter(next.userRegisters(), max, now);
        }
        cfg = next;
    }

    /** Decides about one request. Never throws for any input. */
    public Verdict inspect(MessageFacts f) {
        Verdict v = decide(f);
        if (v instanceof Verdict.Pass) {
            passed.increment();
        } else if (v instanceof Verdict.Reject) {
            rejected.increment();
        } else {
            dropped.increment();
        }
        return v;
    }

    private Verdict decide(MessageFacts f) {
        String src = f.source();
        boolean exempt = cfg.exemptNetworks().contains(src);
        if (!exempt) {
            if (cfg.denyNetworks().contains(src)) {
                events.record(SecurityEvent.Kind.DENIED, src, "", "source on the deny list");
                return new Verdict.Drop("deny list");
            }
            if ("TLS".equals(f.transport()) && !cfg.tlsAllowNetworks().isEmpty() && !cfg.tlsAllowNetworks().contains(src)) {
                events.record(SecurityEvent.Kind.DENIED, src, "", "source not on the TLS allow list");
                return new Verdict.Drop("not on the TLS allow list");
            }
            Ban ban = bans.get(src);
            if (ban != null && ban.activeAt(clock.instant())) {
                return new Verdict.Drop("banned");
            }
            Optional<String> tool = scanner(f.userAgent());
            if (tool.isPresent()) {
                ban(src, "scanner: User-Agent matches '" + tool.get() + "'", SecurityEvent.Kind.SCANNER, f.toUser());
                return new Verdict.Drop("scanner");
            }
        }
        Verdict.Reject bad = sanity(f);
        if (bad != null) {
            events.record(SecurityEvent.Kind.MALFORMED, src, "", f.method() + ": " + bad.reason());
            return bad;
        }
        if (exempt) {
            return Verdict.PASS;
        }
        long now = nanos.getAsLong();
        TokenBucket over = null;
        TokenBucket b = sourceRequests.bucket(src, now);
        if (!b.tryTake(now)) {
            over = b;
        } else if ("REGISTER".equals(f.method())) {
            TokenBucket s = sourceRegisters.bucket(src, now);
            if (!s.tryTake(now)) {
                over = s;
            } else if (!f.toUser().isEmpty() && f.credentials()) {
                // only requests with credentials count against a user: a flood that merely names a victim must not
                // lock the victim out (and wrong credentials lead to a ban of their source)
                TokenBucket u = userRegisters.bucket(f.toUser().toLowerCase(Locale.ROOT), now);
                if (!u.tryTake(now)) {
                    over = u;
                }
            }
        } else if ("INVITE".equals(f.method()) && !f.inDialog()) {
            TokenBucket s = sourceInvites.bucket(src, now);
            if (!s.tryTake(now)) {
                over = s;
            }
        }
        if (over != null) {
            events.record(SecurityEvent.Kind.RATE_LIMITED, src, f.toUser(), f.method() + " over the rate limit");
            if (over.answerRefusal(now) && !"ACK".equals(f.method())) {
                return new Verdict.Reject(503, "Service Unavailable: rate limit", OptionalInt.of(over.secondsUntilToken()));
            }
            return new Verdict.Drop("rate limit");
        }
        return Verdict.PASS;
    }

    private Verdict.Reject sanity(MessageFacts f) {
        if (!f.syntaxFault().isEmpty()) {
            return new Verdict.Reject(400, "Bad Request: " + f.syntaxFault());
        }
        if (f.headerCount() > cfg.maxHeaders()) {
            return new Verdict.Reject(400, "Bad Request: too many header fields (limit " + cfg.maxHeaders() + ")");
        }
        if (f.longestHeader() > cfg.maxHeaderLength()) {
            return new Verdict.Reject(400, "Bad Request: header field too long (limit " + cfg.maxHeaderLength() + ")");
        }
        if (f.viaCount() > cfg.maxVias()) {
            return new Verdict.Reject(400, "Bad Request: too many Via values (limit " + cfg.maxVias() + ")");
        }
        // A missing Max-Forwards is tolerated as 70 (RFC 3261 section 16.6 step 3; RFC 4475 3.4.1, RFC 2543 clients)
        if (f.maxForwards() > 255) {
            return new Verdict.Reject(400, "Bad Request: Max-Forwards out of range");
        }
        if (f.maxForwards() == 0 && !f.inDialog() && !"REGISTER".equals(f.method()) && !"OPTIONS".equals(f.method())) {
            return new Verdict.Reject(483, "Too Many Hops"); // a request we would forward (RFC 3261 section 16.3)
        }
        if (f.contentLength() >= 0 && f.contentLength() != f.bodyLength()) {
            return new Verdict.Reject(400, "Bad Request: Content-Length does not match the body");
        }
        boolean secure = TransportPolicy.isSecure(f.transport());
        if ("sips".equalsIgnoreCase(f.requestUriScheme()) && !secure) {
            return new Verdict.Reject(403, "Forbidden: sips: requires TLS"); // RFC 5630 section 3.1.3
        }
        if (f.offersCrypto() && !secure) {
            return new Verdict.Reject(488, "Not Acceptable Here: a=crypto requires TLS"); // keys never in the clear
        }
        return null;
    }

    private Optional<String> scanner(String userAgent) {
        if (userAgent == null || userAgent.isEmpty()) {
            return Optional.empty();
        }
        String ua = userAgent.toLowerCase(Locale.ROOT);
        for (String s : cfg.scannerUserAgents()) {
            if (ua.contains(s)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    /**
     * A digest attempt from {@code source} for {@code user} failed (wrong password, or a user that does not exist).
     * Counts it per address and per user, and bans the address when a limit is reached.
     */
    public void authFailed(String source, String user, boolean unknownUser) {
        String u = user == null ? "" : user;
        events.record(SecurityEvent.Kind.AUTH_FAILURE, source, u, unknownUser ? "unknown user" : "wrong password");
        if (cfg.exemptNetworks().contains(source)) {
            return;
        }
        Instant now = clock.instant();
        int fromAddress = bump("a:" + source, now);
        if (fromAddress >= cfg.addressFailures()) {
            ban(source, "brute force: " + fromAddress + " failed logins within " + human(cfg.failureWindow()),
                    SecurityEvent.Kind.AUTH_FAILURE_BURST, u);
            return;
        }
        if (!u.isEmpty()) {
            int againstUser = bump("u:" + u.toLowerCase(Locale.ROOT), now);
            if (againstUser >= cfg.userFailures()) {
                ban(source, "brute force against one user: " + againstUser + " failed logins within "
                        + human(cfg.failureWindow()), SecurityEvent.Kind.AUTH_FAILURE_BURST, u);
                return;
            }
        }
        if (unknownUser && !u.isEmpty()) {
            probe(source, u, now);
        }
    }

    /** True for sources never limited or banned. */
    public boolean isExempt(String source) {
        return cfg.exemptNetworks().contains(source);
    }

    /**
     * A request without credentials (OPTIONS, a first REGISTER) named {@code user}, who does not exist: one more
     * name in a possible sweep (sipvicious' svwar and the like enumerate extensions this way).
     */
    public void probed(String source, String user) {
        if (user == null || user.isEmpty() || isExempt(source)) {
            return;
        }
        probe(source, user, clock.instant());
    }

    private void probe(String source, String user, Instant now) {
        if (probes.size() >= cfg.maxTrackedSources() && !probes.containsKey(source)) {
            if (mayPrune()) {
                probes.values().removeIf(p -> p.expired(now, cfg.failureWindow()));
            }
            if (probes.size() >= cfg.maxTrackedSources()) {
                return;
            }
        }
        Probe p = probes.computeIfAbsent(source, k -> new Probe(now));
        int distinct = p.add(now, cfg.failureWindow(), user.toLowerCase(Locale.ROOT), cfg.scanUsers());
        if (distinct >= cfg.scanUsers()) {
            probes.remove(source);
            ban(source, "scanner: tried " + distinct + " unknown user names", SecurityEvent.Kind.SCANNER, user);
        }
    }

    private int bump(String subject, Instant now) {
        if (failures.size() >= cfg.maxTrackedSources() && !failures.containsKey(subject)) {
            if (mayPrune()) {
                failures.values().removeIf(w -> w.expired(now, cfg.failureWindow()));
            }
            if (failures.size() >= cfg.maxTrackedSources()) {
                return 0; // bounded state; per-address bans still come from the addresses already tracked
            }
        }
        return failures.computeIfAbsent(subject, k -> new Window(now, 0)).add(now, cfg.failureWindow());
    }

    /**
     * May {@code user}, just authenticated, use Palisade from {@code source}? False (and a {@code denied} event) when
     * the user has an access list that does not contain the source.
     */
    public boolean userMayConnectFrom(String user, String source) {
        io.palisade.core.net.NetworkList allowed = userNetworks.get(user);
        if (allowed == null || allowed.isEmpty() || allowed.contains(source)) {
            return true;
        }
        events.record(SecurityEvent.Kind.DENIED, source, user, "user not allowed from this network");
        return false;
    }

    /** True at most once a second: scanning a full map per request would let a flood cost O(n) each. */
    private boolean mayPrune() {
        long n = nanos.getAsLong();
        if (lastPrune == Long.MIN_VALUE || n - lastPrune > 1_000_000_000L) {
            lastPrune = n;
            return true;
        }
        return false;
    }

    /** Bans {@code address} (unless exempt or already banned), records why, and stores it. */
    public void ban(String address, String reason, SecurityEvent.Kind cause, String user) {
        if (cfg.exemptNetworks().contains(address)) {
            return;
        }
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS); // as stored: databases keep micro- or milliseconds
        Ban b;
        synchronized (bans) {
            Ban old = bans.get(address);
            if (old != null && old.activeAt(now)) {
                return;
            }
            int offences = old != null && old.until().plus(cfg.offenceMemory()).isAfter(now) ? old.offences() + 1 : 1;
            Duration d = cfg.banBase().multipliedBy(1L << Math.min(20, offences - 1));
            if (d.compareTo(cfg.banMax()) > 0) {
                d = cfg.banMax();
            }
            b = new Ban(address, reason, now, now.plus(d), offences);
            bans.put(address, b);
            failures.remove("a:" + address);
            try {
                store.save(b); // under the lock, so a concurrent refresh() cannot miss it
            } catch (RuntimeException e) {
                LOG.warn("ban of {} is in force but could not be stored: {}", address, e.getClass().getName());
            }
        }
        if (cause != null) {
            events.record(cause, address, user, reason);
        }
        events.record(SecurityEvent.Kind.BAN, address, user, reason + "; for " + human(Duration.between(b.since(), b.until()))
                + (b.offences() > 1 ? " (offence " + b.offences() + ")" : ""));
        LOG.info("banned {} until {}: {}", address, b.until(), reason);
    }

    /** Lifts an active ban now; false when the address is not banned. */
    public boolean lift(String address, String by) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        Ban lifted;
        synchronized (bans) {
            Ban b = bans.get(address);
            if (b == null || !b.activeAt(now)) {
                return false;
            }
            lifted = new Ban(b.address(), b.reason(), b.since(), now, b.offences());
            bans.put(address, lifted);
            store.save(lifted);
        }
        announce(address, "lifted by " + by);
        return true;
    }

    private void announce(String address, String detail) {
        boolean was;
        synchronized (announcedActive) {
            was = announcedActive.remove(address) != null;
        }
        if (was) {
            events.record(SecurityEvent.Kind.UNBAN, address, "", detail);
        }
    }

    public Optional<Ban> activeBan(String address) {
        Ban b = bans.get(address);
        return b != null && b.activeAt(clock.instant()) ? Optional.of(b) : Optional.empty();
    }

    public List<Ban> activeBans() {
        Instant now = clock.instant();
        List<Ban> out = new ArrayList<>();
        for (Ban b : bans.values()) {
            if (b.activeAt(now)) {
                out.add(b);
            }
        }
        out.sort(Comparator.comparing(Ban::since));
        return out;
    }

    /**
     * Housekeeping, every few seconds: takes in bans lifted or added by another process (the CLI) from the store,
     * announces bans that ended, stores the failure counters, and forgets stale state.
     */
    public void refresh() {
        Instant now = clock.instant();
        synchronized (bans) { // read the store under the lock: a ban() racing with this must not be undone
            Map<String, Ban> stored = new HashMap<>();
            for (Ban b : store.all()) {
                stored.put(b.address(), b);
            }
            for (Iterator<Map.Entry<String, Ban>> it = bans.entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<String, Ban> e = it.next();
                Ban s = stored.get(e.getKey());
                if (s == null) {
                    it.remove(); // ended long ago, or removed from the store by an administrator
                } else if (!s.equals(e.getValue()) && !e.getValue().since().isAfter(s.since())) {
                    e.setValue(s);
                }
            }
            for (Ban s : stored.values()) {
                bans.putIfAbsent(s.address(), s);
            }
        }
        List<String> ended = new ArrayList<>();
        synchronized (announcedActive) {
            for (Map.Entry<String, Instant> e : announcedActive.entrySet()) {
                Ban b = bans.get(e.getKey());
                if (b == null || !b.activeAt(now)) {
                    ended.add(e.getKey());
                }
            }
            for (Ban b : bans.values()) {
                if (b.activeAt(now)) {
                    announcedActive.putIfAbsent(b.address(), b.until());
                }
            }
        }
        for (String a : ended) {
            Instant planned;
            synchronized (announcedActive) {
                planned = announcedActive.get(a);
            }
            Ban b = bans.get(a);
            announce(a, b != null && planned != null && b.until().isBefore(planned) ? "lifted" : "expired");
        }
        if (networkStore != null) {
            userNetworks = networkStore.all(); // takes in changes made with the CLI or the console
        }
        failures.values().removeIf(w -> w.expired(now, cfg.failureWindow()));
        probes.values().removeIf(p -> p.expired(now, cfg.failureWindow()));
        long nano = nanos.getAsLong();
        for (RateLimiter r : List.of(sourceRequests, sourceRegisters, sourceInvites, userRegisters)) {
            r.evictIdle(nano, 60_000_000_000L);
        }
        List<BanStore.FailureWindow> live = new ArrayList<>();
        failures.forEach((k, w) -> live.add(w.snapshot(k)));
        store.saveFailureWindows(live);
        store.forgetEndedBefore(now.minus(cfg.offenceMemory()));
    }

    public long passed() {
        return passed.sum();
    }

    public long rejected() {
        return rejected.sum();
    }

    public long dropped() {
        return dropped.sum();
    }

    public SecurityEvents events() {
        return events;
    }

    static String human(Duration d) {
        long s = d.toSeconds();
        if (s % 86_400 == 0) {
            return s / 86_400 + " d";
        }
        if (s % 3600 == 0) {
            return s / 3600 + " h";
        }
        if (s % 60 == 0) {
            return s / 60 + " min";
        }
        return s + " s";
    }

    /** A fixed counting window. */
    private static final class Window {
        private Instant start;
        private int count;

        Window(Instant start, int count) {
            this.start = start;
            this.count = count;
        }

        synchronized int add(Instant now, Duration length) {
            if (!now.isBefore(start.plus(length))) {
                start = now;
                count = 0;
            }
            return ++count;
        }

        synchronized boolean expired(Instant now, Duration length) {
            return !now.isBefore(start.plus(length));
        }

        synchronized BanStore.FailureWindow snapshot(String subject) {
            return new BanStore.FailureWindow(subject, start, count);
        }
    }

    /** Distinct unknown user names one source tried within a window. */
    private static final class Probe {
        private Instant start;
        private final Set<String> users = new LinkedHashSet<>();

        Probe(Instant start) {
            this.start = start;
        }

        synchronized int add(Instant now, Duration length, String user, int cap) {
            if (!now.isBefore(start.plus(length))) {
                start = now;
                users.clear();
            }
            if (users.size() < cap) {
                users.add(user);
            }
            return users.size();
        }

        synchronized boolean expired(Instant now, Duration length) {
            return !now.isBefore(start.plus(length));
        }
    }
}
