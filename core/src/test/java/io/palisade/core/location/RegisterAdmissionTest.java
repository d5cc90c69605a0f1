// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.core.location;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.palisade.core.edge.TransportPolicy;
import io.palisade.core.net.Cidr;
import io.palisade.core.net.NetworkList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

class RegisterAdmissionTest {
    private final Predicate<String> ours = Set.of("example.com", "127.0.0.1")::contains;
    private final TransportPolicy transports = new TransportPolicy(NetworkList.none(),
            new NetworkList(List.of(Cidr.parse("10.9.0.0/16").orElseThrow())));

    private Optional<Integer> status(RegisterAdmission.Target to, String requestHost, String transport, String source) {
        return RegisterAdmission.check(to, requestHost, transport, source, ours, transports)
                .map(RegisterAdmission.Refusal::status);
    }

    @Test
    void admitsAUserOfOurDomainOverTlsAndOverPlainTransportFromAnAllowedNetwork() {
        RegisterAdmission.Target alice = new RegisterAdmission.Target("alice", "example.com", false);
        assertEquals(Optional.empty(), status(alice, "example.com", "TLS", "203.0.113.5"));
        assertEquals(Optional.empty(), status(alice, "example.com", "udp", "10.9.1.2"));
        assertEquals(Optional.empty(), status(new RegisterAdmission.Target("alice", "example.com", true), "127.0.0.1",
                "tls", "203.0.113.5"));
    }

    @Test
    void refusesWithTheStatusTheRegistrarAnswers() {
        RegisterAdmission.Target alice = new RegisterAdmission.Target("alice", "example.com", false);
        assertEquals(Optional.of(400), status(null, "example.com", "TLS", "203.0.113.5"), "To not a SIP URI");
        assertEquals(Optional.of(400), status(new RegisterAdmission.Target("", "example.com", false), "example.com",
                "TLS", "203.0.113.5"), "no user part");
        assertEquals(Optional.of(404), status(alice, null, "TLS", "203.0.113.5"), "Request-URI not a SIP URI");
        assertEquals(Optional.of(404), status(alice, "other.example", "TLS", "203.0.113.5"), "Request-URI elsewhere");
        assertEquals(Optional.of(404), status(new RegisterAdmission.Target("alice", "other.example", false),
                "example.com", "TLS", "203.0.113.5"), "To elsewhere");
        assertEquals(Optional.of(403), status(alice, "example.com", "UDP", "203.0.113.5"), "plain from outside");
        assertEquals(Optional.of(403), status(new RegisterAdmission.Target("alice", "example.com", true), "example.com",
                "TCP", "10.9.1.2"), "sips: over TCP");
    }
}
