package io.palisade.sip;

import io.palisade.core.call.CallService;
import io.palisade.core.call.Sdp;
import io.palisade.media.relay.RelaySession;
import io.palisade.media.sdes.SdesOffer;
import java.util.ArrayList;
import java.util.List;
import javax.servlet.sip.SipApplicationSession;
import javax.servlet.sip.SipServletRequest;
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
        int finalStatus;
        boolean provisional;
        boolean cancelWanted;

        Branch(SipServletRequest invite, javax.servlet.sip.SipURI flowRoute) {
            this.invite = invite;
            this.flowRoute = flowRoute;
        }

        SipSession session() {
            return invite.getSession();
        }
    }

    final SipServletRequest callerInvite;
    final String callerTransport;
    final String calleeTransport;
    final RelaySession media;
    final Sdp callerOffer;
    final int callerAudio;
    final String callerCrypto;
    final String callerSuite;
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
    long sdpVersion;

    B2buaCall(SipServletRequest callerInvite, String callerTransport, String calleeTransport, RelaySession media,
              Sdp callerOffer, int callerAudio, String callerCrypto, String callerSuite) {
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

    long nextVersion() {
        return ++sdpVersion;
    }

    @Override
    public String toString() {
        return "B2buaCall[" + (call == null ? "?" : call.id()) + "]";
    }
}
