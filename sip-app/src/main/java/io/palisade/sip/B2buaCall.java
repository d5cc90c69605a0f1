package io.palisade.sip;

import io.palisade.core.call.CallService;
import io.palisade.core.call.Sdp;
import io.palisade.media.relay.RelaySession;
import io.palisade.media.sdes.SdesOffer;
import java.util.ArrayList;
import java.util.List;
import javax.servlet.sip.SipApplicationSession;
import javax.servlet.sip.SipServletRequest;
import javax.servlet.sip.SipServletResponse;
import javax.servlet.sip.SipSession;

/**
 * The typed state of one B2BUA call, kept as the one attribute of its application session: the caller's INVITE,
 * the branches toward the callee's contacts, the relay session and the SDP of each side. Every handler works on it
 * under its monitor, since responses of different branches and timers arrive on different threads.
 */
final class B2buaCall {
    private static final String KEY = "io.palisade.call";

    /** One INVITE toward one contact of the callee. */
    static final class Branch {
        final SipServletRequest invite;
        final javax.servlet.sip.SipURI flowRoute;
        /** The registered contact it rings, the user it belongs to, and the Session-Expires it asked for. */
        final io.palisade.core.location.Binding contact;
        final String callee;
        final int sessionExpires;
        int finalStatus;
        boolean provisional;
        boolean cancelWanted;
        /** A branch sent again after a 422 (RFC 4028 section 7.4) is not sent a third time. */
        boolean retriedAfter422;

        Branch(SipServletRequest invite, javax.servlet.sip.SipURI flowRoute, io.palisade.core.location.Binding contact,
               String callee, int sessionExpires) {
            this.invite = invite;
            this.flowRoute = flowRoute;
            this.contact = contact;
            this.callee = callee;
            this.sessionExpires = sessionExpires;
        }

        SipSession session() {
            return invite.getSession();
        }
    }

    /**
     * A re-INVITE or UPDATE with an offer from one party, forwarded to the other (RFC 3264 section 8): the offer as
     * received, the request sent on the other leg with the keys offered there, and the request to answer.
     */
    static final class ReOffer {
        final SipServletRequest received;
        final SipServletRequest forwarded;
        final boolean fromCaller;
        final Sdp offer;
        final int audio;
        final SdesOffer sdes;

        ReOffer(SipServletRequest received, SipServletRequest forwarded, boolean fromCaller, Sdp offer, int audio,
                SdesOffer sdes) {
            this.received = received;
            this.forwarded = forwarded;
            this.fromCaller = fromCaller;
            this.offer = offer;
            this.audio = audio;
            this.sdes = sdes;
        }

        boolean answers(javax.servlet.sip.SipServletResponse resp) {
            return resp.getSession().getId().equals(forwarded.getSession().getId())
                    && resp.getMethod().equals(forwarded.getMethod())
                    && resp.getHeader("CSeq").equals(forwarded.getHeader("CSeq"));
        }
    }

