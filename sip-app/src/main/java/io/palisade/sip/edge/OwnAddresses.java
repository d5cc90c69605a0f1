// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.sip.edge;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.Collections;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The IP addresses of this host (every interface, looked up once), to tell a Request-URI that names us from one that
 * would make us relay. Host names are never resolved here: only IP literals are compared.
 */
final class OwnAddresses {
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static volatile Set<InetAddress> cached;

    private OwnAddresses() {
    }

    /** True when {@code host} is an IP literal of this host, or the address the message arrived on. */
    static boolean contains(String host, String arrivedOn) {
        if (host == null) {
            return false;
        }
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (h.equalsIgnoreCase(arrivedOn)) {
            return true;
        }
        if (!IPV4.matcher(h).matches() && !h.contains(":")) {
            return false; // a host name: only configured domains count (servesDomain)
        }
        try {
            InetAddress a = InetAddress.getByName(h); // a literal: parsed, not resolved
            return a.isLoopbackAddress() && isLoopback(arrivedOn) || addresses().contains(a);
        } catch (UnknownHostException | SecurityException e) {
            return false;
        }
    }

    private static boolean isLoopback(String arrivedOn) {
        return arrivedOn != null && (arrivedOn.startsWith("127.") || arrivedOn.equals("::1"));
    }

    private static Set<InetAddress> addresses() {
        Set<InetAddress> s = cached;
        if (s == null) {
            Set<InetAddress> all = new HashSet<>();
            try {
                for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                    for (InetAddress a : Collections.list(ni.getInetAddresses())) {
                        all.add(stripScope(a));
                    }
                }
            } catch (SocketException e) {
                // no interface list: only the arrival address counts
            }
            s = Set.copyOf(all);
            cached = s;
        }
        return s;
    }

    private static InetAddress stripScope(InetAddress a) {
        try {
            return InetAddress.getByAddress(a.getAddress());
        } catch (UnknownHostException e) {
            return a;
        }
    }
}
