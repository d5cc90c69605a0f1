package io.palisade.core.edge;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.palisade.core.net.Cidr;
import io.palisade.core.net.NetworkList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TransportPolicyTest {
    private final TransportPolicy policy = new TransportPolicy(
            new NetworkList(List.of(Cidr.parse("10.0.0.0/8").orElseThrow())),
            new NetworkList(List.of(Cidr.parse("10.9.0.0/16").orElseThrow())));

    @Test
    void tlsIsOpenToEveryone() {
        assertTrue(policy.admits("TLS", "198.51.100.4"));
        assertTrue(policy.allowsRegister("tls", "198.51.100.4"));
    }

    @Test
    void plainTransportsOnlyFromTrustedNetworks() {
        assertFalse(policy.admits("UDP", "198.51.100.4"));
        assertTrue(policy.admits("UDP", "10.1.2.3"));
        assertTrue(policy.admits("TCP", "10.1.2.3"));
    }

    @Test
    void plainRegisterOnlyFromItsOwnSubset() {
        assertFalse(policy.allowsRegister("UDP", "10.1.2.3"), "trusted, but not allowed to register in clear");
        assertTrue(policy.allowsRegister("UDP", "10.9.2.3"));
        assertFalse(new TransportPolicy(NetworkList.none(), NetworkList.none()).allowsRegister("TCP", "127.0.0.1"),
                "by default nothing registers over a plain transport");
    }
}
