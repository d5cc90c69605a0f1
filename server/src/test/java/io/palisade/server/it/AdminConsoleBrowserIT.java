package io.palisade.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The admin console end to end in a real headless Chromium (Debian's chromium and chromedriver) against the real
 * palisade.jar: sign in with the printed one-time password, change it, create a user, watch that user's
 * registration appear on the self-refreshing dashboard and the registrations page, remove it, edit the user, set a
 * new SIP password (the phone needs it), delete the user, read the audit log, sign out.
 * Screenshots of each step go to target/console-screenshots/.
 */
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
class AdminConsoleBrowserIT {
    static final String NEW_PASSWORD = "browser-admin-password-1";
    static final Path SHOTS = Path.of("target", "console-screenshots");
    static final String CHROMIUM = "/usr/bin/chromium";
    static final String CHROMEDRIVER = "/usr/bin/chromedriver";
    @TempDir
    static Path tmp;
    static PalisadeProcess server;
    static WebDriver browser;
    static String base;

    @BeforeAll
    static void start() throws Exception {
        Path data = tmp.resolve("data");
        server = PalisadeProcess.start(data, PalisadeProcess.defaults(data));
        base = "https://127.0.0.1:" + server.adminPort;
        Files.createDirectories(SHOTS);
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        // trust exactly this server's key (its self-signed certificate), nothing else
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1280,900", "--no-first-run", "--disable-extensions", "--disable-sync",
                "--user-data-dir=" + tmp.resolve("chromium-profile"),
                "--ignore-certificate-errors-spki-list=" + spkiPin(data.resolve("tls/server-cert.pem")));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER)).usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
        browser.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (server != null) {
            server.close();
        }
    }

    /** base64(SHA-256(SubjectPublicKeyInfo)), the form Chromium's SPKI allow-list takes. */
    static String spkiPin(Path pem) throws Exception {
        try (InputStream in = Files.newInputStream(pem)) {
            X509Certificate c = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
            return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(c.getPublicKey().getEncoded()));
        }
    }

    static void shot(String name) throws Exception {
        Path png = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath();
        Files.copy(png, SHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }

    static WebDriverWait waiting(int seconds) {
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(seconds));
        // A form post replaces the page while a condition reads an element of the old one: Chrome then answers
        // "Node with given id does not belong to the document" (a plain WebDriverException, not a stale-element one).
        // The condition is simply tried again on the new page until the timeout.
        wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class);
        wait.ignoring(org.openqa.selenium.WebDriverException.class);
        return wait;
    }

    static void type(String id, String text) {
        browser.findElement(By.id(id)).clear();
        browser.findElement(By.id(id)).sendKeys(text);
    }

    static String oneTimePassword() {
        Matcher m = Pattern.compile("one-time password: (\\S+)").matcher(server.output());
        assertTrue(m.find(), server.output());
        return m.group(1);
    }

    @Test
    @org.junit.jupiter.api.Order(1)
    void signInChangePasswordCreateUserSeeRegistrationSignOut() throws Exception {
        String otp = oneTimePassword();
        String newPassword = NEW_PASSWORD;
        String sipPassword = "zoe-sip-password-1";

        browser.get(base + "/");
        waiting(20).until(ExpectedConditions.urlContains("/signin.xhtml"));
        shot("01-sign-in");
        type("signin:username", "admin");
        type("signin:password", otp);
        browser.findElement(By.id("signin:submit")).click();

        waiting(20).until(ExpectedConditions.urlContains("/password.xhtml"));
        assertTrue(browser.getPageSource().contains("first sign-in"), "asks for a new password first");
        shot("02-change-password");
        type("password:current", otp);
        type("password:next", newPassword);
        type("password:confirm", newPassword);
        browser.findElement(By.id("password:submit")).click();

        waiting(20).until(ExpectedConditions.urlContains("/dashboard.xhtml"));
        assertEquals("0", browser.findElement(By.id("registrations")).getText());
        shot("03-dashboard");

        browser.get(base + "/users.xhtml");
        type("create:username", "zoe");
        type("create:displayName", "Zoe Example");
        type("create:password", sipPassword);
        browser.findElement(By.id("create:submit")).click();
        waiting(20).until(ExpectedConditions.textToBePresentInElementLocated(By.id("users"), "Zoe Example"));
        assertTrue(browser.findElement(By.id("messages")).getText().contains("User zoe created"));
        shot("04-user-created");

        browser.get(base + "/dashboard.xhtml");
        try (SipTestClient phone = SipTestClient.tcp(server.tcpPort)) {
            assertEquals(200, phone.register("zoe", sipPassword, "127.0.0.1",
                    List.of("<sip:zoe@127.0.0.1:" + phone.localPort + ";transport=tcp>"), 600).status());
        }
        // no reload: the dashboard refreshes itself
        waiting(20).until(ExpectedConditions.textToBe(By.id("registrations"), "1"));
        shot("05-dashboard-refreshed");

        browser.get(base + "/registrations.xhtml");
        String table = browser.findElement(By.id("registrations:bindings")).getText();
        assertTrue(table.contains("sip:zoe@127.0.0.1") && table.contains("TCP"), table);
        shot("06-registrations");

        // remove the binding from the page
        browser.findElement(By.id("registrations:bindings:0:remove")).click();
        waiting(20).until(ExpectedConditions.textToBePresentInElementLocated(By.id("messages"), "Removed"));
        assertFalse(browser.findElement(By.id("registrations:bindings")).getText().contains("zoe"), "binding gone");

        // edit the user, give it a new SIP password (the phone registers with it), then delete it
        browser.get(base + "/user.xhtml?name=zoe");
        type("edit:displayName", "Zoe Renamed");
        type("edit:networks", "127.0.0.0/8 cafe");
        browser.findElement(By.id("edit:save")).click();
        waiting(20).until(ExpectedConditions.textToBePresentInElementLocated(By.id("edit:networksError"),
                "entry 2 is not a network"));
        assertFalse(browser.findElement(By.id("messages")).getText().contains("saved"), "nothing saved");
        type("edit:networks", "127.0.0.0/8, 10.0.0.0/8");
        browser.findElement(By.id("edit:save")).click();
        waiting(20).until(ExpectedConditions.textToBePresentInElementLocated(By.id("messages"), "saved"));
        assertEquals("10.0.0.0/8, 127.0.0.0/8", browser.findElement(By.id("edit:networks")).getAttribute("value"),
                "as stored (in the store's order)");
        assertEquals("Zoe Renamed", browser.findElement(By.id("edit:displayName")).getAttribute("value"));
        type("pw:password", sipPassword + "-new");
        browser.findElement(By.id("pw:reset")).click();
        waiting(20).until(ExpectedConditions.textToBePresentInElementLocated(By.id("messages"), "New SIP password"));
        shot("07-user-edited");
        try (SipTestClient phone = SipTestClient.tcp(server.tcpPort)) {
            assertEquals(401, phone.register("zoe", sipPassword, "127.0.0.1",
                    List.of("<sip:zoe@127.0.0.1:" + phone.localPort + ";transport=tcp>"), 600).status(), "old password");
        }
        try (SipTestClient phone = SipTestClient.tcp(server.tcpPort)) {
            assertEquals(200, phone.register("zoe", sipPassword + "-new", "127.0.0.1",
                    List.of("<sip:zoe@127.0.0.1:" + phone.localPort + ";transport=tcp>"), 600).status(), "new password");
        }
        browser.get(base + "/user.xhtml?name=zoe");
        browser.findElement(By.id("delete:submit")).click();
        waiting(20).until(ExpectedConditions.urlContains("/users.xhtml"));
        assertTrue(browser.findElement(By.id("messages")).getText().contains("User zoe deleted"));
        assertFalse(browser.findElement(By.id("users")).getText().contains("zoe"));

        // a brute-forcing address is banned by the edge; the security page shows it and an administrator lifts it
        for (int i = 0; i < 10; i++) {
            EdgeIT.register(server, "127.0.0.2", "nobody-" + (i % 2), "guess-" + i);
        }
        assertTrue(EdgeIT.ignored(server, "127.0.0.2"), "banned");
        browser.get(base + "/security.xhtml");
        String bans = browser.findElement(By.id("bans:bans")).getText();
        assertTrue(bans.contains("127.0.0.2"), bans);
        assertTrue(browser.findElement(By.id("events")).getText().contains("auth_failure"));
        shot("08-security-ban");
        browser.findElement(By.id("bans:bans:0:lift")).click();
        waiting(20).until(ExpectedConditions.textToBePresentInElementLocated(By.id("messages"), "Lifted the ban of 127.0.0.2"));
        assertFalse(browser.findElement(By.id("bans:bans")).getText().contains("127.0.0.2"), "ban gone from the page");
        EdgeIT.await("the server lets 127.0.0.2 in again", java.time.Duration.ofSeconds(15), () -> {
            try {
                return !EdgeIT.ignored(server, "127.0.0.2");
            } catch (java.io.IOException e) {
                return false;
            }
        });

        browser.get(base + "/audit.xhtml");
        String audit = browser.findElement(By.id("audit")).getText();
        for (String action : List.of("user.create", "password.change", "registration.remove", "user.display-name",
                "user.password", "user.delete", "ban.lift")) {
            assertTrue(audit.contains(action), action + " in " + audit);
        }
        shot("09-audit");

        for (String page : List.of("/users.xhtml", "/registrations.xhtml", "/security.xhtml", "/audit.xhtml", "/dashboard.xhtml")) {
            browser.get(base + page);
            String html = browser.getPageSource();
            for (String secret : List.of(otp, newPassword, sipPassword, sipPassword + "-new")) {
                assertFalse(html.contains(secret), page + " shows a password");
            }
        }

        browser.get(base + "/dashboard.xhtml");
        browser.findElement(By.id("signout:submit")).click();
        waiting(20).until(ExpectedConditions.urlContains("/signin.xhtml"));
        assertTrue(browser.getPageSource().contains("You have signed out"));
        shot("10-signed-out");
        browser.get(base + "/users.xhtml");
        waiting(20).until(ExpectedConditions.urlContains("/signin.xhtml"));
        assertFalse(server.output().contains(newPassword) || server.output().contains(sipPassword), server.output());
    }

    /**
     * After the first test changed the password: a call record in the history (filtered by party) and its CSV
     * export, a new operator account with its one-time password, the settings and the certificate's fingerprint.
     */
    @Test
    @org.junit.jupiter.api.Order(2)
    void callHistoryCsvAccountsSettingsAndCertificate() throws Exception {
        java.time.Instant t = java.time.Instant.parse("2026-02-03T08:00:00Z");
        try (io.palisade.core.db.Database db = io.palisade.core.db.Database.open(
                io.palisade.core.db.DatabaseConfig.h2File(server.dataDir))) {
            new io.palisade.core.call.JdbcCallRecordStore(db.dataSource()).insert(new io.palisade.core.call.CallRecord(
                    "browser-call-1", "quinn", "rhea", t, java.util.Optional.of(t.plusSeconds(3)),
                    java.util.Optional.of(t.plusSeconds(95)), "callee BYE", "TLS", "TLS", "AES_CM_128_HMAC_SHA1_80",
                    "AEAD_AES_256_GCM", 4600, 4598, 4598, 4600));
        }
        browser.get(base + "/signin.xhtml");
        type("signin:username", "admin");
        type("signin:password", NEW_PASSWORD);
        browser.findElement(By.id("signin:submit")).click();
        waiting(20).until(ExpectedConditions.urlContains("/dashboard.xhtml"));

        browser.findElement(By.linkText("Calls")).click();
        waiting(20).until(ExpectedConditions.urlContains("/calls.xhtml"));
        type("party", "quinn");
        browser.findElement(By.id("filterButton")).click();
        waiting(20).until(ExpectedConditions.textToBePresentInElementLocated(By.id("history"), "rhea"));
        String history = browser.findElement(By.id("history")).getText();
        assertTrue(history.contains("quinn") && history.contains("1:32") && history.contains("callee BYE")
                && history.contains("AES_CM_128_HMAC_SHA1_80 / AEAD_AES_256_GCM"), history);
        assertEquals("1", browser.findElement(By.id("historyTotal")).getText());
        shot("11-call-history");
        // the export link as the browser follows it, with the session cookie
        String href = browser.findElement(By.id("csv")).getAttribute("href");
        assertTrue(href.contains("/api/v1/calls/history.csv?party=quinn"), href);
        Object csv = ((org.openqa.selenium.JavascriptExecutor) browser).executeAsyncScript(
                "var done = arguments[arguments.length - 1];"
                        + "fetch(arguments[0], {credentials: 'same-origin'}).then(function (r) { return r.text()"
                        + ".then(function (b) { done(r.status + ' ' + r.headers.get('content-disposition') + '\\n' + b); }); })"
                        + ".catch(function (e) { done('failed ' + e); });", href);
        String export = String.valueOf(csv);
        assertTrue(export.startsWith("200 attachment"), export);
        assertTrue(export.contains("id,caller,callee,started") && export.contains(
                "browser-call-1,quinn,rhea,2026-02-03T08:00:00Z,2026-02-03T08:00:03Z,2026-02-03T08:01:35Z,92,callee BYE"), export);

        browser.findElement(By.linkText("Accounts")).click();
        waiting(20).until(ExpectedConditions.urlContains("/admins.xhtml"));
        type("create:username", "opal");
        new org.openqa.selenium.support.ui.Select(browser.findElement(By.id("create:role"))).selectByValue("operator");
        browser.findElement(By.id("create:submit")).click();
        waiting(20).until(ExpectedConditions.presenceOfElementLocated(By.id("oneTimePassword")));
        String opalOtp = browser.findElement(By.id("oneTimePassword")).getText();
        assertTrue(opalOtp.length() >= 20, opalOtp);
        assertEquals("opal", browser.findElement(By.id("oneTimeFor")).getText());
        String accounts = browser.findElement(By.id("admins:accounts")).getText();
        assertTrue(accounts.contains("opal operator yes yes"), accounts);
        shot("12-account-created");
        browser.get(base + "/admins.xhtml");
        assertFalse(browser.getPageSource().contains(opalOtp), "the one-time password is shown only once");

        browser.findElement(By.linkText("Settings")).click();
        waiting(20).until(ExpectedConditions.urlContains("/settings.xhtml"));
        String settings = browser.findElement(By.id("settings")).getText();
        assertTrue(settings.contains("sip.tls.port " + server.tlsPort) && settings.contains("edge.limit.address-invites"),
                settings);
        shot("13-settings");

        browser.findElement(By.linkText("Certificate")).click();
        waiting(20).until(ExpectedConditions.urlContains("/certificate.xhtml"));
        Matcher printed = Pattern.compile("TLS certificate SHA-256 fingerprint: (\\S+)").matcher(server.output());
        assertTrue(printed.find(), server.output());
        assertEquals(printed.group(1), browser.findElement(By.id("fingerprint")).getText(), "the fingerprint printed at start");
        assertTrue(browser.findElement(By.id("issuer")).getText().contains("self-signed"));
        assertTrue(browser.findElement(By.id("pem:privateKey")).isDisplayed(), "an administrator can upload");
        shot("14-certificate");

        browser.findElement(By.id("signout:submit")).click();
        waiting(20).until(ExpectedConditions.urlContains("/signin.xhtml"));
    }
}
