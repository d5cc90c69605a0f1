// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.core.call;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Pure decisions of the B2BUA: how media must be protected on a leg, which headers of one leg may reach the
 * other (topology hiding), which final response the caller gets when the callee's branches fail
 * (RFC 3261 section 16.7 step 6, simplified for a B2BUA that does not recurse on 3xx), and the identity
 * asserted to the callee (RFC 3325).
 */
public final class CallPolicy {
    /**
     * Headers of the caller's INVITE that may appear on the callee's leg. Everything else (Via, Contact, Record-Route,
     * Route, User-Agent, Server, P-Asserted-Identity, P-Preferred-Identity, Supported extensions this B2BUA does not
     * implement, X- headers, ...) is dropped: a whitelist, so a new header cannot leak by default.
     */
    private static final Set<String> CALLEE_LEG_KEEPS = Set.of("from", "f", "to", "t", "call-id", "i", "cseq",
            "max-forwards", "content-type", "c", "content-length", "l", "subject", "s", "accept", "via", "v",
            "contact", "m", "route", "record-route");
    /** The container rewrites these per leg itself (JSR 289 section 4.1.2, system headers). */
    private static final Set<String> SYSTEM = Set.of("from", "f", "to", "t", "call-id", "i", "cseq", "via", "v",
            "contact", "m", "route", "record-route", "content-length", "l", "max-forwards");

    /** Methods this B2BUA handles in a dialog (Allow header, RFC 3261 section 20.5). */
    public static final String ALLOW = "INVITE, ACK, CANCEL, BYE, OPTIONS, UPDATE, PRACK";

    private CallPolicy() {
    }

    /** What a leg's media must be. */
    public enum LegSecurity {
        /** SRTP with SDES keys of this leg only (RFC 4568 needs a secure signalling channel: TLS). */
        SRTP_REQUIRED,
        /** Plain RTP: a leg over UDP/TCP from a trusted network, where keys in SDP would travel in clear. */
        RTP_ONLY
    }

    /** The media policy of a leg signalled over {@code transport}. */
    public static LegSecurity legSecurity(String transport) {
        return "TLS".equalsIgnoreCase(transport) ? LegSecurity.SRTP_REQUIRED : LegSecurity.RTP_ONLY;
    }

    /** Whether a header of the caller's request may be copied onto the callee's leg. */
    public static boolean copiesToCalleeLeg(String headerName) {
        return CALLEE_LEG_KEEPS.contains(headerName.toLowerCase(Locale.ROOT));
    }

    /** Whether the container manages the header (it cannot be removed by the application). */
    public static boolean isSystemHeader(String headerName) {
        return SYSTEM.contains(headerName.toLowerCase(Locale.ROOT));
    }

    /** Whether a response header from the callee may reach the caller (only what describes the body). */
    public static boolean copiesToCallerLeg(String headerName) {
        String h = headerName.toLowerCase(Locale.ROOT);
        return h.equals("content-type") || h.equals("c");
    }

    /**
     * The status the caller gets for one failed branch: codes the caller can act on pass; the callee's own
     * challenges, redirects (which would reveal its contacts), server errors and refusals of what the B2BUA itself put
     * in the callee's INVITE (420 and 421 about extensions, 422 about its session interval, 423) become 480.
     */
    public static int callerStatusFor(int calleeStatus) {
        if (calleeStatus >= 600) {
            return calleeStatus == 600 || calleeStatus == 603 || calleeStatus == 604 || calleeStatus == 606
                    ? calleeStatus : 603;
        }
        if (calleeStatus >= 500 || calleeStatus < 400) {
            return 480;
        }
        return switch (calleeStatus) {
            case 401, 407, 404, 410, 420, 421, 422, 423 -> 480;
            default -> calleeStatus;
        };
    }

    /**
     * The best of several branch failures (RFC 3261 section 16.7 step 6 in spirit): a 6xx wins; then busy, then a
     * refusal of the media (488), then any other 4xx, then 480.
     */
    public static int bestFailure(List<Integer> calleeStatuses) {
        int best = 480;
        int bestRank = Integer.MAX_VALUE;
        for (int s : calleeStatuses) {
            int mapped = callerStatusFor(s);
            int rank = mapped >= 600 ? 0 : mapped == 486 ? 1 : mapped == 488 ? 2 : mapped == 480 ? 4 : 3;
            if (rank < bestRank) {
                bestRank = rank;
                best = mapped;
            }
        }
        return best;
    }

    /** P-Asserted-Identity (RFC 3325 section 9.1) for the authenticated {@code user} of {@code domain}. */
    public static String assertedIdentity(String user, String domain) {
        return "<sip:" + user + "@" + domain + ">";
    }

    /** The address of record a Request-URI user part and host name. */
    public static String aor(String user, String host) {
        return "sip:" + user + "@" + host.toLowerCase(Locale.ROOT);
    }
}
