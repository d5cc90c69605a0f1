// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.core.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Digest authentication of SIP requests: RFC 3261 s.22.4 with the RFC 7616 s.3.4 response
 * computation and the SHA-256 algorithm of RFC 8760.
 *
 * <p>Only {@code qop=auth} is accepted (with {@code nc} and {@code cnonce}); the RFC 2069
 * compatibility mode without qop and {@code auth-int} are refused. Nonces are stateless
 * and signed ({@link NonceService}); replay is stopped by the nonce-count
 * ({@link NonceCountTracker}). Responses are compared in constant time, and an unknown user
 * costs the same hashing as a known one.
 *
 * <p>This class does not compare the digest-uri with the Request-URI (RFC 3261 s.22.4
 * leaves that to the caller, which has the request); nonce-count tracking already prevents
 * a captured response from being reused.
 */
public final class DigestAuthenticator {
    private static final String QOP_AUTH = "auth";

    private final DigestConfig config;
    private final NonceService nonces;
    private final NonceCountTracker counts;
    private final Ha1Lookup lookup;
    private final Map<DigestAlgorithm, String> dummyHa1 = new EnumMap<>(DigestAlgorithm.class);
    private final String quotedRealm;

    public DigestAuthenticator(DigestConfig config, NonceService nonces, NonceCountTracker counts,
            Ha1Lookup lookup) {
        this.config = Objects.requireNonNull(config, "config");
        this.nonces = Objects.requireNonNull(nonces, "nonces");
        this.counts = Objects.requireNonNull(counts, "counts");
        this.lookup = Objects.requireNonNull(lookup, "lookup");
        for (DigestAlgorithm a : DigestAlgorithm.values()) {
            // A per-instance random HA1 for unknown users: same work, never matches in practice.
            dummyHa1.put(a, a.hexDigest(java.util.HexFormat.of().formatHex(NonceService.newSecret())));
        }
        this.quotedRealm = quote(config.realm());
    }

    /**
     * One challenge header value per configured algorithm, in configuration order (RFC 8760
     * s.2.4: the preferred algorithm first), all with the same fresh nonce.
     *
     * @param stale whether to add {@code stale=true} (RFC 7616 s.3.3)
     */
    public List<String> challenge(boolean stale) {
        return challenge(stale, config.algorithms());
    }

    /** Like {@link #challenge(boolean)}, offering only those configured algorithms that are in {@code offer}. */
    public List<String> challenge(boolean stale, List<DigestAlgorithm> offer) {
        String nonce = nonces.issue();
        List<String> values = new ArrayList<>(config.algorithms().size());
        for (DigestAlgorithm a : config.algorithms()) {
            if (!offer.contains(a)) {
                continue;
            }
            StringBuilder b = new StringBuilder(128)
                    .append("Digest realm=").append(quotedRealm)
                    .append(", nonce=\"").append(nonce).append('"')
                    .append(", algorithm=").append(a.token())
                    .append(", qop=\"auth\"");
            if (stale) {
                b.append(", stale=true");
            }
            values.add(b.toString());
        }
        return List.copyOf(values);
    }

    /**
     * Authenticates one request.
     *
     * @param method the SIP method of the request (A2 = method ":" digest-uri, RFC 7616 s.3.4.3)
     * @param authorizationValues all Authorization (or Proxy-Authorization) header values; the
     *     one for our realm is used, others are ignored (RFC 3261 s.22.3)
     */
    public AuthOutcome authenticate(String method, List<String> authorizationValues) {
        return authenticate(method, authorizationValues, config.algorithms());
    }

    /**
     * Authenticates one request; any challenge offers only the configured algorithms in {@code offer} (for
     * clients that give up when they see an algorithm they lack, see {@link DigestCompatibility}). Credentials
     * are still accepted for every configured algorithm.
     */
    public AuthOutcome authenticate(String method, List<String> authorizationValues, List<DigestAlgorithm> offer) {
        List<DigestAlgorithm> offered = config.algorithms().stream().anyMatch(offer::contains) ? offer : config.algorithms();
        return authenticateOffering(method, authorizationValues, offered);
    }

