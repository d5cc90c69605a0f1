package io.palisade.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin console's security rules over HTTPS against the real server: 401 without credentials, 403 for the
 * wrong role, CSRF on forms, problem documents naming the field, and no password, HA1 or token in any answer.
 */
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
class AdminConsoleIT {
    static final String ADMIN_PASSWORD = "configured-initial-9";
    static final String NEW_ADMIN_PASSWORD = "the-admins-own-password";
    static final String SIP_PASSWORD = "sip-secret-for-ivy";
    @TempDir
    static Path tmp;
    static PalisadeProcess server;
    static Path cert;
    static ConsoleHttp admin;
    static String csrf;
    static String auditorToken;
    static String operatorToken;
    static String administratorToken;

    @BeforeAll
    static void start() throws Exception {
        Path data = tmp.resolve("data");
        Map<String, String> cfg = PalisadeProcess.defaults(data);
        cfg.put("admin.initial-password", ADMIN_PASSWORD);
        cfg.put("auth.md5-only-user-agents", "baresip,SIPp"); // Debian's SIPp answers MD5 challenges only
        server = PalisadeProcess.start(data, cfg);
        cert = data.resolve("tls/server-cert.pem");
        admin = new ConsoleHttp(server.adminPort, cert);
        admin.get("/signin.xhtml");
        String anonymousSession = admin.sessionId();
        HttpResponse<String> r = admin.submit("/signin.xhtml", "signin", "submit",
                Map.of("username", "admin", "password", ADMIN_PASSWORD));
        assertEquals("/password.xhtml", r.headers().firstValue("Location").orElse(""), r.body());
        String signedInSession = admin.sessionId();
        assertFalse(anonymousSession.isEmpty());
        assertNotEquals(anonymousSession, signedInSession, "a new session id after sign-in (no fixation)");
        // until the password is changed, the session opens nothing else
        assertEquals(401, admin.get("/api/v1/users").statusCode());
        assertEquals("/password.xhtml", admin.get("/users.xhtml").headers().firstValue("Location").orElse(""));
        r = admin.submit("/password.xhtml", "password", "submit", Map.of("current", ADMIN_PASSWORD,
                "next", NEW_ADMIN_PASSWORD, "confirm", NEW_ADMIN_PASSWORD));
        assertEquals("/dashboard.xhtml", r.headers().firstValue("Location").orElse(""), r.body());
        assertNotEquals(signedInSession, admin.sessionId(), "a new session id after the password change");
        ConsoleHttp stale = new ConsoleHttp(server.adminPort, cert);
        assertEquals(401, stale.get("/api/v1/dashboard", "Cookie", "PALISADE_SESSION=" + signedInSession).statusCode(),
                "the id from before the password change opens nothing");
        csrf = ConsoleHttp.csrf(admin.get("/dashboard.xhtml").body());
        auditorToken = token("auditor");
        operatorToken = token("operator");
        administratorToken = token("administrator");
    }

