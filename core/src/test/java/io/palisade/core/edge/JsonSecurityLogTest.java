// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.core.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class JsonSecurityLogTest {
    @Test
    void oneEventIsOneLineWithFieldsInAFixedOrder() {
        String line = JsonSecurityLog.line(new SecurityEvent(Instant.parse("2026-11-23T10:00:00.123Z"),
                SecurityEvent.Kind.AUTH_FAILURE, "203.0.113.9", "alice", "wrong password"));
        assertEquals("{\"time\":\"2026-11-23T10:00:00.123Z\",\"event\":\"auth_failure\",\"source\":\"203.0.113.9\","
                + "\"user\":\"alice\",\"detail\":\"wrong password\"}", line);
    }

    @Test
    void aHostileUserNameCannotForgeALineOrAField() {
        String line = JsonSecurityLog.line(new SecurityEvent(Instant.parse("2026-11-23T10:00:00Z"),
                SecurityEvent.Kind.AUTH_FAILURE, "203.0.113.9", "x\"}\n{\"event\":\"ban\",\"source\":\"10.0.0.1\u2028", "d\\"));
        assertEquals(1, line.lines().count());
        assertEquals("{\"time\":\"2026-11-23T10:00:00Z\",\"event\":\"auth_failure\",\"source\":\"203.0.113.9\",\"user\":"
                + "\"x\\\"}\\n{\\\"event\\\":\\\"ban\\\",\\\"source\\\":\\\"10.0.0.1\\u2028\",\"detail\":\"d\\\\\"}", line);
    }
}
