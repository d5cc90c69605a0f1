package io.palisade.core.net;

import java.util.List;

/** An ordered list of networks; a source matches when any network contains it. */
public record NetworkList(List<Cidr> networks) {
    public NetworkList {
        networks = List.copyOf(networks);
    }

    public static NetworkList none() {
        return new NetworkList(List.of());
    }

    public boolean contains(String ipLiteral) {
        if (ipLiteral == null) {
            return false;
        }
        for (Cidr c : networks) {
            if (c.contains(ipLiteral)) {
                return true;
            }
        }
        return false;
    }

    public boolean isEmpty() {
        return networks.isEmpty();
    }

    @Override
    public String toString() {
        return networks.toString();
    }
}