    private static String token(String role) throws Exception {
        HttpResponse<String> r = admin.send("POST", "/api/v1/tokens", "{\"name\":\"it-" + role + "\",\"role\":\"" + role + "\"}",
                "X-CSRF-Token", csrf);
        assertEquals(201, r.statusCode(), r.body());
        Matcher m = Pattern.compile("\"secret\":\"([^\"]+)\"").matcher(r.body());
        assertTrue(m.find(), r.body());
        return m.group(1);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    static final List<String[]> API = List.of(
            new String[] {"GET", "/api/v1/users"}, new String[] {"POST", "/api/v1/users"},
            new String[] {"GET", "/api/v1/users/alice"}, new String[] {"PATCH", "/api/v1/users/alice"},
            new String[] {"PUT", "/api/v1/users/alice/password"}, new String[] {"DELETE", "/api/v1/users/alice"},
            new String[] {"GET", "/api/v1/registrations"}, new String[] {"DELETE", "/api/v1/registrations?aor=a&contact=b"},
            new String[] {"GET", "/api/v1/settings"}, new String[] {"GET", "/api/v1/certificate"},
            new String[] {"GET", "/api/v1/audit"}, new String[] {"GET", "/api/v1/dashboard"},
            new String[] {"GET", "/api/v1/tokens"}, new String[] {"POST", "/api/v1/tokens"},
            new String[] {"DELETE", "/api/v1/tokens/x"}, new String[] {"GET", "/api/v1/nothing-here"},
            new String[] {"GET", "/metrics"}, new String[] {"POST", "/metrics"}, new String[] {"DELETE", "/metrics"},
            new String[] {"GET", "/api/v1/calls/active"}, new String[] {"DELETE", "/api/v1/calls/active/x"},
            new String[] {"GET", "/api/v1/calls/history"}, new String[] {"GET", "/api/v1/calls/history.csv"},
            new String[] {"GET", "/api/v1/admins"}, new String[] {"POST", "/api/v1/admins"},
            new String[] {"GET", "/api/v1/admins/admin"}, new String[] {"PATCH", "/api/v1/admins/admin"},
            new String[] {"DELETE", "/api/v1/admins/admin"}, new String[] {"POST", "/api/v1/admins/admin/password-reset"},
            new String[] {"GET", "/api/v1/security/edge"}, new String[] {"PUT", "/api/v1/security/edge"},
            new String[] {"PUT", "/api/v1/certificate"});

    @Test
    void everyApiCallWithoutValidCredentialsGets401() throws Exception {
        ConsoleHttp anonymous = new ConsoleHttp(server.adminPort, cert);
        for (String[] call : API) {
            String body = call[0].equals("GET") || call[0].equals("DELETE") ? null : "{}";
            for (String[] headers : List.of(new String[0], new String[] {"Authorization", "Bearer pal_nope.nope"},
                    new String[] {"Authorization", "Basic YWRtaW46eA=="},
                    new String[] {"Authorization", "Bearer " + auditorToken + "x"})) {
                HttpResponse<String> r = anonymous.send(call[0], call[1], body, headers);
                assertEquals(401, r.statusCode(), call[0] + " " + call[1] + " " + String.join(" ", headers) + ": " + r.body());
            }
        }
    }

    @Test
    void securityEventsAndBansAreShownAndAnOperatorLiftsABan() throws Exception {
        assertEquals(0, server.cli("pw-mallory-target\n", "user", "add", "target", "--password-stdin").exitCode());
        for (int i = 0; i < 10; i++) { // edge.ban.address-failures = 10
            EdgeIT.register(server, "127.0.0.2", "target", "guess-" + i);
        }
        assertTrue(EdgeIT.ignored(server, "127.0.0.2"), "banned by the edge");
        ConsoleHttp c = new ConsoleHttp(server.adminPort, cert);
        String[] auditor = {"Authorization", "Bearer " + auditorToken};
        String[] operator = {"Authorization", "Bearer " + operatorToken};
        HttpResponse<String> bans = c.get("/api/v1/security/bans", auditor);
        assertEquals(200, bans.statusCode(), bans.body());
        assertTrue(bans.body().contains("\"address\":\"127.0.0.2\"") && bans.body().contains("brute force"), bans.body());
        EdgeIT.await("auth failures in the events", java.time.Duration.ofSeconds(10), () -> {
            try {
                String b = c.get("/api/v1/security/events?minutes=10", auditor).body();
                return b.contains("\"event\":\"auth_failure\"") && b.contains("\"source\":\"127.0.0.2\"");
            } catch (Exception e) {
                return false;
            }
        });
        assertFalse(c.get("/api/v1/security/events", auditor).body().contains("guess-"), "no password in events");
        String dashboard = c.get("/api/v1/dashboard", auditor).body();
        assertTrue(dashboard.contains("\"activeBans\":1"), dashboard);
        assertFalse(dashboard.contains("securityEventsLastHour\",") && dashboard.contains("\"unavailable\":[\"activeCalls\",\"callsToday\",\"securityEventsLastHour"), dashboard);

        assertEquals(403, c.send("DELETE", "/api/v1/security/bans/127.0.0.2", null, auditor).statusCode(), "auditors only read");
        HttpResponse<String> bad = c.send("DELETE", "/api/v1/security/bans/not-an-ip", null, operator);
        assertEquals(400, bad.statusCode(), bad.body());
        assertTrue(bad.body().contains("address"), bad.body());
        assertEquals(204, c.send("DELETE", "/api/v1/security/bans/127.0.0.2", null, operator).statusCode());
        assertEquals(404, c.send("DELETE", "/api/v1/security/bans/127.0.0.2", null, operator).statusCode(), "no longer banned");
        EdgeIT.await("the running server lets the address in", java.time.Duration.ofSeconds(15), () -> {
            try {
                return !EdgeIT.ignored(server, "127.0.0.2");
            } catch (java.io.IOException e) {
                return false;
            }
        });
        String audit = c.get("/api/v1/audit", auditor).body();
        assertTrue(audit.contains("ban.lift") && audit.contains("127.0.0.2"), audit);
    }

    @Test
    void theWrongRoleGets403() throws Exception {
        ConsoleHttp c = new ConsoleHttp(server.adminPort, cert);
        String[] auditor = {"Authorization", "Bearer " + auditorToken};
        assertEquals(200, c.get("/api/v1/users", auditor).statusCode(), "an auditor reads");
        assertEquals(200, c.get("/api/v1/audit", auditor).statusCode());
        assertEquals(200, c.get("/metrics", auditor).statusCode());
        assertEquals(403, c.send("POST", "/api/v1/users", "{\"username\":\"x1\",\"password\":\"long-enough\"}", auditor).statusCode());
        assertEquals(403, c.send("PATCH", "/api/v1/users/x1", "{\"enabled\":false}", auditor).statusCode());
        assertEquals(403, c.send("DELETE", "/api/v1/users/x1", null, auditor).statusCode());
        assertEquals(403, c.send("DELETE", "/api/v1/registrations?aor=a&contact=b", null, auditor).statusCode());
        assertEquals(403, c.get("/api/v1/tokens", auditor).statusCode());
        HttpResponse<String> r = c.send("POST", "/api/v1/tokens", "{\"name\":\"x\",\"role\":\"administrator\"}", auditor);
        assertEquals(403, r.statusCode());
        assertEquals("application/problem+json", r.headers().firstValue("Content-Type").orElse(""));

        String[] operator = {"Authorization", "Bearer " + operatorToken};
        assertEquals(201, c.send("POST", "/api/v1/users", "{\"username\":\"opuser\",\"password\":\"long-enough\"}",
                operator).statusCode());
        assertEquals(204, c.send("DELETE", "/api/v1/users/opuser", null, operator).statusCode());
        assertEquals(403, c.get("/api/v1/tokens", operator).statusCode(), "only administrators manage tokens");
    }

    @Test
    void formPostsWithoutTheCsrfTokenAreRefused() throws Exception {
        ConsoleHttp c = new ConsoleHttp(server.adminPort, cert);
        String page = c.get("/signin.xhtml").body();
        String viewState = Pattern.compile("ViewState:0\" value=\"([^\"]+)\"").matcher(page).results().findFirst()
                .orElseThrow().group(1);
        Map<String, String> form = new java.util.HashMap<>(Map.of("signin", "signin", "signin:username", "admin",
                "signin:password", NEW_ADMIN_PASSWORD, "signin:submit", "Sign in", "jakarta.faces.ViewState", viewState));
        assertEquals(403, c.postForm("/signin.xhtml", form).statusCode(), "no token");
        form.put("_csrf", "forged");
        assertEquals(403, c.postForm("/signin.xhtml", form).statusCode(), "wrong token");
        form.put("_csrf", ConsoleHttp.csrf(page));
        assertEquals(302, c.postForm("/signin.xhtml", form).statusCode(), "right token");

        // a signed-in session's unsafe API calls need the token too (header), and another session's is no good
        assertEquals(401, admin.send("DELETE", "/api/v1/tokens/none", null).statusCode());
        assertEquals(401, admin.send("DELETE", "/api/v1/tokens/none", null, "X-CSRF-Token", "forged").statusCode());
        assertEquals(404, admin.send("DELETE", "/api/v1/tokens/none", null, "X-CSRF-Token", csrf).statusCode());
        for (String[] write : List.of(new String[] {"DELETE", "/api/v1/calls/active/none", null},
                new String[] {"POST", "/api/v1/admins", "{\"username\":\"csrf-test\",\"role\":\"auditor\"}"},
                new String[] {"PUT", "/api/v1/security/edge", "{\"edge.max-vias\":null}"},
                new String[] {"PUT", "/api/v1/certificate", "{\"format\":\"pem\"}"})) {
            assertEquals(401, admin.send(write[0], write[1], write[2]).statusCode(), write[1] + " without the token");
            assertNotEquals(401, admin.send(write[0], write[1], write[2], "X-CSRF-Token", csrf).statusCode(), write[1]);
        }
        assertEquals(204, admin.send("DELETE", "/api/v1/admins/csrf-test", null, "X-CSRF-Token", csrf).statusCode());
    }

    @Test
    void validationErrorsAreProblemDocumentsNamingTheField() throws Exception {
        String[] op = {"Authorization", "Bearer " + operatorToken};
        HttpResponse<String> r = admin.send("POST", "/api/v1/users", "{\"username\":\"bad name\",\"password\":\"long-enough\"}", op);
        assertEquals(400, r.statusCode(), r.body());
        assertEquals("application/problem+json", r.headers().firstValue("Content-Type").orElse(""));
        assertTrue(r.body().contains("\"field\":\"username\""), r.body());
        r = admin.send("PUT", "/api/v1/users/nobody/password", "{\"password\":\"short\"}", op);
        assertEquals(400, r.statusCode(), r.body());
        assertTrue(r.body().contains("\"field\":\"password\""), r.body());
        assertFalse(r.body().contains("short\""), "the rejected value is not echoed: " + r.body());
        r = admin.get("/api/v1/users?limit=0", op);
        assertEquals(400, r.statusCode(), r.body());
        assertTrue(r.body().contains("\"field\":\"limit\""), r.body());
        r = admin.send("PATCH", "/api/v1/users/nobody", "{\"enabled\":true}", op);
        assertEquals(404, r.statusCode(), r.body());
        r = admin.send("POST", "/api/v1/users", "{\"username\":\"dup\",\"password\":\"long-enough\"}", op);
        assertEquals(201, r.statusCode(), r.body());
        r = admin.send("POST", "/api/v1/users", "{\"username\":\"dup\",\"password\":\"long-enough\"}", op);
        assertEquals(409, r.statusCode(), r.body());
    }

    @Test
    void noAnswerOrLogLineHoldsAPasswordHa1OrToken() throws Exception {
        String[] op = {"Authorization", "Bearer " + operatorToken};
        assertEquals(201, admin.send("POST", "/api/v1/users",
                "{\"username\":\"ivy\",\"password\":\"" + SIP_PASSWORD + "\",\"displayName\":\"Ivy\"}", op).statusCode());
        assertEquals(204, admin.send("PUT", "/api/v1/users/ivy/password", "{\"password\":\"" + SIP_PASSWORD + "2\"}", op)
                .statusCode());
        try (SipTestClient sip = SipTestClient.tcp(server.tcpPort)) {
            assertEquals(401, sip.register("ivy", "not-" + SIP_PASSWORD, "127.0.0.1",
                    List.of("<sip:ivy@127.0.0.1:" + sip.localPort + ";transport=tcp>"), 600).status(), "a failed login");
        }
        try (SipTestClient sip = SipTestClient.tcp(server.tcpPort)) {
            assertEquals(200, sip.register("ivy", SIP_PASSWORD + "2", "127.0.0.1",
                    List.of("<sip:ivy@127.0.0.1:" + sip.localPort + ";transport=tcp>"), 600).status());
        }
        List<String> secrets = List.of(SIP_PASSWORD, ADMIN_PASSWORD, NEW_ADMIN_PASSWORD,
                SipTestClient.hash("MD5", "ivy:palisade.test:" + SIP_PASSWORD + "2"),
                SipTestClient.hash("SHA-256", "ivy:palisade.test:" + SIP_PASSWORD + "2"),
                auditorToken.substring(auditorToken.indexOf('.') + 1), operatorToken.substring(operatorToken.indexOf('.') + 1));
        List<String> answers = new ArrayList<>();
        for (String path : List.of("/api/v1/users", "/api/v1/users/ivy", "/api/v1/registrations", "/api/v1/settings",
                "/api/v1/certificate", "/api/v1/audit", "/api/v1/dashboard", "/api/v1/tokens", "/metrics",
                "/dashboard.xhtml", "/users.xhtml", "/users.xhtml?q=ivy", "/user.xhtml?name=ivy", "/registrations.xhtml",
                "/audit.xhtml", "/password.xhtml", "/api/v1/calls/active", "/api/v1/calls/history", "/api/v1/admins",
                "/api/v1/security/edge", "/calls.xhtml", "/admins.xhtml", "/settings.xhtml", "/certificate.xhtml",
                "/security.xhtml")) {
            HttpResponse<String> r = admin.get(path);
            assertEquals(200, r.statusCode(), path + ": " + r.body());
            answers.add(path + "\n" + r.headers().map() + "\n" + r.body());
        }
        assertTrue(answers.stream().anyMatch(a -> a.contains("sip:ivy@127.0.0.1")), "the registration is listed");
        assertTrue(answers.stream().anyMatch(a -> a.contains("palisade_registrations")), "metrics are there");
        assertTrue(answers.stream().anyMatch(a -> a.startsWith("/metrics") && a.contains("palisade_calls_active")
                && a.contains("palisade_calls_started_total") && a.contains("palisade_bans_active")), "call and ban metrics");
        String metrics = answers.stream().filter(a -> a.startsWith("/metrics")).findFirst().orElseThrow();
        java.util.regex.Matcher failures = java.util.regex.Pattern.compile("(?m)^palisade_sip_auth_failures_total (\\S+)")
                .matcher(metrics);
        assertTrue(failures.find() && Double.parseDouble(failures.group(1)) >= 1, "the failed SIP login is counted:\n" + metrics);
        for (String meter : List.of("palisade_security_events_total{kind=\"ban\"}", "palisade_relay_packets_total",
                "palisade_srtp_auth_failures_total", "palisade_srtp_replays_total", "palisade_relay_sessions",
                "jvm_memory_used_bytes")) {
            assertTrue(metrics.contains(meter), meter + " in /metrics");
        }
        assertTrue(answers.stream().anyMatch(a -> a.startsWith("/settings.xhtml") && a.contains("admin.initial-password")
                && a.contains("****")), "the settings page masks the configured secret");
        answers.add("server output\n" + server.output());
        for (String answer : answers) {
            for (String secret : secrets) {
                assertFalse(answer.toLowerCase(Locale.ROOT).contains(secret.toLowerCase(Locale.ROOT)),
                        "a secret in " + answer.lines().findFirst().orElse(""));
            }
        }
    }

    @Test
    void pagesAndOpenApiAreServedWithSecurityHeaders() throws Exception {
        ConsoleHttp c = new ConsoleHttp(server.adminPort, cert);
        HttpResponse<String> r = c.get("/signin.xhtml");
        String cookie = r.headers().firstValue("Set-Cookie").orElse("");
        assertTrue(cookie.contains("Secure") && cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"), cookie);
        assertEquals("DENY", r.headers().firstValue("X-Frame-Options").orElse(""));
        assertTrue(r.headers().firstValue("Content-Security-Policy").orElse("").contains("frame-ancestors 'none'"));
        assertEquals("/signin.xhtml", c.get("/users.xhtml").headers().firstValue("Location").orElse(""));
        r = c.get("/openapi.yaml");
        assertEquals(200, r.statusCode());
        assertTrue(r.body().startsWith("openapi: 3."), r.body());
        assertEquals(404, c.get("/WEB-INF/templates/layout.xhtml").statusCode());
    }

    // ------------------------------------------------------------------ a user's allowed networks

    static int registerFrom127(String user, String password) {
        try (SipTestClient sip = SipTestClient.tcp(server.tcpPort)) {
            return sip.register(user, password, "127.0.0.1",
                    List.of("<sip:" + user + "@127.0.0.1:" + sip.localPort + ";transport=tcp>"), 600).status();
        } catch (java.io.IOException e) {
            return -1;
        }
    }

    @Test
    void aUsersAllowedNetworksAreValidatedAuditedAndReachTheRunningServer() throws Exception {
        String[] operator = {"Authorization", "Bearer " + operatorToken};
        String[] auditor = {"Authorization", "Bearer " + auditorToken};
        HttpResponse<String> r = admin.send("POST", "/api/v1/users",
                "{\"username\":\"nina\",\"password\":\"nina-secret-1\",\"displayName\":\"Nina\"}", operator);
        assertEquals(201, r.statusCode(), r.body());
        assertTrue(r.body().contains("\"networks\":[]"), "no list: from anywhere " + r.body());
        assertEquals(200, registerFrom127("nina", "nina-secret-1"));

        assertEquals(403, admin.send("PATCH", "/api/v1/users/nina", "{\"networks\":[\"10.0.0.0/8\"]}", auditor).statusCode(),
                "auditors only read");
        String huge = "9".repeat(20_000);
        for (String bad : List.of("[\"10.0.0.0/8\",\"10.0.0.0/33\"]", "[\"" + huge + "\"]", "[\"cafe\"]", "[null]")) {
            r = admin.send("PATCH", "/api/v1/users/nina", "{\"displayName\":\"Changed\",\"enabled\":false,\"networks\":" + bad + "}",
                    operator);
            assertEquals(400, r.statusCode(), r.body());
            assertEquals("application/problem+json", r.headers().firstValue("Content-Type").orElse(""));
            assertTrue(r.body().contains("\"field\":\"networks\""), r.body());
            assertFalse(r.body().contains("999") || r.body().contains("cafe") || r.body().contains("/33"),
                    "the value is not echoed: " + r.body());
        }
        r = admin.get("/api/v1/users/nina", auditor);
        assertTrue(r.body().contains("\"displayName\":\"Nina\",\"enabled\":true") && r.body().contains("\"networks\":[]"),
                "nothing changed: " + r.body());
        assertEquals(404, admin.send("PATCH", "/api/v1/users/nobody", "{\"networks\":[\"10.0.0.0/8\"]}", operator).statusCode());

        r = admin.send("PATCH", "/api/v1/users/nina", "{\"networks\":[\"10.0.0.0/8\"]}", operator);
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.body().contains("\"displayName\":\"Nina\"") && r.body().contains("\"networks\":[\"10.0.0.0/8\"]"), r.body());
        // the edge re-reads the lists every 2 s; polled slowly to stay under the user's own REGISTER rate limit
        EdgeIT.await("nina refused from 127.0.0.1", Duration.ofSeconds(15), 700,
                () -> registerFrom127("nina", "nina-secret-1") == 403);
        assertTrue(admin.get("/user.xhtml?name=nina").body().contains("value=\"10.0.0.0/8\""), "the page shows the list");

        // lifted from a signed-in session: an unsafe call needs the CSRF token there
        assertEquals(401, admin.send("PATCH", "/api/v1/users/nina", "{\"networks\":[]}").statusCode());
        r = admin.send("PATCH", "/api/v1/users/nina", "{\"networks\":[]}", "X-CSRF-Token", csrf);
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.body().contains("\"networks\":[]"), r.body());
        EdgeIT.await("nina registers from anywhere again", Duration.ofSeconds(15), 700,
                () -> registerFrom127("nina", "nina-secret-1") == 200);

        String audit = admin.get("/api/v1/audit?limit=1000", auditor).body();
        String operatorId = "token:" + operatorToken.substring(4, operatorToken.indexOf('.'));
        assertTrue(audit.contains("\"actor\":\"" + operatorId + "\",\"action\":\"user.networks\",\"target\":\"nina 10.0.0.0/8\","
                + "\"sourceAddress\":\"127.0.0.1\",\"outcome\":\"ok\""), audit);
        assertTrue(audit.contains("\"actor\":\"admin:admin\",\"action\":\"user.networks\",\"target\":\"nina anywhere\""), audit);
    }

