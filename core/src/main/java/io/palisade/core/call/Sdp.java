// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.core.call;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * A small, strict reading of an SDP body (RFC 4566) with just what the B2BUA needs to anchor media: the
 * connection address, and per media description its type, port, profile, formats and attributes. Parsing
 * returns a value, never throws on network input; anything outside the grammar below is a {@link Parse.Bad}.
 *
 * <p>Kept deliberately small: one connection address per session or per media (no multicast TTL, no port
 * counts), IPv4 or IPv6. Attribute values are kept verbatim so that keys never need to be inspected here.
 */
public record Sdp(String connectionAddress, List<Media> media) {
    /** Bodies larger than this are refused: an SDP for one phone call is well under 4 KiB. */
    public static final int MAX_BYTES = 16 * 1024;
    private static final int MAX_MEDIA = 8;
    private static final int MAX_ATTRIBUTES = 64;

    public Sdp {
        media = List.copyOf(media);
    }

    /**
     * One m= section.
     *
     * @param connectionAddress the section's own c= address, or null when it uses the session's
     * @param attributes {@code a=} values in order, without the {@code a=} prefix
     */
    public record Media(String type, int port, String profile, List<String> formats, String connectionAddress,
            List<String> attributes) {
        public Media {
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(profile, "profile");
            formats = List.copyOf(formats);
            attributes = List.copyOf(attributes);
        }

        public boolean isAudio() {
            return "audio".equals(type);
        }

        /** RTP/SAVP or RTP/SAVPF (RFC 3711 section 12, RFC 5124). */
        public boolean secureProfile() {
            return profile.equals("RTP/SAVP") || profile.equals("RTP/SAVPF");
        }

        /** Values of every {@code a=NAME:...} (or flag {@code a=NAME}, as ""), in order. */
        public List<String> attributeValues(String name) {
            List<String> out = new ArrayList<>();
            for (String a : attributes) {
                if (a.equals(name)) {
                    out.add("");
                } else if (a.startsWith(name + ":")) {
                    out.add(a.substring(name.length() + 1));
                }
            }
            return out;
        }

        public boolean hasAttribute(String name) {
            return !attributeValues(name).isEmpty();
        }

        /** The direction attribute (RFC 3264 section 5.1), sendrecv when absent. */
        public String direction() {
            for (String a : attributes) {
                if (a.equals("sendrecv") || a.equals("sendonly") || a.equals("recvonly") || a.equals("inactive")) {
                    return a;
                }
            }
            return "sendrecv";
        }

        /** The {@code a=rtcp:} port (RFC 3605), or -1. */
        public int rtcpPort() {
            for (String v : attributeValues("rtcp")) {
                String p = v.trim().split(" ")[0];
                try {
                    int port = Integer.parseInt(p);
                    return port > 0 && port <= 65535 ? port : -1;
                } catch (NumberFormatException e) {
                    return -1;
                }
            }
            return -1;
        }

        @Override
        public String toString() {
            // attributes may hold a=crypto keys
            return "Media[" + type + " " + port + " " + profile + " " + formats + "]";
        }
    }

    /** The c= address that applies to {@code m}. */
    public Optional<String> addressOf(Media m) {
        return Optional.ofNullable(m.connectionAddress() != null ? m.connectionAddress() : connectionAddress);
    }

