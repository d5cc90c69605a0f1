// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.core.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.palisade.core.MutableClock;
import java.time.Duration;

final class ApiTokenTestSupport {
    private ApiTokenTestSupport() {
    }

    static void assertRoundTrip(AdminService service, MutableClock clock) {
        ApiToken.IssuedToken issued = service.createToken("admin:admin", "ci", AdminRole.AUDITOR, Duration.ofHours(1),
                "192.0.2.1");
        String value = issued.value();
        assertTrue(value.startsWith("pal_" + issued.token().id() + "."), "id is visible, secret follows");
        assertFalse(issued.toString().contains(value.substring(value.indexOf('.') + 1)));
        ApiToken stored = service.tokens().get(0);
        assertFalse(stored.secretHash().contains(value.substring(value.indexOf('.') + 1)), "only the hash is stored");
        assertEquals(AdminRole.AUDITOR, service.authenticateToken(value).orElseThrow().role());
        assertTrue(service.authenticateToken(value + "x").isEmpty());
        assertTrue(service.authenticateToken(value.substring(0, value.length() - 1) + "A").isEmpty()
                || value.endsWith("A"));
        assertTrue(service.authenticateToken("pal_nonsense").isEmpty());
        clock.advance(Duration.ofMinutes(61));
        assertTrue(service.authenticateToken(value).isEmpty(), "expired");

        ApiToken.IssuedToken second = service.createToken("admin:admin", "ops", AdminRole.OPERATOR, null, "192.0.2.1");
        assertTrue(service.authenticateToken(second.value()).isPresent());
        assertTrue(service.revokeToken("admin:admin", second.token().id(), "192.0.2.1"));
        assertTrue(service.authenticateToken(second.value()).isEmpty(), "revoked");
        assertFalse(service.revokeToken("admin:admin", second.token().id(), "192.0.2.1"), "already revoked");
    }
}