    // ------------------------------------------------------------------ calls

    /** A SIPp agent run in the background (it finishes by itself when its scenario ends). */
    static Process sipp(Path dir, String scenario, String inf, int lingerMs, String... more) throws Exception {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("agent.inf"), inf);
        List<String> cmd = new ArrayList<>(List.of("sipp", "127.0.0.1:" + server.tcpPort,
                "-sf", ExternalTool.REPO.resolve("src/sipp/" + scenario).toString(), "-inf", dir.resolve("agent.inf").toString(),
                "-key", "domain", "127.0.0.1", "-d", Integer.toString(lingerMs), "-t", "t1", "-m", "1", "-nostdin",
                "-timeout", "40", "-p", Integer.toString(PalisadeProcess.freePort()), "-mp",
                Integer.toString(PalisadeProcess.freePort()), "-trace_msg", "-message_file", dir.resolve("messages.log").toString()));
        cmd.addAll(List.of(more));
        return new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("sipp.out").toFile()).start();
    }

    static String log(Path dir) throws Exception {
        Path f = dir.resolve("messages.log");
        return Files.exists(f) ? Files.readString(f) : "";
    }

    @Test
    void anActiveCallIsShownWithItsLegsAndAnOperatorHangsItUp() throws Exception {
        assertEquals(0, server.cli("carl-secret-1\n", "user", "add", "carl", "--password-stdin").exitCode());
        assertEquals(0, server.cli("dora-secret-1\n", "user", "add", "dora", "--password-stdin").exitCode());
        Path calleeDir = tmp.resolve("sipp-dora");
        Process callee = sipp(calleeDir, "callee-register.xml",
                "SEQUENTIAL\ndora;[authentication username=dora password=dora-secret-1]\n", 30_000,
                "-oocsf", ExternalTool.REPO.resolve("src/sipp/callee-answer.xml").toString());
        Path callerDir = tmp.resolve("sipp-carl");
        Process caller = null;
        try {
            EdgeIT.await("dora registered", Duration.ofSeconds(20), () -> {
                try {
                    return log(calleeDir).contains("SIP/2.0 200 OK");
                } catch (Exception e) {
                    return false;
                }
            });
            caller = sipp(callerDir, "call-uac-ended.xml",
                    "SEQUENTIAL\ncarl;[authentication username=carl password=carl-secret-1];dora\n", 300,
                    "-recv_timeout", "30000");
            String[] auditor = {"Authorization", "Bearer " + auditorToken};
            String[] operator = {"Authorization", "Bearer " + operatorToken};
            String[] active = new String[1];
            EdgeIT.await("the call is listed as answered", Duration.ofSeconds(20), () -> {
                try {
                    active[0] = admin.get("/api/v1/calls/active", auditor).body();
                    return active[0].contains("\"state\":\"answered\"");
                } catch (Exception e) {
                    return false;
                }
            });
            String a = active[0];
            assertTrue(a.contains("\"caller\":\"carl\"") && a.contains("\"callee\":\"dora\""), a);
            // both legs are plain TCP from a trusted network: RTP, never a=crypto; the counters are there
            assertTrue(a.contains("\"callerLeg\":{\"party\":\"carl\",\"transport\":\"TCP\",\"srtp\":\"RTP\""), a);
            assertTrue(a.contains("\"packetsIn\":") && a.contains("\"durationSeconds\":"), a);
            Matcher id = Pattern.compile("\"id\":\"([^\"]+)\"").matcher(a);
            assertTrue(id.find(), a);
            String dash = admin.get("/api/v1/dashboard", auditor).body();
            assertTrue(dash.contains("\"activeCalls\":1"), dash);
            assertTrue(admin.get("/calls.xhtml").body().contains("carl"), "the calls page lists it");

            assertEquals(403, admin.send("DELETE", "/api/v1/calls/active/" + id.group(1), null, auditor).statusCode());
            assertEquals(404, admin.send("DELETE", "/api/v1/calls/active/no-such-call", null, operator).statusCode());
            HttpResponse<String> r = admin.send("DELETE", "/api/v1/calls/active/" + id.group(1), null, operator);
            assertEquals(204, r.statusCode(), r.body());
            assertTrue(caller.waitFor(30, java.util.concurrent.TimeUnit.SECONDS), "the caller's SIPp ends");
            assertEquals(0, caller.exitValue(), "the caller got BYE and answered it:\n" + log(callerDir));
            EdgeIT.await("the callee gets BYE too", Duration.ofSeconds(10), () -> {
                try {
                    return log(calleeDir).contains("BYE sip:");
                } catch (Exception e) {
                    return false;
                }
            });
            String operatorId = "token:" + operatorToken.substring(4, operatorToken.indexOf('.'));
            EdgeIT.await("the record says who hung up", Duration.ofSeconds(20), () -> {
                try {
                    return admin.get("/api/v1/calls/history?party=dora", auditor).body()
                            .contains("\"cause\":\"hung up by " + operatorId + "\"");
                } catch (Exception e) {
                    return false;
                }
            });
            assertEquals("[]", admin.get("/api/v1/calls/active", auditor).body());
            String audit = admin.get("/api/v1/audit", auditor).body();
            assertTrue(audit.contains("\"action\":\"call.hangup\",\"target\":\"" + id.group(1) + "\",\"sourceAddress\":\"127.0.0.1\",\"outcome\":\"ok\""), audit);
        } finally {
            for (Process p : new Process[] {caller, callee}) {
                if (p != null && p.isAlive()) {
                    p.destroyForcibly();
                }
            }
        }
    }

    @Test
    void callHistoryIsFilteredPagedAndExportedAsFormulaSafeCsv() throws Exception {
        Instant day = Instant.parse("2026-01-15T09:00:00Z");
        try (io.palisade.core.db.Database db = io.palisade.core.db.Database.open(
                io.palisade.core.db.DatabaseConfig.h2File(server.dataDir))) {
            io.palisade.core.call.JdbcCallRecordStore store = new io.palisade.core.call.JdbcCallRecordStore(db.dataSource());
            for (int i = 0; i < 3; i++) {
                Instant t = day.plus(Duration.ofHours(i));
                store.insert(new io.palisade.core.call.CallRecord("hist-" + i, "histo", i == 2 ? "=cmd|' /C calc'!A0" : "vera",
                        t, Optional.of(t.plusSeconds(2)), Optional.of(t.plusSeconds(62)), i == 1 ? "486 Busy, here" : "caller BYE",
                        "TLS", "TLS", "AES_CM_128_HMAC_SHA1_80", "AEAD_AES_256_GCM", 3000, 2990, 2990, 3000));
            }
        }
        String[] auditor = {"Authorization", "Bearer " + auditorToken};
        String page = admin.get("/api/v1/calls/history?party=histo&limit=2", auditor).body();
        assertTrue(page.contains("\"total\":3") && page.contains("hist-2") && page.contains("hist-1") && !page.contains("hist-0"),
                "newest first, two to a page: " + page);
        assertTrue(admin.get("/api/v1/calls/history?party=histo&offset=2&limit=2", auditor).body().contains("hist-0"));
        String busy = admin.get("/api/v1/calls/history?party=histo&cause=busy", auditor).body();
        assertTrue(busy.contains("\"total\":1") && busy.contains("hist-1"), busy);
        String range = admin.get("/api/v1/calls/history?from=2026-01-15T09:30:00Z&to=2026-01-15T10:30:00Z", auditor).body();
        assertTrue(range.contains("\"total\":1") && range.contains("hist-1"), range);
        String wholeDay = admin.get("/api/v1/calls/history?from=2026-01-15&to=2026-01-15", auditor).body();
        assertTrue(wholeDay.contains("\"total\":3"), wholeDay);
        HttpResponse<String> bad = admin.get("/api/v1/calls/history?from=yesterday", auditor);
        assertEquals(400, bad.statusCode(), bad.body());
        assertTrue(bad.body().contains("\"field\":\"from\""), bad.body());
        assertFalse(bad.body().contains("yesterday"), "the value is not echoed");
        bad = admin.get("/api/v1/calls/history?from=2026-01-16&to=2026-01-15", auditor);
        assertTrue(bad.statusCode() == 400 && bad.body().contains("\"field\":\"to\""), bad.body());

        HttpResponse<String> csv = admin.get("/api/v1/calls/history.csv?party=histo", auditor);
        assertEquals(200, csv.statusCode(), csv.body());
        assertTrue(csv.headers().firstValue("Content-Type").orElse("").startsWith("text/csv"));
        assertTrue(csv.headers().firstValue("Content-Disposition").orElse("").contains("attachment"));
        List<String> lines = csv.body().lines().toList();
        assertEquals(4, lines.size(), csv.body());
        assertTrue(lines.get(0).startsWith("id,caller,callee,started,answered,ended,duration_s,cause"), lines.get(0));
        assertTrue(csv.body().contains("\r\n"), "CRLF line ends (RFC 4180)");
        assertTrue(lines.contains("hist-1,histo,vera,2026-01-15T10:00:00Z,2026-01-15T10:00:02Z,2026-01-15T10:01:02Z,60,"
                + "\"486 Busy, here\",TLS,AES_CM_128_HMAC_SHA1_80,TLS,AEAD_AES_256_GCM,3000,2990,2990,3000"), csv.body());
        assertTrue(csv.body().contains(",'=cmd|' /C calc'!A0,"), "a formula is neutralised: " + csv.body());
        String audit = admin.get("/api/v1/audit", auditor).body();
        assertTrue(audit.contains("\"action\":\"call.export\",\"target\":\"calls party histo\""), audit);
        HttpResponse<String> html = admin.get("/calls.xhtml?party=histo&cause=busy");
        assertTrue(html.body().contains("486 Busy, here") && html.body().contains("history.csv?party=histo&amp;cause=busy"),
                html.body());
        html = admin.get("/calls.xhtml?from=someday");
        assertTrue(html.body().contains("From: use a date like"), "the page names the bad filter");
    }

    // ------------------------------------------------------------------ admin accounts

    @Test
    void administratorsManageAccountsAndTheLastAdministratorStays() throws Exception {
        String[] adm = {"Authorization", "Bearer " + administratorToken};
        String[] operator = {"Authorization", "Bearer " + operatorToken};
        assertEquals(403, admin.get("/api/v1/admins", operator).statusCode(), "operators do not manage accounts");
        assertEquals(403, admin.send("POST", "/api/v1/admins", "{\"username\":\"x\",\"role\":\"auditor\"}", operator)
                .statusCode());
        HttpResponse<String> r = admin.send("POST", "/api/v1/admins", "{\"username\":\"Bad Name\",\"role\":\"operator\"}", adm);
        assertEquals(400, r.statusCode(), r.body());
        assertTrue(r.body().contains("\"field\":\"username\""), r.body());
        r = admin.send("POST", "/api/v1/admins", "{\"username\":\"olivia\",\"role\":\"root\"}", adm);
        assertTrue(r.statusCode() == 400 && r.body().contains("\"field\":\"role\""), r.body());

        r = admin.send("POST", "/api/v1/admins", "{\"username\":\"olivia\",\"role\":\"operator\"}", adm);
        assertEquals(201, r.statusCode(), r.body());
        assertEquals("no-store", r.headers().firstValue("Cache-Control").orElse(""));
        Matcher otp = Pattern.compile("\"oneTimePassword\":\"([^\"]+)\"").matcher(r.body());
        assertTrue(otp.find(), r.body());
        String oneTime = otp.group(1);
        assertFalse(admin.get("/api/v1/admins", adm).body().contains(oneTime), "shown once");

        // olivia signs in with it, must choose her own password, and works as an operator
        ConsoleHttp olivia = new ConsoleHttp(server.adminPort, cert);
        r = olivia.submit("/signin.xhtml", "signin", "submit", Map.of("username", "olivia", "password", oneTime));
        assertEquals("/password.xhtml", r.headers().firstValue("Location").orElse(""), r.body());
        r = olivia.submit("/password.xhtml", "password", "submit", Map.of("current", oneTime,
                "next", "olivias-own-password", "confirm", "olivias-own-password"));
        assertEquals("/dashboard.xhtml", r.headers().firstValue("Location").orElse(""), r.body());
        String oliviaCsrf = ConsoleHttp.csrf(olivia.get("/dashboard.xhtml").body());
        assertEquals(200, olivia.get("/api/v1/users").statusCode());
        assertEquals(403, olivia.get("/api/v1/admins").statusCode());
        assertTrue(olivia.get("/admins.xhtml").body().contains("Only administrators manage console accounts"));

        // a role change applies to her open session at once
        r = admin.send("PATCH", "/api/v1/admins/olivia", "{\"role\":\"auditor\"}", adm);
        assertTrue(r.statusCode() == 200 && r.body().contains("\"role\":\"auditor\""), r.body());
        assertEquals(403, olivia.send("POST", "/api/v1/users", "{\"username\":\"x2\",\"password\":\"long-enough\"}",
                "X-CSRF-Token", oliviaCsrf).statusCode(), "now an auditor");
        // a reset sends her session to the password page; disabling ends it
        r = admin.send("POST", "/api/v1/admins/olivia/password-reset", null, adm);
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.body().contains("\"mustChangePassword\":true") && r.body().contains("oneTimePassword"), r.body());
        assertEquals("/password.xhtml", olivia.get("/users.xhtml").headers().firstValue("Location").orElse(""));
        assertEquals(401, olivia.get("/api/v1/users").statusCode());
        r = admin.send("PATCH", "/api/v1/admins/olivia", "{\"enabled\":false}", adm);
        assertTrue(r.statusCode() == 200 && r.body().contains("\"enabled\":false"), r.body());
        assertEquals("/signin.xhtml", olivia.get("/dashboard.xhtml").headers().firstValue("Location").orElse(""),
                "a disabled account's session ends");

        // the last enabled administrator (admin) can be neither demoted, disabled nor deleted
        for (String[] call : List.of(new String[] {"PATCH", "{\"role\":\"operator\"}", "role"},
                new String[] {"PATCH", "{\"enabled\":false}", "enabled"}, new String[] {"DELETE", null, "username"})) {
            r = admin.send(call[0], "/api/v1/admins/admin", call[1], adm);
            assertEquals(409, r.statusCode(), r.body());
            assertTrue(r.body().contains("\"field\":\"" + call[2] + "\"") && r.body().contains("last enabled administrator"),
                    r.body());
        }
        assertEquals(404, admin.send("DELETE", "/api/v1/admins/nobody", null, adm).statusCode());
        assertEquals(204, admin.send("DELETE", "/api/v1/admins/olivia", null, adm).statusCode());
        String audit = admin.get("/api/v1/audit?limit=1000", adm).body();
        for (String action : List.of("admin.create", "admin.role", "admin.password-reset", "admin.disable", "admin.delete")) {
            assertTrue(audit.contains("\"action\":\"" + action + "\""), action + " in " + audit);
        }
        assertFalse(audit.contains(oneTime) || server.output().contains(oneTime), "no one-time password in the audit log or the log");
    }

    // ------------------------------------------------------------------ edge settings

    @Test
    void edgeSettingsAreValidatedAppliedAtOnceAndAudited() throws Exception {
        String[] adm = {"Authorization", "Bearer " + administratorToken};
        String[] operator = {"Authorization", "Bearer " + operatorToken};
        HttpResponse<String> r = admin.get("/api/v1/security/edge", "Authorization", "Bearer " + auditorToken);
        assertTrue(r.statusCode() == 200 && r.body().contains("\"edge.deny-networks\":\"\""), r.body());
        assertEquals(403, admin.send("PUT", "/api/v1/security/edge", "{\"edge.deny-networks\":\"127.0.0.3/32\"}", operator)
                .statusCode(), "administrators only");
        r = admin.send("PUT", "/api/v1/security/edge",
                "{\"edge.deny-networks\":\"127.0.0.3/33\",\"edge.ban.address-failures\":\"lots\",\"edge.max-vias\":\"8\"}", adm);
        assertEquals(400, r.statusCode(), r.body());
        assertTrue(r.body().contains("\"field\":\"edge.deny-networks\"") && r.body().contains("\"field\":\"edge.ban.address-failures\""),
                r.body());
        assertFalse(r.body().contains("127.0.0.3/33") || r.body().contains("lots"), "values are not echoed: " + r.body());
        assertTrue(admin.get("/api/v1/security/edge", adm).body().contains("\"edge.max-vias\":\"70\""), "nothing applied");
        r = admin.send("PUT", "/api/v1/security/edge", "{\"edge.security-log\":\"/tmp/x\"}", adm);
        assertTrue(r.statusCode() == 400 && r.body().contains("\"field\":\"edge.security-log\""), r.body());

        assertFalse(EdgeIT.ignored(server, "127.0.0.3"), "served before");
        r = admin.send("PUT", "/api/v1/security/edge", "{\"edge.deny-networks\":\"127.0.0.3/32\"}", adm);
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.body().contains("\"overridden\":[\"edge.deny-networks\"]"), r.body());
        assertTrue(EdgeIT.ignored(server, "127.0.0.3"), "the deny list applies to the next request");
        assertTrue(admin.get("/api/v1/settings", adm).body().contains("\"edge.deny-networks\":\"127.0.0.3/32\""));
        r = admin.send("PUT", "/api/v1/security/edge", "{\"edge.deny-networks\":null}", adm);
        assertEquals(200, r.statusCode(), r.body());
        assertFalse(EdgeIT.ignored(server, "127.0.0.3"), "reset to the file's value");
        String audit = admin.get("/api/v1/audit", adm).body();
        assertTrue(audit.contains("\"action\":\"edge.settings\",\"target\":\"edge.deny-networks\"") && audit.contains("\"outcome\":\"failed\""),
                audit);

        // the page: a bad value is named, kept in the form, and nothing is applied
        String html = admin.get("/security.xhtml").body();
        String form = ConsoleHttp.formHtml(html, "edge");
        Map<String, String> fields = new java.util.LinkedHashMap<>();
        fields.put("edge", "edge");
        fields.put("_csrf", ConsoleHttp.csrf(form));
        Matcher vs = Pattern.compile("name=\"jakarta.faces.ViewState\"[^>]*value=\"([^\"]*)\"").matcher(form);
        assertTrue(vs.find(), form);
        fields.put("jakarta.faces.ViewState", vs.group(1));
        Matcher input = Pattern.compile("<input[^>]*type=\"text\"[^>]*>").matcher(form);
        while (input.find()) {
            String tag = input.group();
            String name = attribute(tag, "name");
            fields.put(name, tag.contains("data-key=\"edge.max-vias\"") ? "0" : attribute(tag, "value")
                    .replace("&amp;", "&"));
        }
        fields.put("edge:save", "Apply edge settings");
        r = admin.postForm("/security.xhtml", fields);
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.body().contains("edge.max-vias: expected a whole number from 1 to 100"), r.body());
        Matcher kept = Pattern.compile("<input[^>]*data-key=\"edge.max-vias\"[^>]*>").matcher(r.body());
        assertTrue(kept.find() && kept.group().contains("value=\"0\""), "what was typed stays: " + r.body());
        assertTrue(admin.get("/api/v1/security/edge", adm).body().contains("\"edge.max-vias\":\"70\""), "nothing applied");
    }

    // ------------------------------------------------------------------ certificate (last: it changes what clients trust)

    @Test
    @org.junit.jupiter.api.Order(Integer.MAX_VALUE)
    void anUploadedCertificateIsValidatedStoredAndServedToNewConnections() throws Exception {
        String[] adm = {"Authorization", "Bearer " + administratorToken};
        Path other = tmp.resolve("other-identity");
        io.palisade.core.tls.TlsIdentity.prepare(new io.palisade.core.config.TlsConfig(Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), io.palisade.core.config.TlsConfig.ClientAuth.NONE),
                other, List.of("uploaded.example", "127.0.0.1"), java.time.Clock.systemUTC());
        String newCert = Files.readString(other.resolve("tls/server-cert.pem"));
        String newKey = Files.readString(other.resolve("tls/server-key.pem"));
        String oldKey = Files.readString(server.dataDir.resolve("tls/server-key.pem"));
        String before = fingerprint(server.tlsPort);

        assertEquals(403, admin.send("PUT", "/api/v1/certificate", pemJson(newCert, newKey),
                "Authorization", "Bearer " + operatorToken).statusCode());
        HttpResponse<String> r = admin.send("PUT", "/api/v1/certificate", pemJson(newCert, oldKey), adm);
        assertEquals(400, r.statusCode(), r.body());
        assertTrue(r.body().contains("\"field\":\"privateKey\"") && r.body().contains("does not match"), r.body());
        r = admin.send("PUT", "/api/v1/certificate", pemJson("not a certificate", newKey), adm);
        assertTrue(r.statusCode() == 400 && r.body().contains("\"field\":\"certificate\""), r.body());
        r = admin.send("PUT", "/api/v1/certificate", "{\"format\":\"pkcs12\",\"keystore\":\"AAAA\",\"password\":\"x\"}", adm);
        assertTrue(r.statusCode() == 400 && r.body().contains("\"field\":\"keystore\""), r.body());
        // the page takes a PKCS#12 file (multipart, CSRF token and all); a wrong password is named there
        byte[] p12 = pkcs12(other.resolve("tls"), "p12-password".toCharArray());
        HttpResponse<String> page = admin.submitMultipart("/certificate.xhtml", "p12", "submit",
                Map.of("password", "not-the-password"), "keystore", "server.p12", p12);
        assertEquals(200, page.statusCode(), page.body());
        assertTrue(page.body().contains("Password: wrong password for this PKCS#12 file"), page.body());
        assertEquals(before, fingerprint(server.tlsPort), "nothing changed");

        r = admin.send("PUT", "/api/v1/certificate", pemJson(newCert, newKey), adm);
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.body().contains("\"live\":true") && r.body().contains("uploaded.example"), r.body());
        String after = fingerprint(server.tlsPort);
        assertNotEquals(before, after);
        assertTrue(r.body().contains(after), "the answer names the new fingerprint");
        assertEquals(after, fingerprint(server.adminPort), "the console serves it too");
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(server.dataDir.resolve("tls/server-key.pem"))));
        assertEquals(newCert, Files.readString(server.dataDir.resolve("tls/server-cert.pem")), "kept for the next start");
        // clients that trust the new certificate get in over SIP TLS (the SIP stack's own handshake)
        ConsoleHttp fresh = new ConsoleHttp(server.adminPort, other.resolve("tls/server-cert.pem"));
        String audit = fresh.get("/api/v1/audit", adm).body();
        assertTrue(audit.contains("\"action\":\"certificate.upload\",\"target\":\"sha256 " + after), audit);
        String everything = audit + server.output() + fresh.get("/api/v1/certificate", adm).body();
        String keyBody = newKey.lines().filter(l -> !l.startsWith("-----")).findFirst().orElseThrow();
        assertFalse(everything.contains(keyBody), "the key is never echoed or logged");
    }

    static String attribute(String tag, String name) {
        Matcher m = Pattern.compile(" " + name + "=\"([^\"]*)\"").matcher(tag);
        return m.find() ? m.group(1) : "";
    }

    /** A PKCS#12 file holding the PEM key and certificate under {@code dir}. */
    static byte[] pkcs12(Path dir, char[] password) throws Exception {
        java.security.cert.X509Certificate cert;
        try (java.io.InputStream in = Files.newInputStream(dir.resolve("server-cert.pem"))) {
            cert = (java.security.cert.X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509")
                    .generateCertificate(in);
        }
        java.security.PrivateKey key;
        try (java.io.Reader r = Files.newBufferedReader(dir.resolve("server-key.pem"));
             org.bouncycastle.openssl.PEMParser p = new org.bouncycastle.openssl.PEMParser(r)) {
            Object o = p.readObject();
            org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter conv = new org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter();
            key = o instanceof org.bouncycastle.openssl.PEMKeyPair kp ? conv.getKeyPair(kp).getPrivate()
                    : conv.getPrivateKey((org.bouncycastle.asn1.pkcs.PrivateKeyInfo) o);
        }
        java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("server", key, password, new java.security.cert.Certificate[] {cert});
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        ks.store(out, password);
        return out.toByteArray();
    }

    static String pemJson(String cert, String key) {
        return "{\"format\":\"pem\",\"certificate\":\"" + cert.replace("\n", "\\n") + "\",\"privateKey\":\""
                + key.replace("\n", "\\n") + "\"}";
    }

    /** The SHA-256 fingerprint of the certificate a new TLS connection to {@code port} is shown. */
    static String fingerprint(int port) throws Exception {
        javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
        ctx.init(null, new javax.net.ssl.TrustManager[] {new javax.net.ssl.X509TrustManager() {
            @Override
            public void checkClientTrusted(java.security.cert.X509Certificate[] c, String a) {
            }

            @Override
            public void checkServerTrusted(java.security.cert.X509Certificate[] c, String a) {
                // only which certificate is presented matters here
            }

            @Override
            public java.security.cert.X509Certificate[] getAcceptedIssuers() {
                return new java.security.cert.X509Certificate[0];
            }
        }}, null);
        try (javax.net.ssl.SSLSocket s = (javax.net.ssl.SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            s.startHandshake();
            return io.palisade.core.tls.TlsIdentity.fingerprint(
                    (java.security.cert.X509Certificate) s.getSession().getPeerCertificates()[0]);
        }
    }
}
