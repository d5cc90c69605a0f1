// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.core.call;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Writes the SDP one leg sees (RFC 3264 offer/answer, RFC 4566 syntax) when media is anchored: the
 * connection address and port are the relay's for that leg, the profile follows the leg's security, and the
 * only {@code a=crypto} lines are the ones the media module made for that leg (RFC 4568): nothing of the
 * other party's session description passes except codecs, their parameters, packet time and direction.
 *
 * <p>Only the first audio stream is anchored; every other media section is declined with port 0
 * (RFC 3264 section 6), in the same position so that the answer lines up with the offer.
 */
public final class SdpRewriter {
    /** Attributes carried from one leg to the other; everything else (ICE, rtcp, crypto, ssrc, ...) stays behind. */
    private static final Set<String> PASSED = Set.of("rtpmap", "fmtp", "ptime", "maxptime");
    private static final Set<String> DIRECTIONS = Set.of("sendrecv", "sendonly", "recvonly", "inactive");

    private SdpRewriter() {
    }

    /**
     * What the relay gives one leg.
     *
     * @param secure whether the leg runs SRTP (profile RTP/SAVP and {@code a=crypto} lines)
     * @param cryptoLines attribute values (without {@code a=crypto:}); several in an offer, one in an answer
     */
    public record LegMedia(String address, int rtpPort, boolean secure, List<String> cryptoLines) {
        public LegMedia {
            Objects.requireNonNull(address, "address");
            cryptoLines = List.copyOf(cryptoLines);
            if (!secure && !cryptoLines.isEmpty()) {
                throw new IllegalArgumentException("a=crypto on a leg that is not secure");
            }
        }

        @Override
        public String toString() {
            return "LegMedia[" + address + ":" + rtpPort + (secure ? " SRTP" : " RTP") + "]";
        }
    }

    /** The result of {@link #answer}. */
    public sealed interface Answer {
        record Ok(String sdp, List<String> formats) implements Answer {
        }

        /** No codec in common, or the answerer declined the audio stream: 488 (RFC 3261 section 21.4.26). */
        record NotAcceptable(String reason) implements Answer {
        }
    }

    /**
     * The offer sent on {@code leg}, made from the offer received on the other leg.
     *
     * @param audio index of the anchored audio section in {@code in} (see {@link Sdp#firstAudio()})
     */
    public static String offer(Sdp in, int audio, LegMedia leg, long sessionId, long version) {
        StringBuilder b = header(leg, sessionId, version);
        for (int i = 0; i < in.media().size(); i++) {
            Sdp.Media m = in.media().get(i);
            if (i != audio) {
                declined(b, m);
                continue;
            }
            mLine(b, leg.rtpPort(), leg.secure() ? "RTP/SAVP" : "RTP/AVP", m.formats());
            passAttributes(b, m, new LinkedHashSet<>(m.formats()));
            cryptoLines(b, leg);
        }
        return b.toString();
    }

    /**
     * The answer sent on {@code leg} to the offer received on it, made from the answer the other leg gave to
     * our offer: the codecs the other party chose, in the offer's profile.
     */
    public static Answer answer(Sdp offer, int audio, Sdp otherAnswer, LegMedia leg, long sessionId, long version) {
        return answer(offer, audio, otherAnswer, leg, sessionId, version, false);
    }

    /**
     * Like {@link #answer(Sdp, int, Sdp, LegMedia, long, long)}; with {@code local} the B2BUA answers a re-offer
     * itself (hold, resume, new keys) with the codecs agreed before, and the direction mirrors the re-offer
     * (RFC 3264 section 6.1: sendonly is answered recvonly).
     */
    public static Answer answer(Sdp offer, int audio, Sdp otherAnswer, LegMedia leg, long sessionId, long version,
                                boolean local) {
        var otherAudio = otherAnswer.firstAudio();
        if (otherAudio.isEmpty()) {
            return new Answer.NotAcceptable("the callee declined the audio stream");
        }
        Sdp.Media theirs = otherAnswer.media().get(otherAudio.get());
        Sdp.Media offered = offer.media().get(audio);
        Set<String> common = new LinkedHashSet<>();
        for (String f : theirs.formats()) {
            if (offered.formats().contains(f)) {
                common.add(f);
            }
        }
        if (common.isEmpty()) {
            return new Answer.NotAcceptable("no codec in common");
        }
        StringBuilder b = header(leg, sessionId, version);
        for (int i = 0; i < offer.media().size(); i++) {
            Sdp.Media m = offer.media().get(i);
            if (i != audio) {
                declined(b, m);
                continue;
            }
            String profile = leg.secure() ? secureAnswerProfile(m.profile()) : "RTP/AVP";
            mLine(b, leg.rtpPort(), profile, List.copyOf(common));
            if (local) {
                passAttributes(b, withoutDirection(theirs), common);
                b.append("a=").append(mirror(m.direction())).append("\r\n");
            } else {
                passAttributes(b, theirs, common);
            }
            cryptoLines(b, leg);
        }
        return new Answer.Ok(b.toString(), List.copyOf(common));
    }