    private AuthOutcome authenticateOffering(String method, List<String> authorizationValues,
                                             List<DigestAlgorithm> offer) {
        if (authorizationValues == null || authorizationValues.isEmpty()) {
            return challenge(ChallengeReason.NO_CREDENTIALS, Optional.empty(), false, offer);
        }
        DigestResponse ours = null;
        DigestParse.Malformed firstMalformed = null;
        Optional<String> otherRealmUser = Optional.empty();
        boolean sawDigest = false;
        for (String v : authorizationValues) {
            DigestParse p = DigestResponse.parse(v);
            if (p instanceof DigestParse.Ok ok) {
                if (config.realm().equals(ok.value().realm())) {
                    ours = ok.value();
                    break;
                }
                sawDigest = true;
                if (otherRealmUser.isEmpty()) {
                    otherRealmUser = Optional.of(ok.value().username());
                }
            } else if (p instanceof DigestParse.Malformed m && !DigestParser.NOT_DIGEST.equals(m.reason())) {
                // Credentials of other schemes (Basic, ...) are ignored; broken Digest is not.
                if (firstMalformed == null) {
                    firstMalformed = m;
                }
            }
        }
        if (ours == null) {
            if (firstMalformed != null) {
                return bad(firstMalformed.reason());
            }
            return challenge(sawDigest ? ChallengeReason.WRONG_REALM : ChallengeReason.NO_CREDENTIALS,
                    otherRealmUser, false, offer);
        }
        if (method == null || method.isEmpty()) {
            throw new IllegalArgumentException("method is required");
        }
        Optional<String> user = Optional.of(ours.username());
        if (ours.qop() == null) {
            return bad("missing qop");
        }
        if (!QOP_AUTH.equalsIgnoreCase(ours.qop())) {
            return bad("unsupported qop");
        }
        if (ours.nc() == null) {
            return bad("missing nc");
        }
        if (ours.cnonce() == null || ours.cnonce().isEmpty()) {
            return bad("missing cnonce");
        }
        DigestAlgorithm alg = ours.algorithm();
        if (!config.algorithms().contains(alg)) {
            return bad("algorithm not offered");
        }
        NonceService.Verification nonce = nonces.check(ours.nonce());
        if (nonce.check() == NonceService.NonceCheck.INVALID) {
            return challenge(ChallengeReason.INVALID_NONCE, user, false, offer);
        }
        Optional<String> ha1 = lookup.ha1(ours.username(), alg);
        String effectiveHa1 = ha1.map(h -> h.toLowerCase(Locale.ROOT)).orElse(dummyHa1.get(alg));
        String expected = expectedResponse(alg, effectiveHa1, ours.nonce(), ours.nc(), ours.cnonce(),
                ours.qop(), method, ours.uri());
        boolean match = MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                ours.response().getBytes(StandardCharsets.US_ASCII));
        if (ha1.isEmpty()) {
            return challenge(ChallengeReason.UNKNOWN_USER, user, false, offer);
        }
        if (!match) {
            return challenge(ChallengeReason.WRONG_PASSWORD, user, false, offer);
        }
        if (nonce.check() == NonceService.NonceCheck.STALE) {
            return challenge(ChallengeReason.STALE_NONCE, user, true, offer);
        }
        long nc = Long.parseLong(ours.nc(), 16); // parser guarantees 8 hex digits
        if (!counts.accept(ours.nonce(), nonce.issuedAtMillis(), nc)) {
            // The password was right, so stale=true lets a legitimate client (out-of-order
            // requests on one nonce) retry without prompting; a replayer learns nothing.
            return challenge(ChallengeReason.REPLAYED_NONCE_COUNT, user, true, offer);
        }
        return new AuthOutcome.Authenticated(ours.username(), alg);
    }

    /**
     * The request-digest of RFC 7616 s.3.4.1 for {@code qop=auth}:
     * {@code H(HA1 ":" nonce ":" nc ":" cnonce ":" qop ":" H(method ":" uri))}.
     */
    public static String expectedResponse(DigestAlgorithm alg, String ha1, String nonce, String nc,
            String cnonce, String qop, String method, String uri) {
        String ha2 = alg.hexDigest(method + ":" + uri);
        return alg.hexDigest(ha1 + ":" + nonce + ":" + nc + ":" + cnonce + ":" + qop + ":" + ha2);
    }

    private AuthOutcome challenge(ChallengeReason reason, Optional<String> user, boolean stale, List<DigestAlgorithm> offer) {
        return new AuthOutcome.Challenge(challenge(stale, offer), reason, user);
    }

    private static AuthOutcome bad(String fault) {
        return new AuthOutcome.Rejected(400, "Bad Authorization: " + fault);
    }

    /** RFC 3261 s.25.1 quoted-string. */
    private static String quote(String v) {
        StringBuilder b = new StringBuilder(v.length() + 2).append('"');
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c == '"' || c == '\\') {
                b.append('\\');
            }
            b.append(c);
        }
        return b.append('"').toString();
    }

    @Override
    public String toString() {
        return "DigestAuthenticator[realm=" + config.realm() + ", algorithms=" + config.algorithms() + "]";
    }
}
