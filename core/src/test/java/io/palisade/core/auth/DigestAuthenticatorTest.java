// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.core.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.palisade.core.MutableClock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class DigestAuthenticatorTest {
    private static final String REALM = "example.com";
    private static final String URI = "sip:example.com";
    private final MutableClock clock = MutableClock.atEpochSecond(1_700_000_000L);
    private final DigestConfig config = DigestConfig.defaults(REALM);
    private final NonceService nonces = new NonceService(NonceService.newSecret(), config.nonceLifetime(), clock);
    private final NonceCountTracker counts = new NonceCountTracker(1000, config.nonceLifetime(), clock);
    private final Map<String, char[]> passwords = Map.of("alice", "wonderland".toCharArray());
    private final Ha1Lookup lookup = (u, alg) -> Optional.ofNullable(passwords.get(u))
            .map(p -> Ha1.compute(alg, u, REALM, p));
    private final DigestAuthenticator auth = new DigestAuthenticator(config, nonces, counts, lookup);

    private static String nonceOf(String challenge) {
        Matcher m = Pattern.compile("nonce=\"([^\"]+)\"").matcher(challenge);
        assertTrue(m.find());
        return m.group(1);
    }

    /** What a client would send (RFC 7616 s.3.4). */
    private static String authorization(DigestAlgorithm alg, String user, String realm, String password,
            String nonce, String nc, String method) {
        String ha1 = Ha1.compute(alg, user, realm, password.toCharArray());
        String resp = DigestAuthenticator.expectedResponse(alg, ha1, nonce, nc, "xyz", "auth", method, URI);
        return "Digest username=\"" + user + "\", realm=\"" + realm + "\", nonce=\"" + nonce + "\", uri=\"" + URI
                + "\", response=\"" + resp + "\", algorithm=" + alg.token() + ", cnonce=\"xyz\", qop=auth, nc=" + nc;
    }

    private String fresh() {
        return nonceOf(auth.challenge(false).get(0));
    }

    private AuthOutcome.Challenge challenged(AuthOutcome o, ChallengeReason reason) {
        AuthOutcome.Challenge c = assertInstanceOf(AuthOutcome.Challenge.class, o, o.toString());
        assertEquals(reason, c.reason());
        assertEquals(2, c.headerValues().size());
        return c;
    }

    @Test
    void challengeOffersSha256ThenMd5WithOneNonce() {
        List<String> c = auth.challenge(false);
        assertEquals(2, c.size());
        assertTrue(c.get(0).startsWith("Digest realm=\"example.com\", nonce=\""));
        assertTrue(c.get(0).endsWith(", algorithm=SHA-256, qop=\"auth\""), c.get(0));
        assertTrue(c.get(1).endsWith(", algorithm=MD5, qop=\"auth\""), c.get(1));
        assertEquals(nonceOf(c.get(0)), nonceOf(c.get(1)));
        assertTrue(auth.challenge(true).get(0).endsWith(", stale=true"));
        // Our own challenge parses back as a Digest parameter list.
        assertEquals(NonceService.NonceCheck.VALID, nonces.verify(nonceOf(c.get(0))));
    }

    @Test
    void authenticatesBothAlgorithms() {
        for (DigestAlgorithm alg : DigestAlgorithm.values()) {
            AuthOutcome o = auth.authenticate("REGISTER",
                    List.of(authorization(alg, "alice", REALM, "wonderland", fresh(), "00000001", "REGISTER")));
            assertEquals(new AuthOutcome.Authenticated("alice", alg), o);
        }
    }

    @Test
    void noCredentials() {
        AuthOutcome.Challenge c = challenged(auth.authenticate("REGISTER", List.of()), ChallengeReason.NO_CREDENTIALS);
        assertEquals(Optional.empty(), c.attemptedUser());
        challenged(auth.authenticate("REGISTER", List.of("Basic YWxpY2U6eA==")), ChallengeReason.NO_CREDENTIALS);
    }

    @Test
    void wrongRealmIgnoredButReported() {
        String other = authorization(DigestAlgorithm.SHA_256, "alice", "other.org", "wonderland", fresh(), "00000001",
                "REGISTER");
        challenged(auth.authenticate("REGISTER", List.of(other)), ChallengeReason.WRONG_REALM);
        String ours = authorization(DigestAlgorithm.SHA_256, "alice", REALM, "wonderland", fresh(), "00000001",
                "REGISTER");
        assertInstanceOf(AuthOutcome.Authenticated.class, auth.authenticate("REGISTER", List.of(other, ours)));
    }

    @Test
    void wrongPasswordAndUnknownUserAreFailedAttempts() {
        AuthOutcome.Challenge c = challenged(auth.authenticate("REGISTER", List.of(authorization(
                DigestAlgorithm.SHA_256, "alice", REALM, "guess", fresh(), "00000001", "REGISTER"))),
                ChallengeReason.WRONG_PASSWORD);
        assertEquals(Optional.of("alice"), c.attemptedUser());
        assertTrue(c.reason().isFailedAttempt());
        c = challenged(auth.authenticate("REGISTER", List.of(authorization(
                DigestAlgorithm.SHA_256, "mallory", REALM, "x", fresh(), "00000001", "REGISTER"))),
                ChallengeReason.UNKNOWN_USER);
        assertEquals(Optional.of("mallory"), c.attemptedUser());
        assertFalse(c.headerValues().get(0).contains("stale"));
    }

    @Test
    void methodIsPartOfTheResponse() {
        String a = authorization(DigestAlgorithm.SHA_256, "alice", REALM, "wonderland", fresh(), "00000001", "INVITE");
        challenged(auth.authenticate("REGISTER", List.of(a)), ChallengeReason.WRONG_PASSWORD);
    }

    @Test
    void replayedNonceCountIsRefused() {
        String nonce = fresh();
        String first = authorization(DigestAlgorithm.SHA_256, "alice", REALM, "wonderland", nonce, "00000001", "REGISTER");
        assertInstanceOf(AuthOutcome.Authenticated.class, auth.authenticate("REGISTER", List.of(first)));
        AuthOutcome.Challenge c = challenged(auth.authenticate("REGISTER", List.of(first)),
                ChallengeReason.REPLAYED_NONCE_COUNT);
        assertFalse(c.reason().isFailedAttempt());
        String second = authorization(DigestAlgorithm.SHA_256, "alice", REALM, "wonderland", nonce, "00000002", "REGISTER");
        assertInstanceOf(AuthOutcome.Authenticated.class, auth.authenticate("REGISTER", List.of(second)));
    }

    @Test
    void staleNonceWithRightPasswordGetsStaleChallenge() {
        String nonce = fresh();
        clock.advance(config.nonceLifetime().plusSeconds(1));
        AuthOutcome.Challenge c = challenged(auth.authenticate("REGISTER", List.of(authorization(
                DigestAlgorithm.SHA_256, "alice", REALM, "wonderland", nonce, "00000001", "REGISTER"))),
                ChallengeReason.STALE_NONCE);
        assertTrue(c.headerValues().stream().allMatch(v -> v.endsWith(", stale=true")));
        assertEquals(NonceService.NonceCheck.VALID, nonces.verify(nonceOf(c.headerValues().get(0))));
        // A stale nonce with a wrong password is a failed attempt, not "stale".
        challenged(auth.authenticate("REGISTER", List.of(authorization(
                DigestAlgorithm.SHA_256, "alice", REALM, "nope", nonce, "00000001", "REGISTER"))),
                ChallengeReason.WRONG_PASSWORD);
    }

    @Test
    void forgedNonceIsInvalid() {
        String a = authorization(DigestAlgorithm.SHA_256, "alice", REALM, "wonderland",
                "dcd98b7102dd2f0e8b11d0f600bfb0c093", "00000001", "REGISTER");
        challenged(auth.authenticate("REGISTER", List.of(a)), ChallengeReason.INVALID_NONCE);
    }

    @Test
    void malformedAndUnsupportedAreRejected() {
        String nonce = fresh();
        String good = authorization(DigestAlgorithm.SHA_256, "alice", REALM, "wonderland", nonce, "00000001", "REGISTER");
        assertEquals(new AuthOutcome.Rejected(400, "Bad Authorization: missing nonce"),
                auth.authenticate("REGISTER", List.of(good.replace("nonce=\"" + nonce + "\", ", ""))));
        assertEquals(new AuthOutcome.Rejected(400, "Bad Authorization: unsupported qop"),
                auth.authenticate("REGISTER", List.of(good.replace("qop=auth", "qop=auth-int"))));
        assertEquals(new AuthOutcome.Rejected(400, "Bad Authorization: missing qop"),
                auth.authenticate("REGISTER", List.of(good.replace(", qop=auth", ""))));
        assertEquals(new AuthOutcome.Rejected(400, "Bad Authorization: missing cnonce"),
                auth.authenticate("REGISTER", List.of(good.replace(", cnonce=\"xyz\"", ""))));
        assertEquals(new AuthOutcome.Rejected(400, "Bad Authorization: missing nc"),
                auth.authenticate("REGISTER", List.of(good.replace(", nc=00000001", ""))));
        assertEquals(new AuthOutcome.Rejected(400, "Bad Authorization: unsupported algorithm"),
                auth.authenticate("REGISTER", List.of(good.replace("algorithm=SHA-256", "algorithm=MD5-sess"))));
    }

    @Test
    void algorithmMustBeConfigured() {
        DigestConfig shaOnly = new DigestConfig(REALM, Duration.ofSeconds(300), 100, List.of(DigestAlgorithm.SHA_256));
        DigestAuthenticator a = new DigestAuthenticator(shaOnly, nonces, counts, lookup);
        assertEquals(1, a.challenge(false).size());
        String md5 = authorization(DigestAlgorithm.MD5, "alice", REALM, "wonderland", fresh(), "00000001", "REGISTER");
        assertEquals(new AuthOutcome.Rejected(400, "Bad Authorization: algorithm not offered"),
                a.authenticate("REGISTER", List.of(md5)));
    }

    @Test
    void outcomesNeverRevealSecrets() {
        String nonce = fresh();
        String v = authorization(DigestAlgorithm.SHA_256, "alice", REALM, "wonderland", nonce, "00000001", "REGISTER");
        String response = ((DigestParse.Ok) DigestResponse.parse(v)).value().response();
        for (AuthOutcome o : List.of(auth.authenticate("REGISTER", List.of(v)), auth.authenticate("REGISTER", List.of(v)),
                auth.authenticate("REGISTER", List.of(v.replace("qop=auth", "qop=x"))))) {
            String s = o.toString();
            assertFalse(s.contains(response), s);
            assertFalse(s.contains("wonderland"), s);
            assertFalse(s.contains(Ha1.compute(DigestAlgorithm.SHA_256, "alice", REALM, "wonderland".toCharArray())), s);
        }
        assertFalse(auth.toString().contains(nonce));
    }

    @Test
    void configValidation() {
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new DigestConfig(" ", Duration.ofSeconds(1), 1, List.of(DigestAlgorithm.MD5)));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new DigestConfig("r", Duration.ZERO, 1, List.of(DigestAlgorithm.MD5)));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new DigestConfig("r", Duration.ofSeconds(1), 1, List.of()));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new DigestConfig("r", Duration.ofSeconds(1), 1, List.of(DigestAlgorithm.MD5, DigestAlgorithm.MD5)));
        DigestConfig d = DigestConfig.defaults("r");
        assertEquals(List.of(DigestAlgorithm.SHA_256, DigestAlgorithm.MD5), d.algorithms());
        assertEquals(Duration.ofSeconds(300), d.nonceLifetime());
        assertEquals(100_000, d.maxTrackedNonces());
    }
}