    final SipServletRequest callerInvite;
    final String callerTransport;
    final String calleeTransport;
    final RelaySession media;
    /** The caller's offer; null for a late offer (an INVITE without SDP) until the callee's offer went to it. */
    Sdp callerOffer;
    int callerAudio;
    String callerCrypto;
    String callerSuite;
    final long sdpSessionId;
    final List<Branch> branches = new ArrayList<>();
    javax.servlet.sip.SipURI callerRoute;
    SdesOffer calleeOffer;
    CallService.Call call;
    Branch winner;
    Sdp calleeAnswer;
    String callerAnswer;
    String calleeSuite = "";
    boolean answeredCaller;
    boolean finalSentToCaller;
    boolean cancelled;
    boolean ended;
    /** The o= versions of the SDP sent on each leg (RFC 3264 section 8: each new description increments it). */
    long sdpVersionCaller;
    long sdpVersionCallee;
    /** The SDP last sent on each leg: repeated in a 2xx to a re-INVITE without an offer (a session refresh). */
    String lastSdpToCaller;
    String lastSdpToCallee;
    /** A re-offer on its way through the B2BUA; another one meanwhile is glare (RFC 3261 section 14.2: 491). */
    ReOffer pending;
    /** Late offer (RFC 3261 section 13.2.1): the caller's INVITE had no SDP. */
    final boolean lateOffer;
    /** Late offer: the callee's 2xx with its offer, acknowledged once the caller's ACK brings the answer. */
    javax.servlet.sip.SipServletResponse calleeOkAwaitingAck;
    /** Late offer: the callee's offer, its audio index, our answer's crypto on the callee leg, our offer to the caller. */
    Sdp calleeLateOffer;
    int calleeLateAudio;
    String calleeLateCrypto;
    SdesOffer callerLateSdes;
    /** The caller's INVITE supported 100rel (RFC 3262): its 18x are sent reliably. */
    boolean reliableToCaller;
    /** A reliable 18x with SDP awaits its PRACK; the caller's 2xx waits for it (RFC 3262 section 3). */
    boolean unackedReliableSdp;
    SipServletResponse okAwaitingPrack;
    /** Who called whom, in which domain: for redirected branches (3xx to another of our users). */
    String caller;
    String callee;
    String domain;
    /** The offer every branch INVITE carries (null for a late offer). */
    String calleeSdp;
    /** Users the call has rung (the callee and the targets of followed redirects), and how many 3xx were followed. */
    final java.util.Set<String> triedUsers = new java.util.HashSet<>();
    int redirects;
    /** The caller leg's RFC 4028 answer, decided on the INVITE, put in the 2xx. */
    io.palisade.core.call.SessionTimer.UasDecision.Use callerTimerOffer;
    /** The caller acknowledged our 2xx; before that a BYE to it waits (RFC 3261 section 15). */
    boolean callerAcked;
    /** When our 2xx to the caller's INVITE went out (0: not yet); the caller has 64*T1 to acknowledge it. */
    long okSentNanos;
    /** When the 2xx that waits for the caller's PRACK was held back (0: none held). */
    long okHeldNanos;
    boolean byeCallerOnAck;
    /** An UPDATE we sent to refresh a leg is on its way. */
    boolean refreshInFlight;
    /** Session timers per leg (RFC 4028), null when the leg does not use them. */
    io.palisade.core.call.SessionTimer callerTimer;
    io.palisade.core.call.SessionTimer calleeTimer;

    B2buaCall(SipServletRequest callerInvite, String callerTransport, String calleeTransport, RelaySession media,
              Sdp callerOffer, int callerAudio, String callerCrypto, String callerSuite) {
        this.lateOffer = callerOffer == null;
        this.callerInvite = callerInvite;
        this.callerTransport = callerTransport;
        this.calleeTransport = calleeTransport;
        this.media = media;
        this.callerOffer = callerOffer;
        this.callerAudio = callerAudio;
        this.callerCrypto = callerCrypto;
        this.callerSuite = callerSuite;
        this.sdpSessionId = System.currentTimeMillis() & 0xffffffffL;
    }

    void attach(SipApplicationSession app) {
        app.setAttribute(KEY, this);
    }

    static B2buaCall of(SipSession session) {
        if (session == null || !session.isValid()) {
            return null;
        }
        SipApplicationSession app = session.getApplicationSession();
        return app == null || !app.isValid() ? null : (B2buaCall) app.getAttribute(KEY);
    }

    boolean isCaller(SipSession s) {
        return callerInvite.getSession().getId().equals(s.getId());
    }

    Branch branchOf(SipSession s) {
        for (Branch b : branches) {
            if (b.session().getId().equals(s.getId())) {
                return b;
            }
        }
        return null;
    }

    boolean allBranchesFinal() {
        for (Branch b : branches) {
            if (b.finalStatus == 0) {
                return false;
            }
        }
        return true;
    }

    long nextVersion(boolean callerLeg) {
        return callerLeg ? ++sdpVersionCaller : ++sdpVersionCallee;
    }

    boolean callerSecure() {
        return io.palisade.core.call.CallPolicy.legSecurity(callerTransport)
                == io.palisade.core.call.CallPolicy.LegSecurity.SRTP_REQUIRED;
    }

    boolean calleeSecure() {
        return io.palisade.core.call.CallPolicy.legSecurity(calleeTransport)
                == io.palisade.core.call.CallPolicy.LegSecurity.SRTP_REQUIRED;
    }

    /** The session toward the other party of {@code s}'s dialog, once answered; null before. */
    SipSession otherSide(boolean fromCaller) {
        if (fromCaller) {
            return winner == null ? null : winner.session();
        }
        return callerInvite.getSession();
    }

    @Override
    public String toString() {
        return "B2buaCall[" + (call == null ? "?" : call.id()) + "]";
    }
}
