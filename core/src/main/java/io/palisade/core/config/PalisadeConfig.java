package io.palisade.core.config;

import io.palisade.core.net.NetworkList;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The whole validated configuration of one Palisade node. Built by {@link ConfigLoader}; immutable.
 *
 * @param domains           SIP domains this node is authoritative for; empty means "derive from host name and
 *                          listening addresses" at start-up
 * @param realm             digest realm (RFC 3261 section 22.1); empty means the first domain
 * @param trustedNetworks   sources allowed to use the plain UDP/TCP listeners at all
 * @param plainRegisterNetworks sources allowed to REGISTER over plain UDP/TCP (default: none)
 * @param registrationWriteBack bindings live in memory and reach the database every
 *                          {@code registrationWriteBackInterval}, instead of at each REGISTER
 */
public record PalisadeConfig(
        Path dataDir,
        List<String> domains,
        Optional<String> realm,
        String sipAddress,
        int tlsPort,
        OptionalInt udpPort,
        OptionalInt tcpPort,
        NetworkList trustedNetworks,
        NetworkList plainRegisterNetworks,
        TlsConfig tls,
        List<String> authAlgorithms,
        List<String> md5OnlyUserAgents,
        Duration nonceLifetime,
        int minExpires,
        int maxExpires,
        int defaultExpires,
        int maxContacts,
        boolean registrationWriteBack,
        Duration registrationWriteBackInterval,
        int sipThreads,
        int maxMessageSize,
        int maxServerTransactions,
        int heapThresholdPercent,
        Optional<String> databaseUrl,
        Optional<String> databaseUser,
        Optional<String> databasePassword,
        String logLevel,
        io.palisade.core.edge.EdgeConfig edge,
        Path securityLog,
        AdminConfig admin,
        MediaSettings media,
        io.palisade.core.call.CallConfig call) {

    public PalisadeConfig {
        domains = List.copyOf(domains);
        authAlgorithms = List.copyOf(authAlgorithms);
        md5OnlyUserAgents = List.copyOf(md5OnlyUserAgents);
    }

    @Override
    public String toString() {
        return "PalisadeConfig[dataDir=" + dataDir + ", domains=" + domains + ", realm=" + realm
                + ", sipAddress=" + sipAddress + ", tlsPort=" + tlsPort + ", udpPort=" + udpPort
                + ", tcpPort=" + tcpPort + ", trustedNetworks=" + trustedNetworks
                + ", plainRegisterNetworks=" + plainRegisterNetworks + ", tls=" + tls
                + ", authAlgorithms=" + authAlgorithms + ", md5OnlyUserAgents=" + md5OnlyUserAgents + ", nonceLifetime=" + nonceLifetime
                + ", expires=" + minExpires + ".." + maxExpires + " (default " + defaultExpires + ")"
                + ", maxContacts=" + maxContacts + ", registrationWriteBack=" + registrationWriteBack
                + (registrationWriteBack ? " every " + registrationWriteBackInterval.toMillis() + " ms" : "")
                + ", sipThreads=" + sipThreads + ", maxMessageSize=" + maxMessageSize + ", maxServerTransactions=" + maxServerTransactions
                + ", heapThresholdPercent=" + heapThresholdPercent + ", databaseUrl=" + databaseUrl
                + ", databaseUser=" + databaseUser + ", databasePassword=" + databasePassword.map(p -> "****")
                + ", logLevel=" + logLevel + ", edge=" + edge + ", securityLog=" + securityLog + ", admin=" + admin + ", media=" + media + ", call=" + call + "]";
    }
}
