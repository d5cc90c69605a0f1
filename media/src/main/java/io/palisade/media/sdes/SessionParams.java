// Copyright (C) the Palisade authors. SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.media.sdes;

import java.util.ArrayList;
import java.util.List;

/**
 * The SRTP session parameters of RFC 4568 section 6.3 that change how packets are processed.
 * KDR other than 0, FEC_ORDER other than FEC_SRTP, FEC_KEY and WSH are understood by the parser;
 * the ones the relay cannot honour make the negotiation refuse that line.
 *
 * @param kdr key derivation rate exponent (RFC 4568 6.3.1), -1 when absent
 * @param wsh SRTP window size hint (6.3.6), -1 when absent
 * @param fecOrderSrtpFec whether FEC_ORDER=SRTP_FEC was given (6.3.4)
 * @param fecKey whether a FEC_KEY was given (6.3.5)
 */
public record SessionParams(
        boolean unencryptedSrtp,
        boolean unencryptedSrtcp,
        boolean unauthenticatedSrtp,
        int kdr,
        int wsh,
        boolean fecOrderSrtpFec,
        boolean fecKey) {

    public static final SessionParams NONE = new SessionParams(false, false, false, -1, -1, false, false);

    /** The RFC 4568 text for these parameters, space-separated, empty when none. */
    public String toSdp() {
        List<String> out = new ArrayList<>();
        if (kdr >= 0) {
            out.add("KDR=" + kdr);
        }
        if (unencryptedSrtp) {
            out.add("UNENCRYPTED_SRTP");
        }
        if (unencryptedSrtcp) {
            out.add("UNENCRYPTED_SRTCP");
        }
        if (unauthenticatedSrtp) {
            out.add("UNAUTHENTICATED_SRTP");
        }
        if (wsh >= 0) {
            out.add("WSH=" + wsh);
        }
        return String.join(" ", out);
    }
}
