// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.palisade.core.net.NetworkList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How the console reads a user's allowed networks: the page's one text field and the API's list. */
class ConsoleOperationsNetworksTest {

    @Test
    void theFieldIsSplitOnCommasAndWhiteSpace() {
        assertEquals(List.of("10.0.0.0/8", "192.0.2.7", "2001:db8::/32"),
                ConsoleOperations.splitNetworks(" 10.0.0.0/8,192.0.2.7 ,\t\n 2001:db8::/32,, "));
        assertEquals(List.of(), ConsoleOperations.splitNetworks(""));
        assertEquals(List.of(), ConsoleOperations.splitNetworks("  , "));
        assertEquals(List.of(), ConsoleOperations.splitNetworks(null));
    }

    @Test
    void networksAreReadWithTheCliRules() {
        NetworkList n = ConsoleOperations.parseNetworks(List.of("10.1.2.3/8", "192.0.2.7", "[2001:db8::1]/32", "10.0.0.0/8"));
        assertEquals("[10.0.0.0/8, 192.0.2.7/32, 2001:db8:0:0:0:0:0:0/32]", n.toString());
        assertTrue(ConsoleOperations.parseNetworks(List.of()).isEmpty(), "empty: from anywhere");
        assertEquals("anywhere", ConsoleOperations.describe(NetworkList.none()));
    }

    @Test
    void aBadEntryIsNamedByPositionNeverByValue() {
        List<List<String>> bad = List.of(List.of("10.0.0.0/8", "10.0.0.0/33"), List.of("example.com"), List.of("cafe"),
                List.of("10/8"), List.of("fd00::/129"), List.of("x".repeat(1_000_000)), Collections.singletonList(null),
                List.of(""), List.of("10.0.0.0/8 192.0.2.0/24"));
        for (List<String> b : bad) {
            ConsoleOperations.Invalid e = assertThrows(ConsoleOperations.Invalid.class,
                    () -> ConsoleOperations.parseNetworks(b), String.valueOf(b).substring(0, Math.min(40, String.valueOf(b).length())));
            assertEquals("networks", e.field());
            assertTrue(e.getMessage().startsWith("entry " + b.size() + " "), e.getMessage());
            assertTrue(e.getMessage().length() < 100, "no input in the message");
        }
        List<String> tooMany = Collections.nCopies(ConsoleOperations.MAX_NETWORKS + 1, "10.0.0.0/8");
        assertEquals("at most 100 networks",
                assertThrows(ConsoleOperations.Invalid.class, () -> ConsoleOperations.parseNetworks(tooMany)).getMessage());
        assertEquals(1, ConsoleOperations.parseNetworks(tooMany.subList(0, 100)).networks().size());
    }
}
