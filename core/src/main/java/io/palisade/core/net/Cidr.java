package io.palisade.core.net;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An IPv4 or IPv6 network in CIDR notation (RFC 4632, RFC 4291 section 2.3), e.g. {@code 10.0.0.0/8}
 * or {@code fd00::/8}. A bare address is a host network (/32 or /128).
 */
public final class Cidr {
    private static final Pattern LITERAL = Pattern.compile("[0-9A-Fa-f:.]+");
    /** IPv4 only as four dotted decimals: "10" or "10.1" would be read as 0.0.0.10 and 10.0.0.1 (inet_aton forms). */
    private static final Pattern DOTTED_QUAD = Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}");

    private final byte[] network;
    private final int prefix;

    private Cidr(byte[] network, int prefix) {
        this.network = network;
        this.prefix = prefix;
    }

    /** Parses {@code text}; empty when it is not an IP literal with a valid prefix length (no DNS lookups). */
    public static Optional<Cidr> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String s = text.trim();
        int slash = s.indexOf('/');
        String addr = slash < 0 ? s : s.substring(0, slash);
        if (addr.startsWith("[") && addr.endsWith("]")) {
            addr = addr.substring(1, addr.length() - 1);
        }
        if (addr.isEmpty() || !LITERAL.matcher(addr).matches()) {
            return Optional.empty();
        }
        // a word of hex letters ("cafe") is neither form and would make InetAddress ask the DNS
        if (addr.indexOf(':') < 0 && !DOTTED_QUAD.matcher(addr).matches()) {
            return Optional.empty();
        }
        byte[] bytes;
        try {
            bytes = InetAddress.getByName(addr).getAddress();
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
        int max = bytes.length * 8;
        int prefix = max;
        if (slash >= 0) {
            String p = s.substring(slash + 1);
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(Character::isDigit)) {
                return Optional.empty();
            }
            prefix = Integer.parseInt(p);
            if (prefix > max) {
                return Optional.empty();
            }
        }
        return Optional.of(new Cidr(mask(bytes, prefix), prefix));
    }

    private static byte[] mask(byte[] bytes, int prefix) {
        byte[] out = bytes.clone();
        for (int i = 0; i < out.length; i++) {
            int bits = Math.max(0, Math.min(8, prefix - i * 8));
            out[i] &= (byte) (bits == 0 ? 0 : (0xFF << (8 - bits)));
        }
        return out;
    }

    public boolean contains(InetAddress address) {
        return matches(address.getAddress());
    }

    /** Like {@link #contains(InetAddress)} for a textual IP literal; false for anything else. */
    public boolean contains(String ipLiteral) {
        byte[] a = addressOf(ipLiteral);
        return a != null && matches(a);
    }

    /** Whether the first {@code prefix} bits of {@code a} are this network's (it is stored masked). */
    private boolean matches(byte[] a) {
        if (a.length != network.length) {
            return false;
        }
        int whole = prefix / 8;
        for (int i = 0; i < whole; i++) {
            if (a[i] != network[i]) {
                return false;
            }
        }
        int bits = prefix % 8;
        return bits == 0 || (a[whole] & (0xFF << (8 - bits)) & 0xFF) == (network[whole] & 0xFF);
    }

    /** Parsed IP literals: every request's source is checked against several lists, and parsing is the cost. */
    private static final java.util.concurrent.ConcurrentHashMap<String, byte[]> LITERALS =
            new java.util.concurrent.ConcurrentHashMap<>();
    private static final int LITERALS_KEPT = 4096;
    private static final byte[] NOT_AN_ADDRESS = new byte[0];

    /** The address {@code ipLiteral} names (masked by a prefix it carries), or {@code null} when it is none. */
    private static byte[] addressOf(String ipLiteral) {
        if (ipLiteral == null) {
            return null;
        }
        byte[] a = LITERALS.get(ipLiteral);
        if (a == null) {
            a = parse(ipLiteral).map(c -> c.network).orElse(NOT_AN_ADDRESS);
            if (LITERALS.size() >= LITERALS_KEPT) {
                LITERALS.clear(); // many sources (a spoofed UDP flood): start over rather than grow
            }
            LITERALS.put(ipLiteral, a);
        }
        return a == NOT_AN_ADDRESS ? null : a;
    }

    @Override
    public String toString() {
        try {
            return InetAddress.getByAddress(network).getHostAddress() + "/" + prefix;
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cidr c && c.prefix == prefix && java.util.Arrays.equals(c.network, network);
    }

    @Override
    public int hashCode() {
        return Objects.hash(prefix, java.util.Arrays.hashCode(network));
    }
}
