// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.core.location;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The registrar: processes REGISTER requests against the location service, RFC 3261 s.10.3
 * steps 5-8 (steps 1-4, domain and authentication, are the caller's; step 3's check that
 * the authenticated user may register the To address is done here as "To user equals the
 * authenticated user").
 *
 * <p>Contacts carrying {@code +sip.instance} replace earlier bindings of the same instance
 * under another URI (the idea of RFC 5626 s.6 / RFC 5627 s.4: a phone that comes back on a
 * new address does not pile up stale contacts).
 *
 * <p>Changes to one address-of-record are serialised by striped locks within this process,
 * so concurrent REGISTERs of one AOR see each other's results; different AORs proceed in
 * parallel. (Several nodes sharing one database would need row locks as well.)
 */
public final class RegistrarService {
    private static final int STRIPES = 256;
    private static final Comparator<Binding> PRIORITY = Comparator.comparingDouble((Binding b) -> b.q()).reversed()
            .thenComparing(Binding::expiresAt, Comparator.reverseOrder())
            .thenComparing(Binding::contactUri);

    private final RegistrarConfig config;
    private final RegistrationStore store;
    private final Clock clock;
    private final ReentrantLock[] locks = new ReentrantLock[STRIPES];

    public RegistrarService(RegistrarConfig config, RegistrationStore store, Clock clock) {
        this.config = Objects.requireNonNull(config, "config");
        this.store = Objects.requireNonNull(store, "store");
        this.clock = Objects.requireNonNull(clock, "clock");
        for (int i = 0; i < STRIPES; i++) {
            locks[i] = new ReentrantLock();
        }
    }

    /** What one Contact asks for, after validation. */
    private record Wanted(String uri, int expires, float q, String instanceId) {
    }

    /** Processes one REGISTER. */
    public RegisterResult register(RegisterRequest r) {
        Objects.requireNonNull(r, "request");
        if (r.authenticatedUser() == null || !r.authenticatedUser().equals(r.toUser())) {
            return refused(403, "Forbidden: To does not match authenticated user");
        }
        if (r.wildcard()) {
            // s.10.3 step 6
            if (!r.contacts().isEmpty()) {
                return refused(400, "Bad Request: wildcard Contact must be the only Contact");
            }
            if (r.expiresHeader().isEmpty() || r.expiresHeader().getAsInt() != 0) {
                return refused(400, "Bad Request: wildcard Contact requires Expires: 0");
            }
        }
        Map<String, Wanted> wanted = new LinkedHashMap<>();
        for (ContactSpec c : r.contacts()) {
            Optional<String> uri = ContactUri.canonical(c.uri());
            if (uri.isEmpty()) {
                return refused(400, "Bad Request: invalid Contact URI");
            }
            int e = c.expires().isPresent() ? c.expires().getAsInt()
                    : r.expiresHeader().orElse(config.defaultExpires());
            if (e < 0) {
                return refused(400, "Bad Request: negative expires");
            }
            e = Math.min(e, config.maxExpires()); // s.10.3 step 7: the registrar MAY shorten
            if (e > 0 && e < config.minExpires()) {
                return new RegisterResult.Refused(423, "Interval Too Brief",
                        Map.of("Min-Expires", Integer.toString(config.minExpires())));
            }
            float q = c.q().orElse(1.0f);
            if (!(q >= 0.0f && q <= 1.0f)) {
                return refused(400, "Bad Request: q out of range");
            }
            String instance = c.instanceId().filter(s -> !s.isBlank()).orElse(null);
            wanted.put(uri.get(), new Wanted(uri.get(), e, q, instance)); // a repeated contact: last wins
        }

        ReentrantLock lock = lockFor(r.aor());
        lock.lock();
        try {
            return apply(r, wanted);
        } finally {
            lock.unlock();
        }
    }

    private RegisterResult apply(RegisterRequest r, Map<String, Wanted> wanted) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        Map<String, Binding> live = new LinkedHashMap<>();
        Set<String> removed = new LinkedHashSet<>();
        for (Binding b : store.findByAor(r.aor())) {
            if (b.isLive(now)) {
                live.put(b.contactUri(), b);
            } else {
                removed.add(b.contactUri()); // clean up on the way
            }
        }
        if (r.wildcard()) {
            for (Binding b : live.values()) {
                if (outOfOrder(b, r)) {
                    return outOfOrder();
                }
            }
            removed.addAll(live.keySet());
            store.apply(r.aor(), List.of(), List.copyOf(removed));
            return new RegisterResult.Ok(List.of());
        }
        if (wanted.isEmpty()) {
            return new RegisterResult.Ok(sorted(live.values())); // a query (s.10.3 step 8)
        }
        List<Binding> upserts = new ArrayList<>();
        for (Wanted w : wanted.values()) {
            Binding old = live.get(w.uri());
            if (old != null && outOfOrder(old, r)) {
                return outOfOrder();
            }
            if (w.instanceId() != null) {
                for (Binding b : List.copyOf(live.values())) {
                    if (w.instanceId().equals(b.instanceId()) && !b.contactUri().equals(w.uri())
                            && !wanted.containsKey(b.contactUri())) {
                        if (outOfOrder(b, r)) {
                            return outOfOrder();
                        }
                        live.remove(b.contactUri());
                        removed.add(b.contactUri());
                    }
                }
            }
            if (w.expires() == 0) {
                if (live.remove(w.uri()) != null) {
                    removed.add(w.uri());
                }
                continue;
            }
            Binding b = new Binding(r.aor(), w.uri(), w.q(), now.plusSeconds(w.expires()), r.callId(), r.cseq(),
                    r.flow(), r.userAgent(), w.instanceId());
            live.put(w.uri(), b);
            removed.remove(w.uri());
            upserts.add(b);
        }
        if (live.size() > config.maxContactsPerAor()) {
            return refused(403, "Too Many Contacts");
        }
        store.apply(r.aor(), upserts, List.copyOf(removed));
        return new RegisterResult.Ok(sorted(live.values()));
    }

    /** s.10.3 steps 6-7: same Call-ID and a CSeq not higher than stored means an old request. */
    private static boolean outOfOrder(Binding b, RegisterRequest r) {
        return b.callId().equals(r.callId()) && r.cseq() <= b.cseq();
    }

    private static RegisterResult outOfOrder() {
        return refused(500, "Out of order CSeq");
    }

    /** Live bindings of {@code aor}, highest q first (then the longest-lived). */
    public List<Binding> lookup(String aor) {
        Instant now = clock.instant();
        return sorted(store.findByAor(aor).stream().filter(b -> b.isLive(now)).toList());
    }

    /** Deletes expired bindings; returns how many. Run periodically. */
    public int sweepExpired() {
        return store.deleteExpired(clock.instant());
    }

    private static List<Binding> sorted(java.util.Collection<Binding> bindings) {
        List<Binding> out = new ArrayList<>(bindings);
        out.sort(PRIORITY);
        return out;
    }

    private ReentrantLock lockFor(String aor) {
        int h = aor.hashCode();
        return locks[(h ^ (h >>> 16)) & (STRIPES - 1)];
    }

    private static RegisterResult refused(int status, String reason) {
        return new RegisterResult.Refused(status, reason, Map.of());
    }
}
