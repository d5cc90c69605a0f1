package io.palisade.server;

import io.palisade.core.config.PalisadeConfig;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The SIP domains a node serves and its digest realm. Configured domains win; with none configured the host name
 * and the listening addresses are the domains (so {@code sip:alice@127.0.0.1} works on a laptop).
 */
record Domains(List<String> names, String realm) {

    static Domains resolve(PalisadeConfig config) {
        Set<String> names = new LinkedHashSet<>();
        if (!config.domains().isEmpty()) {
            config.domains().forEach(d -> names.add(d.toLowerCase(Locale.ROOT)));
        } else {
            names.add(hostName());
            String address = config.sipAddress();
            if (address.equals("0.0.0.0") || address.equals("::")) {
                names.addAll(interfaceAddresses());
            } else {
                names.add(address);
            }
        }
        List<String> list = List.copyOf(names);
        return new Domains(list, config.realm().orElse(list.get(0)));
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName().toLowerCase(Locale.ROOT);
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }

    private static Set<String> interfaceAddresses() {
        Set<String> out = new LinkedHashSet<>();
        try {
            for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                for (InetAddress a : Collections.list(ni.getInetAddresses())) {
                    if (!a.isLinkLocalAddress()) {
                        String h = a.getHostAddress();
                        int zone = h.indexOf('%');
                        out.add(zone < 0 ? h : h.substring(0, zone));
                    }
                }
            }
        } catch (SocketException e) {
            out.add("127.0.0.1");
        }
        return out;
    }
}
