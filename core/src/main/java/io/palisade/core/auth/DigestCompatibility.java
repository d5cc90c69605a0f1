package io.palisade.core.auth;

import java.util.List;
import java.util.Locale;

/**
 * Clients known to abandon a registration when a 401 offers any algorithm they lack, instead of choosing the one
 * they support as RFC 8760 section 2.4 intends. Measured: Debian's baresip 1.0 stops at a SHA-256 challenge even
 * next to an MD5 one; SIPp 3.6 answers only the first challenge. Such clients (matched by a case-insensitive
 * substring of User-Agent) are challenged with MD5 alone. This gives nothing away: MD5 is offered to everyone
 * whenever it is configured, and nothing is offered that the configuration does not allow.
 */
public record DigestCompatibility(List<String> md5OnlyUserAgents) {
    public DigestCompatibility {
        md5OnlyUserAgents = md5OnlyUserAgents.stream().map(s -> s.toLowerCase(Locale.ROOT)).filter(s -> !s.isBlank()).toList();
    }

    /** The algorithms to offer a client with this User-Agent (null or empty: everything configured). */
    public List<DigestAlgorithm> offerFor(String userAgent, List<DigestAlgorithm> configured) {
        if (userAgent != null && !userAgent.isEmpty() && configured.contains(DigestAlgorithm.MD5)) {
            String ua = userAgent.toLowerCase(Locale.ROOT);
            for (String s : md5OnlyUserAgents) {
                if (ua.contains(s)) {
                    return List.of(DigestAlgorithm.MD5);
                }
            }
        }
        return configured;
    }
}