    /** The first audio section with a non-zero port, with its index. */
    public Optional<Integer> firstAudio() {
        for (int i = 0; i < media.size(); i++) {
            if (media.get(i).isAudio() && media.get(i).port() != 0) {
                return Optional.of(i);
            }
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return "Sdp[c=" + connectionAddress + ", " + media + "]";
    }

    /** The result of {@link #parse}. */
    public sealed interface Parse {
        record Ok(Sdp sdp) implements Parse {
        }

        /** @param reason names the fault, never the content of a line */
        record Bad(String reason) implements Parse {
        }
    }

    public static Parse parse(byte[] body) {
        if (body == null || body.length == 0) {
            return new Parse.Bad("empty body");
        }
        if (body.length > MAX_BYTES) {
            return new Parse.Bad("body too large");
        }
        return parse(new String(body, StandardCharsets.UTF_8));
    }

    public static Parse parse(String text) {
        String[] lines = text.split("\r?\n", -1);
        String sessionAddress = null;
        List<Media> media = new ArrayList<>();
        boolean sawVersion = false;
        String mType = null;
        int mPort = 0;
        String mProfile = null;
        List<String> mFormats = null;
        String mAddress = null;
        List<String> mAttrs = null;
        int n = 0;
        for (String line : lines) {
            n++;
            if (line.isEmpty()) {
                continue; // tolerate the trailing empty line
            }
            if (line.length() < 2 || line.charAt(1) != '=') {
                return new Parse.Bad("line " + n + " is not type=value");
            }
            char type = line.charAt(0);
            String value = line.substring(2);
            if (!sawVersion) {
                if (type != 'v' || !value.equals("0")) {
                    return new Parse.Bad("does not start with v=0");
                }
                sawVersion = true;
                continue;
            }
            switch (type) {
                case 'c' -> {
                    Optional<String> addr = connection(value);
                    if (addr.isEmpty()) {
                        return new Parse.Bad("line " + n + ": unsupported c= line");
                    }
                    if (mType == null) {
                        sessionAddress = addr.get();
                    } else {
                        mAddress = addr.get();
                    }
                }
                case 'm' -> {
                    if (mType != null) {
                        media.add(new Media(mType, mPort, mProfile, mFormats, mAddress, mAttrs));
                    }
                    if (media.size() >= MAX_MEDIA) {
                        return new Parse.Bad("too many media sections");
                    }
                    String[] f = value.split(" ");
                    if (f.length < 4 || f[0].isEmpty()) {
                        return new Parse.Bad("line " + n + ": malformed m= line");
                    }
                    int port;
                    try {
                        port = Integer.parseInt(f[1]);
                    } catch (NumberFormatException e) {
                        return new Parse.Bad("line " + n + ": m= port is not a number (port counts are not supported)");
                    }
                    if (port < 0 || port > 65535) {
                        return new Parse.Bad("line " + n + ": m= port out of range");
                    }
                    mType = f[0].toLowerCase(Locale.ROOT);
                    mPort = port;
                    mProfile = f[2];
                    mFormats = new ArrayList<>();
                    for (int i = 3; i < f.length; i++) {
                        if (f[i].isEmpty() || f[i].length() > 32) {
                            return new Parse.Bad("line " + n + ": malformed format");
                        }
                        mFormats.add(f[i]);
                    }
                    mAddress = null;
                    mAttrs = new ArrayList<>();
                }
                case 'a' -> {
                    if (mAttrs != null) {
                        if (mAttrs.size() >= MAX_ATTRIBUTES) {
                            return new Parse.Bad("too many attributes");
                        }
                        mAttrs.add(value);
                    }
                    // session-level attributes are not carried over: each leg gets ours
                }
                case 'o', 's', 't', 'i', 'u', 'e', 'p', 'b', 'r', 'z', 'k' -> {
                    // session information this B2BUA regenerates per leg
                }
                default -> {
                    return new Parse.Bad("line " + n + ": unknown type " + (Character.isLetter(type) ? type : '?'));
                }
            }
        }
        if (!sawVersion) {
            return new Parse.Bad("does not start with v=0");
        }
        if (mType != null) {
            media.add(new Media(mType, mPort, mProfile, mFormats, mAddress, mAttrs));
        }
        return new Parse.Ok(new Sdp(sessionAddress, media));
    }

    private static Optional<String> connection(String value) {
        String[] f = value.split(" ");
        if (f.length != 3 || !f[0].equals("IN") || !(f[1].equals("IP4") || f[1].equals("IP6"))) {
            return Optional.empty();
        }
        String a = f[2];
        if (a.isEmpty() || a.indexOf('/') >= 0 || a.length() > 64) {
            return Optional.empty();
        }
        for (int i = 0; i < a.length(); i++) {
            char c = a.charAt(i);
            if (!(Character.isLetterOrDigit(c) || c == '.' || c == ':' || c == '-')) {
                return Optional.empty();
            }
        }
        return Optional.of(a);
    }
}
