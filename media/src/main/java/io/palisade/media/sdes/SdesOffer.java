// Copyright (C) the Palisade authors. SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.media.sdes;

import java.util.ArrayList;
import java.util.List;

/**
 * An offer we made: every offered key is kept until the answer arrives, because an answerer may
 * renumber tags (seen in the field) and is matched by suite when its tag does not fit.
 */
public final class SdesOffer {
    private final SdesNegotiator negotiator;
    private final List<CryptoAttribute> offered;
    private final CryptoAttribute reused;
    private boolean settled;

    SdesOffer(SdesNegotiator negotiator, List<CryptoAttribute> offered, CryptoAttribute reused) {
        this.negotiator = negotiator;
        this.offered = List.copyOf(offered);
        this.reused = reused;
    }

    /** The attribute values for the offer's {@code a=crypto} lines (keys included: TLS legs only). */
    public List<String> lines() {
        List<String> out = new ArrayList<>(offered.size());
        for (CryptoAttribute a : offered) {
            out.add(a.toSdpValue());
        }
        return out;
    }

    /** The offered attributes (toString is redacted). */
    public List<CryptoAttribute> attributes() {
        return offered;
    }

    /**
     * Matches the peer's answer to this offer: by tag and suite, else by suite alone (renumbered
     * tag). Keys not chosen are zeroed.
     */
    public synchronized SdesOutcome accept(boolean secureProfile, List<String> answerLines) {
        if (settled) {
            throw new IllegalStateException("offer already settled");
        }
        settled = true;
        List<SdesOutcome.Refusal> refused = new ArrayList<>();
        List<CryptoAttribute> usable = negotiator.parseUsable(answerLines, refused);
        SdesConfig cfg = negotiator.config();
        CryptoAttribute remote = null;
        CryptoAttribute local = null;
        for (CryptoAttribute a : usable) {
            if (remote != null) {
                refused.add(new SdesOutcome.Refusal(a.tag(), "an answer carries one crypto line; extra line ignored"));
                continue;
            }
            CryptoAttribute match = null;
            for (CryptoAttribute o : offered) {
                if (o.tag() == a.tag() && o.suite() == a.suite()) {
                    match = o;
                }
            }
            if (match == null) {
                for (CryptoAttribute o : offered) {
                    if (o.suite() == a.suite() && match == null) {
                        match = o;
                    }
                }
            }
            if (match == null) {
                refused.add(new SdesOutcome.Refusal(a.tag(), a.suite() + " was not offered"));
            } else if (match.params().unencryptedSrtp() != a.params().unencryptedSrtp()
                    || match.params().unencryptedSrtcp() != a.params().unencryptedSrtcp()) {
                // RFC 4568 6.3.2: the answer accepts these as offered or refuses the line; adding one
                // would switch encryption off in both directions without the offerer asking for it
                refused.add(new SdesOutcome.Refusal(a.tag(), "UNENCRYPTED_SRTP/UNENCRYPTED_SRTCP differ from the offer"));
            } else {
                remote = a;
                local = new CryptoAttribute(match.tag(), match.suite(), match.keys(), sameParams(match.params(), a.params()));
            }
        }
        for (CryptoAttribute a : usable) {
            if (a != remote) {
                a.destroy();
            }
        }
        for (CryptoAttribute o : offered) {
            if ((local == null || o.key() != local.key()) && (reused == null || o.key() != reused.key())) {
                o.destroy();
            }
        }
        if (remote != null) {
            return new SdesOutcome.Secure(remote, local, refused);
        }
        if (cfg.security() == MediaSecurity.RTP_ONLY || cfg.security() == MediaSecurity.SRTP_OPTIONAL && !secureProfile) {
            return new SdesOutcome.Plain(refused);
        }
        List<String> ours = new ArrayList<>();
        offered.forEach(o -> ours.add("tag " + o.tag() + " " + o.suite()));
        return new SdesOutcome.Failed("SRTP required: we offered " + ours + "; the answer had "
                + (answerLines.isEmpty() ? "no a=crypto line" : answerLines.size() + " a=crypto line(s) " + refused));
    }

    /** Zeroes every offered key (offer withdrawn or failed), except a key reused from the current one. */
    public synchronized void discard() {
        if (!settled) {
            settled = true;
            for (CryptoAttribute o : offered) {
                if (reused == null || o.key() != reused.key()) {
                    o.destroy();
                }
            }
        }
    }

    private static SessionParams sameParams(SessionParams ours, SessionParams theirs) {
        // The answer's UNENCRYPTED_* flags describe the stream both ways (RFC 4568 6.3.2/6.3.3)
        return new SessionParams(theirs.unencryptedSrtp(), theirs.unencryptedSrtcp(), false, -1, -1, false, false);
    }

    @Override
    public String toString() {
        return "SdesOffer" + offered;
    }
}
