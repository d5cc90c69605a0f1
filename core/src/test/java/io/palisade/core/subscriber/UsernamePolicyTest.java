// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.core.subscriber;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class UsernamePolicyTest {
    @Test
    void acceptsTypicalNames() {
        for (String ok : new String[] {"a", "alice", "1001", "john.doe", "a_b+c-d", "A".repeat(64)}) {
            assertEquals(Optional.empty(), UsernamePolicy.problem(ok), ok);
        }
    }

    @Test
    void refusesOthersNamingField() {
        for (String bad : new String[] {"", ".a", "-a", "a b", "a@b", "a:b", "a;b", "é", "a\r\nb", "A".repeat(65)}) {
            Optional<String> p = UsernamePolicy.problem(bad);
            assertTrue(p.isPresent(), bad);
            assertTrue(p.get().startsWith("user"), p.get());
            assertTrue(p.get().chars().noneMatch(c -> c < 0x20), "no control characters echoed");
        }
        assertEquals(Optional.of("user is empty"), UsernamePolicy.problem(null));
    }
}
