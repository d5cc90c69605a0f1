// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.admin.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.palisade.admin.ConsoleOperations;
import io.palisade.admin.TestServices;
import io.palisade.core.location.Binding;
import io.palisade.core.location.Flow;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegistrationsResourceTest {
    @TempDir
    Path dir;
    TestServices t;
    RegistrationsResource resource;

    @BeforeEach
    void open() {
        t = new TestServices(dir);
        resource = new RegistrationsResource(t.registrations, t.operations, t.clock);
        Flow flow = new Flow("TLS", "198.51.100.4", 50123, "127.0.0.1", 5061);
        t.registrations.apply("sip:amy@example.com", List.of(
                new Binding("sip:amy@example.com", "sips:amy@198.51.100.4:50123", 1f,
                        t.clock.instant().plus(Duration.ofSeconds(600)), "c1", 1, flow, "Phone/1.0", null),
                new Binding("sip:amy@example.com", "sips:amy@198.51.100.4:50124", 1f,
                        t.clock.instant().minusSeconds(1), "c2", 1, flow, "Phone/1.0", null)), List.of());
    }

    @AfterEach
    void close() {
        t.close();
    }

    @Test
    void listsLiveBindingsWithFlowAndExpiry() {
        var page = resource.list(0, 100);
        assertEquals(1, page.items().size(), "the expired binding is not shown");
        var v = page.items().get(0);
        assertEquals("TLS", v.transport());
        assertEquals("198.51.100.4", v.remoteAddress());
        assertEquals(600, v.expiresInSeconds());
        assertEquals("Phone/1.0", v.userAgent());
    }

    @Test
    void removesOneBindingAndAuditsIt() {
        assertEquals(204, resource.remove("sip:amy@example.com", "sips:amy@198.51.100.4:50123",
                UsersResourceTest.as(TestServices.OPERATOR)).getStatus());
        assertTrue(resource.list(0, 100).items().isEmpty());
        assertThrows(ConsoleOperations.NotFound.class, () -> resource.remove("sip:amy@example.com",
                "sips:amy@198.51.100.4:50123", UsersResourceTest.as(TestServices.OPERATOR)));
        assertThrows(ConsoleOperations.Forbidden.class, () -> resource.remove("sip:amy@example.com",
                "sips:amy@198.51.100.4:50124", UsersResourceTest.as(TestServices.AUDITOR)));
        assertEquals("registration.remove", t.audit.list(0, 5).get(1).action());
    }
}
