// Copyright (C) the Palisade authors. SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.media.sdes;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * SDES offer/answer (RFC 4568 section 7): picks the strongest suite both sides allow, in the order
 * of the leg's {@link SdesConfig}; refuses a bad crypto line, never a whole offer; fails closed
 * with a diagnostic when SRTP is required and nothing fits. Keys are generated here, per leg.
 */
public final class SdesNegotiator {
    private final SdesConfig config;
    private final CryptoParser parser;

    public SdesNegotiator(SdesConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.parser = new CryptoParser(config.limits());
    }

    public SdesConfig config() {
        return config;
    }

    /**
     * Answers a peer's offer.
     *
     * @param secureProfile whether the m-line's transport is RTP/SAVP (or RTP/SAVPF)
     * @param offered the offer's {@code a=crypto} lines, in order
     * @param current our attribute now in use on this leg, or null: its key is kept when the suite
     *     and parameters do not change (hold, session refresh)
     */
    public SdesOutcome answer(boolean secureProfile, List<String> offered, CryptoAttribute current) {
        List<SdesOutcome.Refusal> refused = new ArrayList<>();
        List<CryptoAttribute> usable = parseUsable(offered, refused);
        if (config.security() == MediaSecurity.RTP_ONLY) {
            usable.forEach(CryptoAttribute::destroy);
            if (secureProfile) {
                return new SdesOutcome.Failed("policy allows only plain RTP on this leg; the peer offered RTP/SAVP with "
                        + describeOffered(offered.size(), refused, usable));
            }
            return new SdesOutcome.Plain(refused);
        }
        CryptoAttribute best = null;
        for (CryptoAttribute a : usable) {
            int r = config.rank(a.suite());
            if (r < 0) {
                refused.add(new SdesOutcome.Refusal(a.tag(), a.suite() + " not allowed by policy"));
            } else if (best == null || preference(a) < preference(best)) {
                best = a;
            }
        }
        for (CryptoAttribute a : usable) {
            if (a != best) {
                a.destroy();
                if (config.rank(a.suite()) >= 0) {
                    refused.add(new SdesOutcome.Refusal(a.tag(), "a preferred suite was chosen"));
                }
            }
        }
        if (best == null) {
            if (config.security() == MediaSecurity.SRTP_REQUIRED || secureProfile) {
                return new SdesOutcome.Failed("SRTP required: the peer offered " + describeOffered(offered.size(), refused, usable)
                        + "; this leg allows " + config.suites());
            }
            return new SdesOutcome.Plain(refused);
        }
        CryptoAttribute local;
        if (current != null && current.suite() == best.suite() && current.params().equals(echo(best.params()))
                && !current.key().isDestroyed()) {
            local = new CryptoAttribute(best.tag(), current.suite(), current.keys(), current.params());
        } else {
            local = SdesKeys.fresh(best.tag(), best.suite(), echo(best.params()));
        }
        return new SdesOutcome.Secure(best, local, refused);
    }

    /**
     * Makes an offer: one line per allowed suite, most preferred first, tags 1..n.
     *
     * @param current our attribute now in use, or null: its key is reused for its suite
     */
    public SdesOffer offer(CryptoAttribute current) {
        List<CryptoAttribute> lines = new ArrayList<>();
        if (config.security() != MediaSecurity.RTP_ONLY) {
            int tag = 1;
            for (SrtpSuite s : config.suites()) {
                if (current != null && current.suite() == s && !current.key().isDestroyed()) {
                    lines.add(new CryptoAttribute(tag++, s, current.keys(), current.params()));
                } else {
                    lines.add(SdesKeys.fresh(tag++, s, SessionParams.NONE));
                }
            }
        }
        return new SdesOffer(this, lines, current);
    }

    /** Lower is better: any encrypted line before any clear one, then the leg's suite order. */
    private int preference(CryptoAttribute a) {
        SessionParams p = a.params();
        return (p.unencryptedSrtp() ? 2000 : 0) + (p.unencryptedSrtcp() ? 1000 : 0) + config.rank(a.suite());
    }

    /** Parses lines and keeps those the relay can honour; the rest go to {@code refused}. */
    List<CryptoAttribute> parseUsable(List<String> lines, List<SdesOutcome.Refusal> refused) {
        List<CryptoAttribute> out = new ArrayList<>();
        int n = 0;
        for (String line : lines) {
            if (++n > config.limits().maxCryptoLines()) {
                refused.add(new SdesOutcome.Refusal(-1, "more than " + config.limits().maxCryptoLines() + " crypto lines"));
                break;
            }
            CryptoParse p = parser.parse(line);
            if (p instanceof CryptoParse.Malformed m) {
                refused.add(new SdesOutcome.Refusal(m.tag(), m.reason()));
                continue;
            }
            CryptoAttribute a = ((CryptoParse.Ok) p).value();
            String why = unsupported(a, config);
            if (why != null) {
                refused.add(new SdesOutcome.Refusal(a.tag(), why));
                a.destroy();
            } else {
                out.add(a);
            }
        }
        return out;
    }

    /** Why the relay cannot honour a well-formed line, or null. */
    private static String unsupported(CryptoAttribute a, SdesConfig config) {
        SessionParams p = a.params();
        if (p.unauthenticatedSrtp()) {
            return "UNAUTHENTICATED_SRTP refused: packets must be authenticated";
        }
        if ((p.unencryptedSrtp() || p.unencryptedSrtcp()) && a.suite().aead()) {
            return "UNENCRYPTED_SRTP/UNENCRYPTED_SRTCP with an AEAD suite (RFC 7714) are not supported";
        }
        if (p.unencryptedSrtp() && !config.allowUnencryptedSrtp()) {
            return "UNENCRYPTED_SRTP refused: this leg's policy requires encrypted media";
        }
        if (p.kdr() > 0) {
            return "KDR other than 0 is not supported";
        }
        if (p.fecOrderSrtpFec() || p.fecKey()) {
            return "FEC_ORDER=SRTP_FEC and FEC_KEY are not supported";
        }
        if (a.keys().size() > 1) {
            return "several master keys in one line are not supported";
        }
        if (a.key().lifetime().isPresent() && a.key().lifetime().getAsLong() < 1024) {
            return "key lifetime below 2^10 packets";
        }
        return null;
    }

    /** The session parameters we repeat in an answer: those that describe the packets both ways. */
    private static SessionParams echo(SessionParams p) {
        return new SessionParams(p.unencryptedSrtp(), p.unencryptedSrtcp(), false, -1, -1, false, false);
    }

    private static String describeOffered(int lines, List<SdesOutcome.Refusal> refused, List<CryptoAttribute> usable) {
        if (lines == 0) {
            return "no a=crypto line";
        }
        List<String> parts = new ArrayList<>();
        for (CryptoAttribute a : usable) {
            parts.add("tag " + a.tag() + " " + a.suite());
        }
        for (SdesOutcome.Refusal r : refused) {
            parts.add(r.toString());
        }
        return lines + " a=crypto line(s) " + parts;
    }

    static String describe(List<SdesOutcome.Refusal> refused) {
        return refused.toString();
    }
}
