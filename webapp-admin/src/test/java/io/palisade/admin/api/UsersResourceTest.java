// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.admin.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.palisade.admin.Actor;
import io.palisade.admin.ConsoleOperations;
import io.palisade.admin.TestServices;
import io.palisade.core.auth.DigestAlgorithm;
import io.palisade.core.auth.Ha1;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.core.SecurityContext;
import java.lang.reflect.RecordComponent;
import java.nio.file.Path;
import java.security.Principal;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UsersResourceTest {
    @TempDir
    Path dir;
    TestServices t;
    UsersResource users;

    @BeforeEach
    void open() {
        t = new TestServices(dir);
        users = new UsersResource(t.subscribers, t.operations, t.networks);
    }

    @AfterEach
    void close() {
        t.close();
    }

    static SecurityContext as(Actor a) {
        return new SecurityContext() {
            @Override
            public Principal getUserPrincipal() {
                return a;
            }

            @Override
            public boolean isUserInRole(String role) {
                return false;
            }

            @Override
            public boolean isSecure() {
                return true;
            }

            @Override
            public String getAuthenticationScheme() {
                return "Bearer";
            }
        };
    }

    @Test
    void theUserViewHasNoSecretFields() {
        Set<String> names = Arrays.stream(UsersResource.UserView.class.getRecordComponents()).map(RecordComponent::getName)
                .collect(Collectors.toSet());
        assertEquals(Set.of("username", "displayName", "enabled", "createdAt", "networks"), names);
        assertFalse(new UsersResource.NewUser("u", "pw-visible?", null).toString().contains("pw-visible"));
    }

    @Test
    void createListSearchEditSetPasswordDelete() {
        assertEquals(201, users.create(new UsersResource.NewUser("alice", "alice-pass-1", "Alice A"),
                as(TestServices.OPERATOR)).getStatus());
        users.create(new UsersResource.NewUser("bob", "bob-pass-1", null), as(TestServices.ADMIN));
        assertEquals(2, users.list(null, 0, 50).total());
        assertEquals("alice", users.list("ALICE a", 0, 50).items().get(0).username());
        assertEquals(1, users.list("", 1, 1).items().size());

        UsersResource.UserView v = users.update("alice", new UsersResource.UserChange("Alice B", false), as(TestServices.OPERATOR));
        assertEquals("Alice B", v.displayName());
        assertFalse(v.enabled());

        String before = t.subscribers.find("bob").orElseThrow().ha1Sha256();
        assertEquals(204, users.setPassword("bob", new UsersResource.PasswordChange("bob-pass-2"), as(TestServices.OPERATOR))
                .getStatus());
        String after = t.subscribers.find("bob").orElseThrow().ha1Sha256();
        assertNotEquals(before, after);
        assertEquals(Ha1.compute(DigestAlgorithm.SHA_256, "bob", TestServices.REALM, "bob-pass-2".toCharArray()), after);

        assertEquals(204, users.delete("bob", as(TestServices.OPERATOR)).getStatus());
        assertThrows(NotFoundException.class, () -> users.get("bob"));
        assertThrows(ConsoleOperations.NotFound.class, () -> users.delete("bob", as(TestServices.OPERATOR)));

        var actions = t.audit.list(0, 20).stream().map(e -> e.actor() + " " + e.action() + " " + e.target()).toList();
        assertTrue(actions.contains("token:op user.create alice"), actions.toString());
        assertTrue(actions.contains("admin:root user.create bob"), actions.toString());
        assertTrue(actions.contains("token:op user.password bob"), actions.toString());
        assertTrue(actions.contains("token:op user.delete bob"), actions.toString());
        assertTrue(actions.stream().noneMatch(a -> a.contains("pass-")), "no password in the audit log");
    }

    @Test
    void anAuditorChangesNothingAndTheAttemptIsAudited() {
        users.create(new UsersResource.NewUser("carol", "carol-pass-1", null), as(TestServices.ADMIN));
        assertThrows(ConsoleOperations.Forbidden.class,
                () -> users.create(new UsersResource.NewUser("dave", "dave-pass-1", null), as(TestServices.AUDITOR)));
        assertThrows(ConsoleOperations.Forbidden.class, () -> users.delete("carol", as(TestServices.AUDITOR)));
        assertTrue(t.subscribers.find("carol").isPresent());
        assertTrue(t.subscribers.find("dave").isEmpty());
        assertEquals("denied", t.audit.list(0, 1).get(0).outcome());
    }

    @Test
    void allowedNetworksAreShownSetAndLiftedAndAudited() {
        users.create(new UsersResource.NewUser("erin", "erin-pass-1", "Erin"), as(TestServices.ADMIN));
        assertEquals(List.of(), users.get("erin").networks(), "no list: from anywhere");

        UsersResource.UserView v = users.update("erin",
                new UsersResource.UserChange(null, null, List.of("10.9.8.7/8", " 2001:db8::1/32 ", "10.0.0.0/8")),
                as(TestServices.OPERATOR));
        assertEquals(List.of("10.0.0.0/8", "2001:db8:0:0:0:0:0:0/32"), v.networks(), "masked, duplicates dropped");
        assertEquals("Erin", v.displayName(), "absent members are unchanged");
        assertEquals(v.networks(), users.list("erin", 0, 10).items().get(0).networks());
        assertTrue(t.networks.of("erin").contains("10.1.2.3"));

        assertEquals(List.of(), users.update("erin", new UsersResource.UserChange(null, null, List.of()),
                as(TestServices.OPERATOR)).networks(), "[] lifts the restriction");
        assertTrue(t.networks.of("erin").isEmpty());

        var actions = t.audit.list(0, 5).stream().map(e -> e.actor() + " " + e.action() + " " + e.target()).toList();
        assertTrue(actions.contains("token:op user.networks erin anywhere"), actions.toString());
        assertTrue(actions.contains("token:op user.networks erin 10.0.0.0/8, 2001:db8:0:0:0:0:0:0/32"), actions.toString());
    }

    @Test
    void aBadNetworkIsNamedAndChangesNothing() {
        users.create(new UsersResource.NewUser("fred", "fred-pass-1", "Fred"), as(TestServices.ADMIN));
        users.update("fred", new UsersResource.UserChange(null, null, List.of("192.0.2.0/24")), as(TestServices.OPERATOR));
        String huge = "1".repeat(100_000);
        for (List<String> bad : List.of(List.of("10.0.0.0/8", "10.0.0.0/33"), List.of("cafe"), List.of(huge),
                Arrays.asList("10.0.0.0/8", null), List.of(""))) {
            ConsoleOperations.Invalid e = assertThrows(ConsoleOperations.Invalid.class, () -> users.update("fred",
                    new UsersResource.UserChange("Changed", false, bad), as(TestServices.OPERATOR)));
            assertEquals("networks", e.field());
            assertFalse(e.getMessage().contains("111") || e.getMessage().contains("cafe"), "the value is not echoed");
        }
        var after = users.get("fred");
        assertEquals("Fred", after.displayName());
        assertTrue(after.enabled());
        assertEquals(List.of("192.0.2.0/24"), after.networks());
        assertThrows(ConsoleOperations.NotFound.class, () -> users.update("nobody",
                new UsersResource.UserChange(null, null, List.of("10.0.0.0/8")), as(TestServices.OPERATOR)));
        assertThrows(ConsoleOperations.Forbidden.class, () -> users.update("fred",
                new UsersResource.UserChange(null, null, List.of()), as(TestServices.AUDITOR)));
        assertEquals(List.of("192.0.2.0/24"), users.get("fred").networks());
        assertEquals("token:aud user.networks fred denied", t.audit.list(0, 1).stream()
                .map(e -> e.actor() + " " + e.action() + " " + e.target() + " " + e.outcome()).findFirst().orElseThrow());
    }

    @Test
    void validationNamesTheBadFields() {
        Validator v = Validation.buildDefaultValidatorFactory().getValidator();
        var bad = v.validate(new UsersResource.NewUser("no spaces", "short", "x".repeat(200)));
        Set<String> fields = bad.stream().map(c -> c.getPropertyPath().toString()).collect(Collectors.toSet());
        assertEquals(Set.of("username", "password", "displayName"), fields);
        assertTrue(v.validate(new UsersResource.NewUser("ok.name-1", "long-enough", null)).isEmpty());
    }
}
