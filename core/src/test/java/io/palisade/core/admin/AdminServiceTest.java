// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.core.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.palisade.core.MutableClock;
import io.palisade.core.db.Database;
import io.palisade.core.db.TestDatabases;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdminServiceTest {
    @TempDir
    static Path dir;
    static Database db;
    final MutableClock clock = new MutableClock(Instant.parse("2025-03-04T05:06:07Z"));
    AdminService service;

    @BeforeAll
    static void open() {
        db = TestDatabases.open(dir);
    }

    @AfterAll
    static void close() {
        db.close();
    }

    @BeforeEach
    void fresh() throws Exception {
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.executeUpdate("DELETE FROM admin_account");
            s.executeUpdate("DELETE FROM api_token");
            s.executeUpdate("DELETE FROM audit_event");
        }
        service = new AdminService(new JdbcAdminAccountStore(db.dataSource(), clock), new JdbcApiTokenStore(db.dataSource()),
                new JdbcAuditLog(db.dataSource(), clock), new Argon2idPasswords(1024, 1, 1), SignInThrottle.defaults(clock),
                clock);
    }

    @Test
    void bootstrapCreatesOneAdministratorWhoMustChangeThePassword() {
        String otp = service.bootstrap(Optional.empty()).orElseThrow();
        assertTrue(otp.length() >= 20, "a generated password is long");
        assertTrue(service.bootstrap(Optional.empty()).isEmpty(), "only on an empty table");
        AdminAccount a = service.account("admin").orElseThrow();
        assertEquals(AdminRole.ADMINISTRATOR, a.role());
        assertTrue(a.mustChangePassword());
        assertFalse(a.passwordHash().contains(otp));
        assertEquals(AdminService.SignIn.Status.OK, service.signIn("admin", otp.toCharArray(), "192.0.2.1").status());
    }

    @Test
    void configuredInitialPasswordIsUsedAndNotReturned() {
        assertTrue(service.bootstrap(Optional.of("configured-initial-pw".toCharArray())).isEmpty());
        assertEquals(AdminService.SignIn.Status.OK,
                service.signIn("admin", "configured-initial-pw".toCharArray(), "192.0.2.1").status());
    }

    @Test
    void changePasswordChecksTheCurrentOneAndThePolicyAndClearsTheFlag() {
        service.bootstrap(Optional.of("first-password-1".toCharArray()));
        AdminException wrong = assertThrows(AdminException.class, () -> service.changePassword("admin",
                "nope".toCharArray(), "second-password-2".toCharArray(), "192.0.2.1"));
        assertEquals("currentPassword", wrong.field());
        AdminException shortPw = assertThrows(AdminException.class, () -> service.changePassword("admin",
                "first-password-1".toCharArray(), "short".toCharArray(), "192.0.2.1"));
        assertEquals("newPassword", shortPw.field());
        assertThrows(AdminException.class, () -> service.changePassword("admin", "first-password-1".toCharArray(),
                "first-password-1".toCharArray(), "192.0.2.1"));
        service.changePassword("admin", "first-password-1".toCharArray(), "second-password-2".toCharArray(), "192.0.2.1");
        assertFalse(service.account("admin").orElseThrow().mustChangePassword());
        assertEquals(AdminService.SignIn.Status.REFUSED,
                service.signIn("admin", "first-password-1".toCharArray(), "192.0.2.2").status());
        assertEquals(AdminService.SignIn.Status.OK,
                service.signIn("admin", "second-password-2".toCharArray(), "192.0.2.2").status());
    }

    @Test
    void repeatedFailuresAreThrottledEvenWithTheRightPasswordThenReleased() {
        service.bootstrap(Optional.of("first-password-1".toCharArray()));
        for (int i = 0; i < 4; i++) {
            assertEquals(AdminService.SignIn.Status.REFUSED, service.signIn("admin", "guess".toCharArray(), "198.51.100.7").status());
        }
        AdminService.SignIn s = service.signIn("admin", "first-password-1".toCharArray(), "198.51.100.7");
        assertEquals(AdminService.SignIn.Status.THROTTLED, s.status());
        assertTrue(s.retryAfter().compareTo(Duration.ZERO) > 0);
        clock.advance(Duration.ofSeconds(2));
        assertEquals(AdminService.SignIn.Status.OK,
                service.signIn("admin", "first-password-1".toCharArray(), "198.51.100.7").status());
    }

    @Test
    void unknownUserIsRefusedLikeAWrongPasswordAndNotRecordedAsTyped() {
        service.bootstrap(Optional.of("first-password-1".toCharArray()));
        assertEquals(AdminService.SignIn.Status.REFUSED,
                service.signIn("first-password-1", "x".toCharArray(), "192.0.2.1").status());
        assertTrue(service.audit().list(0, 10).stream().noneMatch(e -> e.actor().contains("first-password-1")));
    }

    @Test
    void tokensAreStoredHashedAuthenticateAndCanBeRevoked() {
        ApiTokenTestSupport.assertRoundTrip(service, clock);
    }

    @Test
    void everyChangeIsAudited() {
        service.bootstrap(Optional.of("first-password-1".toCharArray()));
        service.createAccount("admin:admin", "olga", AdminRole.OPERATOR, "olgas-password-1".toCharArray(), "192.0.2.9");
        var events = service.audit().list(0, 10);
        assertEquals("admin.create", events.get(0).action());
        assertEquals("admin:admin", events.get(0).actor());
        assertEquals("192.0.2.9", events.get(0).sourceAddress());
        assertEquals(2, service.audit().count());
    }

    @Test
    void theLastEnabledAdministratorIsNeitherDemotedDisabledNorDeleted() {
        service.bootstrap(Optional.of("initial-password-1".toCharArray()));
        assertThrows(LastAdministratorException.class, () -> service.changeRole("admin:admin", "admin", AdminRole.OPERATOR, null));
        assertThrows(LastAdministratorException.class, () -> service.setAccountEnabled("admin:admin", "admin", false, null));
        assertThrows(LastAdministratorException.class, () -> service.deleteAccount("admin:admin", "admin", null));
        String otp = service.createAccount("admin:admin", "second", AdminRole.OPERATOR, null);
        assertTrue(service.account("second").orElseThrow().mustChangePassword());
        assertEquals(AdminService.SignIn.Status.OK, service.signIn("second", otp.toCharArray(), "192.0.2.1").status());
        // an operator does not count: still the last administrator
        assertThrows(LastAdministratorException.class, () -> service.deleteAccount("admin:admin", "admin", null));
        assertTrue(service.changeRole("admin:admin", "second", AdminRole.ADMINISTRATOR, null));
        assertTrue(service.setAccountEnabled("admin:admin", "second", false, null));
        assertThrows(LastAdministratorException.class, () -> service.changeRole("admin:admin", "admin", AdminRole.AUDITOR, null),
                "a disabled administrator does not count either");
        assertTrue(service.setAccountEnabled("admin:admin", "second", true, null));
        assertTrue(service.changeRole("admin:second", "admin", AdminRole.AUDITOR, null));
        assertTrue(service.deleteAccount("admin:second", "admin", null));
        assertFalse(service.deleteAccount("admin:second", "admin", null), "gone");
        assertTrue(service.audit().list(0, 100).stream().anyMatch(e -> e.action().equals("admin.delete")
                && e.outcome().equals("denied")), "refusals are audited");
    }

    @Test
    void aResetPasswordIsOneTimeAndMustBeChanged() {
        service.bootstrap(Optional.of("initial-password-1".toCharArray()));
        service.createAccount("admin:admin", "olga", AdminRole.AUDITOR, "a-password-olga-1".toCharArray(), null);
        service.changePassword("olga", "a-password-olga-1".toCharArray(), "olgas-own-password".toCharArray(), null);
        assertFalse(service.account("olga").orElseThrow().mustChangePassword());
        String otp = service.resetPassword("admin:admin", "olga", null).orElseThrow();
        assertTrue(service.account("olga").orElseThrow().mustChangePassword());
        assertEquals(AdminService.SignIn.Status.REFUSED, service.signIn("olga", "olgas-own-password".toCharArray(), null).status());
        assertEquals(AdminService.SignIn.Status.OK, service.signIn("olga", otp.toCharArray(), null).status());
        assertTrue(service.resetPassword("admin:admin", "nobody", null).isEmpty());
        assertFalse(service.audit().list(0, 100).toString().contains(otp), "the one-time password is not audited");
    }
}
