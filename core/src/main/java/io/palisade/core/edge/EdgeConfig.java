// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.core.edge;

import io.palisade.core.net.NetworkList;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Every limit of the SIP firewall in one validated, immutable record (built by the config loader from the
 * {@code edge.*} keys). Each protection is on by default with limits a busy office behind one NAT address stays
 * under; see README.md for the keys.
 *
 * @param maxHeaders          most header fields a request may carry
 * @param maxHeaderLength     longest single header field (name and value), in characters
 * @param maxVias             most Via header field values
 * @param sourceRequests      all requests from one address
 * @param sourceRegisters     REGISTER requests from one address
 * @param sourceInvites       INVITE requests from one address
 * @param userRegisters       REGISTER requests for one address-of-record user
 * @param addressFailures     failed digest attempts from one address, within {@code failureWindow}, that ban it
 * @param userFailures        failed digest attempts against one user, within {@code failureWindow}, that ban the
 *                            address the last one came from
 * @param failureWindow       window for the two counters above
 * @param banBase             first ban; each repeat offence within {@code offenceMemory} doubles it
 * @param banMax              longest ban
 * @param offenceMemory       how long a lifted or expired ban still counts as a previous offence
 * @param scannerUserAgents   User-Agent substrings (case-insensitive) of attack tools: dropped silently and banned
 * @param scanUsers           distinct unknown user names probed from one address within {@code failureWindow}
 *                            that mark it as a scanner
 * @param exemptNetworks      sources never limited or banned (own PBXs, monitoring)
 * @param denyNetworks        sources always dropped
 * @param tlsAllowNetworks    when not empty, the only sources the TLS listener serves
 * @param maxTrackedSources   bound on per-address state, so a flood from spoofed addresses cannot fill the heap
 */
public record EdgeConfig(
        int maxHeaders,
        int maxHeaderLength,
        int maxVias,
        Rate sourceRequests,
        Rate sourceRegisters,
        Rate sourceInvites,
        Rate userRegisters,
        int addressFailures,
        int userFailures,
        Duration failureWindow,
        Duration banBase,
        Duration banMax,
        Duration offenceMemory,
        List<String> scannerUserAgents,
        int scanUsers,
        NetworkList exemptNetworks,
        NetworkList denyNetworks,
        NetworkList tlsAllowNetworks,
        int maxTrackedSources) {

    /** Known SIP attack tools as they announce themselves (sipvicious and its forks, SIPCLI, sundayddr, ...). */
    public static final List<String> DEFAULT_SCANNERS = List.of("friendly-scanner", "sipvicious", "sipcli", "sip-scan",
            "sipscan", "sundayddr", "iwar", "sivus", "smap", "vaxsipuseragent", "siparmyknife", "pplsip", "gulp");

    public EdgeConfig {
        Objects.requireNonNull(failureWindow);
        Objects.requireNonNull(banBase);
        Objects.requireNonNull(banMax);
        Objects.requireNonNull(offenceMemory);
        scannerUserAgents = scannerUserAgents.stream().map(s -> s.toLowerCase(java.util.Locale.ROOT)).toList();
        if (banMax.compareTo(banBase) < 0) {
            throw new IllegalArgumentException("banMax < banBase");
        }
    }

    /** The defaults documented in README.md. */
    public static EdgeConfig defaults() {
        return new EdgeConfig(100, 4096, 70, new Rate(200, 400), new Rate(100, 400), new Rate(20, 40), new Rate(2, 10),
                10, 30, Duration.ofMinutes(5), Duration.ofMinutes(10), Duration.ofDays(1), Duration.ofDays(7),
                DEFAULT_SCANNERS, 5, NetworkList.none(), NetworkList.none(), NetworkList.none(), 100_000);
    }

    /** A token-bucket rate: {@code perSecond} sustained, {@code burst} at once. */
    public record Rate(double perSecond, int burst) {
        public Rate {
            if (perSecond <= 0 || burst < 1) {
                throw new IllegalArgumentException("rate must be positive");
            }
        }

        @Override
        public String toString() {
            return perSecond + "/s burst " + burst;
        }
    }
}
