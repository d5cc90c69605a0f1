// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.core.location;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class ContactUriTest {
    @Test
    void schemeAndHostAreCaseInsensitive() {
        assertEquals(Optional.of("sip:Alice@pc.example.com:5061;transport=TLS;ob"),
                ContactUri.canonical("  <SIP:Alice@PC.Example.COM:5061;transport=TLS;ob>  "));
        assertEquals(Optional.of("sips:[2001:db8::a]:5061"), ContactUri.canonical("sips:[2001:DB8::A]:5061"));
        assertEquals(Optional.of("sip:host.example"), ContactUri.canonical("sip:HOST.example"));
        assertEquals(Optional.of("sip:a;b=c@host;x?h=V"), ContactUri.canonical("sip:a;b=c@HOST;x?h=V"));
    }

    @Test
    void refusesGarbage() {
        for (String bad : new String[] {null, "", "  ", "<>", "nocolon", ":x", "sip:", "sip:a b@h", "sip:a@",
            "sip:a@h\r\nVia: x", "sip:" + "a".repeat(1100)}) {
            assertEquals(Optional.empty(), ContactUri.canonical(bad), String.valueOf(bad));
        }
    }
}
