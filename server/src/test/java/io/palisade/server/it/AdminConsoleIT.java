package io.palisade.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Path;
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

    @BeforeAll
    static void start() throws Exception {
        Path data = tmp.resolve("data");
        Map<String, String> cfg = PalisadeProcess.defaults(data);
        cfg.put("admin.initial-password", ADMIN_PASSWORD);
        server = PalisadeProcess.start(data, cfg);
        cert = data.resolve("tls/server-cert.pem");
        admin = new ConsoleHttp(server.adminPort, cert);
        HttpResponse<String> r = admin.submit("/signin.xhtml", "signin", "submit",
                Map.of("username", "admin", "password", ADMIN_PASSWORD));
        assertEquals("/password.xhtml", r.headers().firstValue("Location").orElse(""), r.body());
        // until the password is changed, the session opens nothing else
        assertEquals(401, admin.get("/api/v1/users").statusCode());
        assertEquals("/password.xhtml", admin.get("/users.xhtml").headers().firstValue("Location").orElse(""));
        r = admin.submit("/password.xhtml", "password", "submit", Map.of("current", ADMIN_PASSWORD,
                "next", NEW_ADMIN_PASSWORD, "confirm", NEW_ADMIN_PASSWORD));
        assertEquals("/dashboard.xhtml", r.headers().firstValue("Location").orElse(""), r.body());
        csrf = ConsoleHttp.csrf(admin.get("/dashboard.xhtml").body());
        auditorToken = token("auditor");
        operatorToken = token("operator");
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
            new String[] {"GET", "/metrics"}, new String[] {"POST", "/metrics"}, new String[] {"DELETE", "/metrics"});

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
                "/audit.xhtml", "/password.xhtml")) {
            HttpResponse<String> r = admin.get(path);
            assertEquals(200, r.statusCode(), path + ": " + r.body());
            answers.add(path + "\n" + r.headers().map() + "\n" + r.body());
        }
        assertTrue(answers.stream().anyMatch(a -> a.contains("sip:ivy@127.0.0.1")), "the registration is listed");
        assertTrue(answers.stream().anyMatch(a -> a.contains("palisade_registrations")), "metrics are there");
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
}