    /**
     * An answer that declines every stream of {@code offer} (RFC 3264 section 6: port 0): what the ACK of a 2xx
     * that carried an offer says when the B2BUA cannot use that 2xx (a late 2xx of a losing branch).
     */
    public static String decline(Sdp offer, String address, long sessionId, long version) {
        StringBuilder b = header(new LegMedia(address, 0, false, List.of()), sessionId, version);
        for (Sdp.Media m : offer.media()) {
            declined(b, m);
        }
        return b.toString();
    }

    /** The answer keeps the offer's transport protocol (RFC 3264 section 6): best-effort SRTP offers RTP/AVP. */
    private static String secureAnswerProfile(String offered) {
        return offered.equals("RTP/AVP") ? "RTP/AVP" : "RTP/SAVP";
    }

    /** The answer's direction for an offered one (RFC 3264 section 6.1). */
    public static String mirror(String offered) {
        return switch (offered) {
            case "sendonly" -> "recvonly";
            case "recvonly" -> "sendonly";
            case "inactive" -> "inactive";
            default -> "sendrecv";
        };
    }

    private static Sdp.Media withoutDirection(Sdp.Media m) {
        List<String> attrs = new ArrayList<>();
        for (String a : m.attributes()) {
            if (!DIRECTIONS.contains(a)) {
                attrs.add(a);
            }
        }
        return new Sdp.Media(m.type(), m.port(), m.profile(), m.formats(), m.connectionAddress(), attrs);
    }

    private static StringBuilder header(LegMedia leg, long sessionId, long version) {
        String ipv = leg.address().indexOf(':') >= 0 ? "IP6" : "IP4";
        return new StringBuilder(512)
                .append("v=0\r\n")
                .append("o=palisade ").append(sessionId).append(' ').append(version).append(" IN ").append(ipv).append(' ')
                .append(leg.address()).append("\r\n")
                .append("s=-\r\n")
                .append("c=IN ").append(ipv).append(' ').append(leg.address()).append("\r\n")
                .append("t=0 0\r\n");
    }

    private static void mLine(StringBuilder b, int port, String profile, List<String> formats) {
        b.append("m=audio ").append(port).append(' ').append(profile);
        for (String f : formats) {
            b.append(' ').append(f);
        }
        b.append("\r\n");
    }

    private static void declined(StringBuilder b, Sdp.Media m) {
        b.append("m=").append(m.type()).append(" 0 ").append(m.profile());
        for (String f : m.formats()) {
            b.append(' ').append(f);
        }
        b.append("\r\n");
    }

    private static void passAttributes(StringBuilder b, Sdp.Media m, Set<String> formats) {
        for (String a : m.attributes()) {
            int colon = a.indexOf(':');
            String name = colon < 0 ? a : a.substring(0, colon);
            if (DIRECTIONS.contains(a)) {
                b.append("a=").append(a).append("\r\n");
            } else if (PASSED.contains(name) && colon > 0) {
                if (name.equals("rtpmap") || name.equals("fmtp")) {
                    String fmt = a.substring(colon + 1).split(" ", 2)[0];
                    if (!formats.contains(fmt)) {
                        continue;
                    }
                }
                b.append("a=").append(a).append("\r\n");
            }
        }
    }

    private static void cryptoLines(StringBuilder b, LegMedia leg) {
        for (String c : leg.cryptoLines()) {
            b.append("a=crypto:").append(c).append("\r\n");
        }
    }

    /** Offered formats, for diagnostics. */
    public static List<String> formats(Sdp sdp, int audio) {
        return new ArrayList<>(sdp.media().get(audio).formats());
    }
}
