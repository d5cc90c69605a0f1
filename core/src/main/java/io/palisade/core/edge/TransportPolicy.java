package io.palisade.core.edge;

import io.palisade.core.net.NetworkList;
import java.util.Locale;

/**
 * Which transports a source may use (ARCHITECTURE.md, security model): TLS is open to everyone; plain UDP/TCP only
 * to configured trusted networks, and REGISTER over plain UDP/TCP only to the subset configured for it.
 */
public final class TransportPolicy {
    private final NetworkList trusted;
    private final NetworkList plainRegister;

    public TransportPolicy(NetworkList trusted, NetworkList plainRegister) {
        this.trusted = trusted;
        this.plainRegister = plainRegister;
    }

    public static boolean isSecure(String transport) {
        String t = transport.toUpperCase(Locale.ROOT);
        return t.equals("TLS") || t.equals("WSS");
    }

    /** May a message from {@code sourceIp} over {@code transport} be looked at at all? */
    public boolean admits(String transport, String sourceIp) {
        return isSecure(transport) || trusted.contains(sourceIp);
    }

    /** May {@code sourceIp} register over {@code transport}? */
    public boolean allowsRegister(String transport, String sourceIp) {
        return isSecure(transport) || plainRegister.contains(sourceIp);
    }
}
