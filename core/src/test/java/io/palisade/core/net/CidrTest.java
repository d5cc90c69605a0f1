package io.palisade.core.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class CidrTest {
    @Test
    void ipv4NetworksContainTheirAddressesOnly() {
        Cidr net = Cidr.parse("10.1.0.0/16").orElseThrow();
        assertTrue(net.contains("10.1.255.7"));
        assertFalse(net.contains("10.2.0.1"));
        assertFalse(net.contains("::1"), "an IPv6 address is never inside an IPv4 network");
        assertEquals("10.1.0.0/16", Cidr.parse("10.1.77.3/16").orElseThrow().toString(), "host bits are masked");
    }

    @Test
    void prefixesThatEndInsideAByteCompareOnlyTheirBits() {
        Cidr net = Cidr.parse("192.168.2.0/23").orElseThrow();
        assertTrue(net.contains("192.168.3.200"));
        assertTrue(net.contains("192.168.2.1"));
        assertFalse(net.contains("192.168.4.1"));
        assertFalse(net.contains("192.168.1.255"));
        assertTrue(Cidr.parse("0.0.0.0/0").orElseThrow().contains("203.0.113.9"));
        assertFalse(Cidr.parse("0.0.0.0/0").orElseThrow().contains("::1"), "an IPv4 network never holds IPv6");
        for (int i = 0; i < 3; i++) { // the second and third look come from the parsed-literal cache
            assertTrue(Cidr.parse("fe80::/10").orElseThrow().contains("febf::1"));
            assertFalse(Cidr.parse("fe80::/10").orElseThrow().contains("fec0::1"));
            assertFalse(net.contains("not-an-address"));
        }
    }

    @Test
    void ipv6AndHostNetworks() {
        assertTrue(Cidr.parse("fd00::/8").orElseThrow().contains("fd12:3456::1"));
        assertTrue(Cidr.parse("127.0.0.2").orElseThrow().contains("127.0.0.2"));
        assertFalse(Cidr.parse("127.0.0.2").orElseThrow().contains("127.0.0.1"));
        assertTrue(Cidr.parse("0.0.0.0/0").orElseThrow().contains("203.0.113.9"));
    }

    @Test
    void malformedNetworksAreRejectedWithoutDnsLookups() {
        for (String bad : List.of("", "10.0.0.0/33", "10.0.0.0/", "10.0.0.0/-1", "example.com", "10.0.0.0/8/8",
                "fd00::/129", "300.1.1.1", "localhost",
                // hex words would be host names for InetAddress (a DNS query); short IPv4 forms are ambiguous
                "cafe", "beef/8", "dead.beef", "10", "10/8", "10.1/16", "1234", "10.0.0.0.0")) {
            assertTrue(Cidr.parse(bad).isEmpty(), bad);
        }
        assertFalse(Cidr.parse("10.0.0.0/8").orElseThrow().contains("not-an-ip"));
    }
}
