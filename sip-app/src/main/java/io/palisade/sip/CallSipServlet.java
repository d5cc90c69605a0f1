package io.palisade.sip;

import io.palisade.core.auth.AuthOutcome;
import io.palisade.core.call.CallConfig;
import io.palisade.core.call.CallPolicy;
import io.palisade.core.call.CallService;
import io.palisade.core.call.Sdp;
import io.palisade.core.call.SdpRewriter;
import io.palisade.core.call.SessionTimer;
import io.palisade.core.location.Binding;
import io.palisade.core.location.Flow;
import io.palisade.media.relay.LegStats;
import io.palisade.media.relay.RelayLeg;
import io.palisade.media.relay.RelaySession;
import io.palisade.media.relay.RemoteMedia;
import io.palisade.media.sdes.MediaSecurity;
import io.palisade.media.sdes.SdesConfig;
import io.palisade.media.sdes.SdesOffer;
import io.palisade.media.sdes.SdesOutcome;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.servlet.ServletException;
import javax.servlet.sip.B2buaHelper;
import javax.servlet.sip.SipFactory;
import javax.servlet.sip.SipServlet;
import javax.servlet.sip.SipServletRequest;
import javax.servlet.sip.SipServletResponse;
import javax.servlet.sip.SipSession;
import javax.servlet.sip.SipURI;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The B2BUA between registered users (RFC 3261 section 6, "back-to-back user agent"; RFC 7092 topology hiding):
 * authenticates the caller with a proxy challenge (section 22.3), finds the callee's contacts in the location
 * service, rings them all over the flows they registered on, anchors media in the relay with each leg's own SDES
 * keys (RFC 4568), and relays the dialog's progress. Decisions come from {@link CallPolicy} and SDP from
 * {@link SdpRewriter}; this class applies them to the container's messages.
 */
public class CallSipServlet extends SipServlet {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(CallSipServlet.class);
    private static final String SDP = "application/sdp";

    private transient SipFactory sipFactory;

    @Override
    public void init() throws ServletException {
        super.init();
        sipFactory = (SipFactory) getServletContext().getAttribute(SIP_FACTORY);
    }

    // ------------------------------------------------------------------ the caller's INVITE

    @Override
    protected void doInvite(SipServletRequest req) throws ServletException, IOException {
        if (!req.isInitial()) {
            reOffer(req);
            return;
        }
        PalisadeSipServices services = PalisadeSipServices.get();
        if (!(req.getRequestURI() instanceof SipURI ruri) || ruri.getUser() == null || ruri.getUser().isEmpty()
                || !services.servesDomain(ruri.getHost())) {
            answer(req, 404, "Not Found");
            return;
        }
        String source = req.getRemoteAddr();
        AuthOutcome outcome = services.authenticator().authenticate("INVITE",
                RegistrarSipServlet.headerValues(req, "Proxy-Authorization"),
                services.challengeAlgorithms(req.getHeader("User-Agent")));
        if (outcome instanceof AuthOutcome.Challenge c) {
            DigestChallenges.send(req, services, c, true);
            return;
        }
        if (outcome instanceof AuthOutcome.Rejected rej) {
            answer(req, rej.statusCode(), rej.reasonPhrase());
            return;
        }
        String caller = ((AuthOutcome.Authenticated) outcome).username();
        if (!services.edge().userMayConnectFrom(caller, source)) {
            answer(req, 403, "Forbidden: not allowed from this network");
            return;
        }
        SessionTimer.UasDecision timer = SessionTimer.asUas(req.getHeader("Session-Expires"),
                hasOptionTag(req, "timer"), allowsUpdate(req),
                (int) services.calls().service().config().minSessionExpires().toSeconds());
        if (timer instanceof SessionTimer.UasDecision.Reject r) {
            SipServletResponse tooSmall = req.createResponse(422, "Session Interval Too Small");
            tooSmall.setHeader("Min-SE", Integer.toString(r.minSe())); // RFC 4028 section 6
            tooSmall.send();
            return;
        }
        trying(req);
        Sdp offer = null;
        int audio = -1;
        byte[] body = req.getRawContent();
        if (body != null && body.length > 0) {
            Sdp.Parse p = Sdp.parse(body);
            if (p instanceof Sdp.Parse.Bad bad) {
                answer(req, 400, "Bad Request: SDP " + bad.reason());
                return;
            }
            offer = ((Sdp.Parse.Ok) p).sdp();
            audio = offer.firstAudio().orElse(-1);
        }
        if (offer != null && audio < 0) {
            answer(req, 488, "Not Acceptable Here: an audio offer is required");
            return;
        }
        // offer == null: a late offer (RFC 3261 section 13.2.1); the callee's 2xx will carry the offer
        String callee = ruri.getUser();
        List<Binding> contacts = lookup(services, callee, ruri.getHost());
        if (contacts.isEmpty()) {
            answer(req, 480, "Temporarily Unavailable");
            return;
        }
        String callerTransport = req.getTransport().toUpperCase(Locale.ROOT);
        String calleeTransport = contacts.get(0).flow().transport();
        CallPolicy.LegSecurity secA = CallPolicy.legSecurity(callerTransport);
        CallPolicy.LegSecurity secB = CallPolicy.legSecurity(calleeTransport);
        PalisadeSipServices.Calls calls = services.calls();
        RelaySession media;
        try {
            media = calls.media().openSession(sdes(secA), sdes(secB));
        } catch (IOException e) {
            LOG.warn("no media ports for a call from {}: {}", caller, e.getClass().getName());
            answer(req, 503, "Service Unavailable: no media resources");
            return;
        }
        boolean started = false;
        try {
            String cryptoA = null;
            String suiteA = "";
            if (offer != null) {
                SdesOutcome outA = media.a().answerOffer(remote(offer, offer.media().get(audio)));
                if (outA instanceof SdesOutcome.Failed f) {
                    LOG.info("call from {} refused: {}", caller, f.diagnostic());
                    answer(req, 488, "Not Acceptable Here: no acceptable SRTP crypto");
                    return;
                }
                cryptoA = outA instanceof SdesOutcome.Secure s ? s.local().toSdpValue() : null;
                suiteA = outA instanceof SdesOutcome.Secure s ? s.local().suite().name() : "RTP";
            }
            B2buaCall call = new B2buaCall(req, callerTransport, calleeTransport, media, offer, audio, cryptoA, suiteA);
            call.reliableToCaller = hasOptionTag(req, "100rel");
            if (timer instanceof SessionTimer.UasDecision.Use use) {
                call.callerTimerOffer = use;
            }
            String sdpB = null;
            if (offer != null) {
                SdesOffer offerB = media.b().createOffer();
                call.calleeOffer = offerB;
                sdpB = SdpRewriter.offer(offer, audio, leg(media.b(), secB == CallPolicy.LegSecurity.SRTP_REQUIRED,
                        offerB.lines()), call.sdpSessionId, call.nextVersion(false));
                call.lastSdpToCallee = sdpB;
            }
            call.calleeSdp = sdpB;
            call.callee = callee;
            call.caller = caller;
            call.domain = ruri.getHost().toLowerCase(Locale.ROOT);
            call.triedUsers.add(callee);
            call.callerRoute = flowRoute(new Flow(callerTransport, req.getRemoteAddr(), req.getRemotePort(),
                    req.getLocalAddr(), req.getLocalPort()));
            call.attach(req.getApplicationSession());
            synchronized (call) {
                call.call = calls.service().begin(caller, callee, callerTransport, media.id(), new CallService.Hangup() {
                    @Override
                    public void hangUp(String cause) {
                        CallSipServlet.hangUp(call, cause);
                    }

                    @Override
                    public void tick(long nowNanos) {
                        CallSipServlet.this.tick(call, nowNanos);
                    }
                });
                started = true;
                ring(call, contacts, callee);
            }
        } finally {
            if (!started) {
                media.close();
            }
        }
    }

    /** Sends an INVITE to each of {@code contacts} (parallel forking); the callee leg keeps one security policy. */
    private void ring(B2buaCall call, List<Binding> contacts, String callee) throws IOException, ServletException {
        CallPolicy.LegSecurity secB = CallPolicy.legSecurity(call.calleeTransport);
        int sessionExpires = (int) PalisadeSipServices.get().calls().service().config().sessionExpires().toSeconds();
        List<B2buaCall.Branch> added = new ArrayList<>();
        for (Binding contact : contacts) {
            if (CallPolicy.legSecurity(contact.flow().transport()) != secB) {
                continue; // the relay's callee leg has one policy: such contacts ring on their next call
            }
            added.add(branch(call, contact, callee, sessionExpires));
        }
        for (B2buaCall.Branch b : added) {
            b.invite.send();
        }
    }

    /** A new INVITE toward one contact of the callee, added to the call's branches (not sent yet). */
    private B2buaCall.Branch branch(B2buaCall call, Binding contact, String callee, int sessionExpires)
            throws IOException, ServletException {
        SipServletRequest inv = call.callerInvite.getB2buaHelper().createRequest(call.callerInvite, false, Map.of(
                "From", List.of(CallPolicy.assertedIdentity(call.caller, call.domain)),
                "To", List.of(CallPolicy.assertedIdentity(callee, call.domain))));
        prepareCalleeInvite(inv, contact, call.caller, call.domain, call.calleeSdp, sessionExpires);
        B2buaCall.Branch b = new B2buaCall.Branch(inv, flowRoute(contact.flow()), contact, callee, sessionExpires);
        call.branches.add(b);
        return b;
    }

    /**
     * A branch refused with 422 (RFC 4028 section 7.4): the same contact is rung again, once, asking for the
     * 422's Min-SE. True when the retry went out.
     */
    private boolean retryAfter422(B2buaCall call, B2buaCall.Branch b, SipServletResponse resp)
            throws IOException, ServletException {
        if (b.retriedAfter422) {
            return false;
        }
        java.util.OptionalInt interval = SessionTimer.retryInterval(resp.getHeader("Min-SE"), b.sessionExpires);
        if (interval.isEmpty()) {
            return false;
        }
        B2buaCall.Branch again = branch(call, b.contact, b.callee, interval.getAsInt());
        again.retriedAfter422 = true;
        LOG.info("{}: the callee asked for a session interval of at least {} s; ringing it again", call,
                interval.getAsInt());
        again.invite.send();
        return true;
    }

    private static List<Binding> lookup(PalisadeSipServices services, String user, String host) {
        List<Binding> found = services.registrar().lookup(CallPolicy.aor(user, host));
        if (!found.isEmpty()) {
            return found;
        }
        for (String d : services.domains()) { // one subscriber base under several domain names
            found = services.registrar().lookup(CallPolicy.aor(user, d));
            if (!found.isEmpty()) {
                return found;
            }
        }
        return List.of();
    }

    private void prepareCalleeInvite(SipServletRequest inv, Binding contact, String caller, String domain, String sdp,
                                     int sessionExpires) throws IOException, ServletException {
        List<String> drop = new ArrayList<>();
        for (Iterator<String> it = inv.getHeaderNames(); it.hasNext(); ) {
            String h = it.next();
            if (!CallPolicy.copiesToCalleeLeg(h) && !CallPolicy.isSystemHeader(h)) {
                drop.add(h);
            }
        }
        for (String h : drop) {
            inv.removeHeader(h);
        }
        inv.setRequestURI(sipFactory.createURI(contact.contactUri()));
        inv.pushRoute(flowRoute(contact.flow()));
        inv.setHeader("P-Asserted-Identity", CallPolicy.assertedIdentity(caller, domain));
        inv.setHeader("Allow", CallPolicy.ALLOW);
        // RFC 4028 section 7.1: we ask the callee to refresh; the caller's own timer is negotiated on its leg
        CallConfig cc = PalisadeSipServices.get().calls().service().config();
        inv.setHeader("Supported", "timer");
        inv.setHeader("Session-Expires", sessionExpires + ";refresher=uas");
        inv.setHeader("Min-SE", Long.toString(cc.minSessionExpires().toSeconds()));
        if (sdp != null) {
            inv.setContent(sdp.getBytes(StandardCharsets.US_ASCII), SDP);
        }
        inv.getSession().setHandler(getServletName());
    }

    /**
     * A loose route to the far end of a flow. Every request toward a phone carries it (INVITE, CANCEL, ACK, BYE):
     * JAIN-SIP then reuses its cached TCP/TLS connection to that address and port, so a phone behind NAT, or one
     * that cannot accept connections (a TLS client without a certificate), is reached over the connection it opened,
     * never by a new connection to its Contact.
     */
    private SipURI flowRoute(Flow flow) {
        SipURI route = sipFactory.createSipURI(null, flow.remoteAddress().indexOf(':') >= 0
                ? "[" + flow.remoteAddress() + "]" : flow.remoteAddress());
        route.setPort(flow.remotePort());
        route.setTransportParam(flow.transport().toLowerCase(Locale.ROOT));
        route.setLrParam(true);
        return route;
    }

    /*
     * In-dialog requests (ACK, BYE) cannot take a pushed route in Restcomm ("only initial ones"); they need none:
     * Restcomm sends them to the dialog's remote target with the host and port of the connection the dialog's
     * messages came over (seen in baresip's trace: ACK and BYE arrive over the phone's own TLS connection, with that
     * connection's port in the Request-URI). The route parameter documents which flow is meant.
     */
    private static void ack(SipServletResponse resp, SipURI flow) throws IOException {
        resp.createAck().send();
    }

    private static void bye(SipSession s, SipURI flow) throws IOException {
        s.createRequest("BYE").send();
    }

    /**
     * BYE to the caller, once it has acknowledged our 2xx: RFC 3261 section 15 forbids a BYE before the ACK (a caller
     * under load was seen to ACK after the callee had already hung up); until then the BYE waits in {@link #doAck}.
     */
    private static void byeCaller(B2buaCall call) throws IOException {
        if (call.callerAcked) {
            bye(call.callerInvite.getSession(), call.callerRoute);
        } else {
            call.byeCallerOnAck = true;
        }
    }

    // ------------------------------------------------------------------ responses from the callee's branches

    @Override
    protected void doProvisionalResponse(SipServletResponse resp) throws ServletException, IOException {
        if (!"INVITE".equals(resp.getMethod()) || resp.getStatus() == 100) {
            return;
        }
        B2buaCall call = B2buaCall.of(resp.getSession());
        if (call == null) {
            return;
        }
        synchronized (call) {
            B2buaCall.Branch b = call.branchOf(resp.getSession());
            if (b == null) {
                return; // a provisional response to a re-INVITE we forwarded: the caller's own re-INVITE had its 100
            }
            if (b.finalStatus != 0) {
                return; // a provisional overtaken by its branch's final response (UDP may reorder): stale
            }
            b.provisional = true;
            if (b.cancelWanted || call.ended || call.cancelled || call.winner != null) {
                cancel(b);
                return;
            }
            if (call.finalSentToCaller) {
                return;
            }
            SipServletResponse r = call.callerInvite.createResponse(resp.getStatus() == 183 ? 183 : 180);
            byte[] body = resp.getRawContent();
            if (resp.getStatus() == 183 && body != null && body.length > 0 && !call.lateOffer) {
                // early media: the callee's early answer, rewritten, and the relay's callee leg set up from it
                String answer = callerAnswer(call, resp);
                if (answer == null) {
                    r = call.callerInvite.createResponse(180); // the early answer was unusable: ring without media
                } else {
                    r.setContent(answer.getBytes(StandardCharsets.US_ASCII), SDP);
                }
            }
            sendProvisional(call, r);
        }
    }

    /**
     * A provisional response to the caller: reliably (RFC 3262) when its INVITE supported 100rel, the B2BUA being
     * the UAS of the caller's leg; the callee's leg never asks for 100rel, so nothing is relayed end to end. The
     * container retransmits it until the PRACK ({@link #doPrack}) and refuses a second one while the first is
     * unacknowledged: that one goes unreliably.
     */
    private static void sendProvisional(B2buaCall call, SipServletResponse r) throws IOException {
        if (call.reliableToCaller) {
            try {
                boolean withSdp = r.getContentLength() > 0;
                r.sendReliably();
                if (withSdp) {
                    call.unackedReliableSdp = true;
                }
                return;
            } catch (javax.servlet.sip.Rel100Exception | IllegalStateException e) {
                LOG.debug("{}: {} sent unreliably: {}", call, r.getStatus(), e.getClass().getName());
                r = call.callerInvite.createResponse(r.getStatus());
                if (call.callerAnswer != null && r.getStatus() == 183) {
                    r.setContent(call.callerAnswer.getBytes(StandardCharsets.US_ASCII), SDP);
                }
            }
        }
        r.send();
    }

    @Override
    protected void doPrack(SipServletRequest req) throws ServletException, IOException {
        req.createResponse(200).send(); // RFC 3262 section 3: the PRACK of a reliable provisional; no offer in it
        B2buaCall call = B2buaCall.of(req.getSession());
        if (call == null) {
            return;
        }
        synchronized (call) {
            call.unackedReliableSdp = false;
            SipServletResponse ok = call.okAwaitingPrack;
            call.okAwaitingPrack = null;
            if (ok != null && !call.ended) {
                ok.send();
                call.okSentNanos = System.nanoTime();
            }
        }
    }

    @Override
    protected void doSuccessResponse(SipServletResponse resp) throws ServletException, IOException {
        String method = resp.getMethod();
        if (!"INVITE".equals(method) && !"UPDATE".equals(method)) {
            return; // 200 to our BYE, CANCEL or PRACK
        }
        B2buaCall call = B2buaCall.of(resp.getSession());
        if (call == null) {
            if ("INVITE".equals(method)) {
                resp.createAck().send();
            }
            return;
        }
        synchronized (call) {
            if (call.pending != null && call.pending.answers(resp)) {
                reOfferAnswered(call, resp);
                return;
            }
            if ("UPDATE".equals(method)) {
                refreshAnswered(call, resp);
                return;
            }
            B2buaCall.Branch b = call.branchOf(resp.getSession());
            if (b == null) {
                resp.createAck().send(); // 2xx to a re-INVITE of ours that nobody waits for any more
                return;
            }
            if (b.finalStatus != 0 && b == call.winner) {
                if (call.calleeOkAwaitingAck == null) {
                    ack(resp, b.flowRoute); // a retransmitted 2xx
                }
                return;
            }
            b.finalStatus = resp.getStatus();
            if (call.winner != null || call.cancelled || call.ended) {
                // a late 2xx after another branch won or the caller gave up: accept it and hang up at once
                ackDeclining(call, resp);
                bye(resp.getSession(), b.flowRoute);
                return;
            }
            call.winner = b;
            String sdpToCaller = call.lateOffer ? callerLateOffer(call, resp) : callerAnswer(call, resp);
            if (!call.lateOffer) {
                ack(resp, b.flowRoute);
            }
            if (sdpToCaller == null) {
                if (call.lateOffer) {
                    ackDeclining(call, resp);
                }
                bye(resp.getSession(), b.flowRoute);
                sendFinal(call, 488, "Not Acceptable Here");
                finish(call, "488 media");
                return;
            }
            if (call.lateOffer) {
                call.calleeOkAwaitingAck = resp; // acknowledged with the caller's answer from its ACK
            }
            call.calleeTimer = SessionTimer.asUac(resp.getHeader("Session-Expires"), allowsUpdate(resp),
                    System.nanoTime()).orElse(null);
            SipServletResponse ok = call.callerInvite.createResponse(200);
            ok.setHeader("Allow", CallPolicy.ALLOW);
            if (call.callerTimerOffer != null) {
                ok.setHeader("Session-Expires", call.callerTimerOffer.value().headerValue());
                if (call.callerTimerOffer.peerRefreshes()) {
                    ok.setHeader("Require", "timer"); // RFC 4028 section 9
                }
                call.callerTimer = new SessionTimer(call.callerTimerOffer.value().seconds(),
                        call.callerTimerOffer.peerRefreshes(), System.nanoTime());
            }
            ok.setContent(sdpToCaller.getBytes(StandardCharsets.US_ASCII), SDP);
            if (call.unackedReliableSdp) {
                // RFC 3262 section 3: no 2xx before the PRACK of a reliable provisional that carried SDP
                call.okAwaitingPrack = ok;
                call.okHeldNanos = System.nanoTime();
            } else {
                ok.send();
                call.okSentNanos = System.nanoTime();
            }
            call.lastSdpToCaller = sdpToCaller;
            call.finalSentToCaller = true;
            call.answeredCaller = true;
            for (B2buaCall.Branch other : call.branches) {
                if (other != b && other.finalStatus == 0) {
                    cancel(other);
                }
            }
            if (!call.lateOffer) {
                call.media.restartTimeout(); // silence while it rang says nothing about the answered call
                PalisadeSipServices.get().calls().service().answered(call.call, call.calleeTransport, call.callerSuite,
                        call.calleeSuite);
            }
        }
    }

    /** JSR 289 hands 3xx to their own method; a branch's 3xx is a final failure of that branch, or a redirect. */
    @Override
    protected void doRedirectResponse(SipServletResponse resp) throws ServletException, IOException {
        doErrorResponse(resp);
    }

    @Override
    protected void doErrorResponse(SipServletResponse resp) throws ServletException, IOException {
        String method = resp.getMethod();
        if (!"INVITE".equals(method) && !"UPDATE".equals(method)) {
            return;
        }
        B2buaCall call = B2buaCall.of(resp.getSession());
        if (call == null) {
            return;
        }
        synchronized (call) {
            if (call.pending != null && call.pending.answers(resp)) {
                reOfferRefused(call, resp);
                return;
            }
            if ("UPDATE".equals(method)) {
                call.refreshInFlight = false; // our refresh failed: the leg expires unless a refresh comes
                return;
            }
            B2buaCall.Branch b = call.branchOf(resp.getSession());
            if (b == null || b.finalStatus != 0) {
                return;
            }
            b.finalStatus = resp.getStatus();
            boolean live = call.winner == null && !call.cancelled && !call.ended;
            if (resp.getStatus() >= 300 && resp.getStatus() < 400 && live) {
                followRedirect(call, resp);
            }
            if (resp.getStatus() == 422 && live) {
                retryAfter422(call, b, resp);
            }
            if (call.winner != null || call.cancelled || call.ended || !call.allBranchesFinal()) {
                return;
            }
            List<Integer> statuses = new ArrayList<>();
            call.branches.forEach(x -> statuses.add(x.finalStatus));
            int status = CallPolicy.bestFailure(statuses);
            sendFinal(call, status, null);
            finish(call, Integer.toString(status));
        }
    }

    /**
     * A 3xx from a branch (RFC 3261 section 8.1.3.4): the Contacts that name users of our own domains who are
     * registered are rung like the callee, as new branches of the same call, up to {@code call.max-redirects} per call
     * and never the same user twice. Contacts elsewhere are not followed (the caller gets 480 if nothing answers):
     * a B2BUA for registered users must not become an open relay to any address a phone names.
     */
    private void followRedirect(B2buaCall call, SipServletResponse resp) throws IOException, ServletException {
        PalisadeSipServices services = PalisadeSipServices.get();
        int max = services.calls().service().config().maxRedirects();
        for (Iterator<javax.servlet.sip.Address> it = resp.getAddressHeaders("Contact"); it.hasNext(); ) {
            javax.servlet.sip.Address a = it.next();
            if (call.redirects >= max) {
                return;
            }
            if (!(a.getURI() instanceof SipURI target) || target.getUser() == null
                    || !services.servesDomain(target.getHost())) {
                continue;
            }
            String user = target.getUser();
            if (!call.triedUsers.add(user)) {
                continue;
            }
            List<Binding> contacts = lookup(services, user, target.getHost());
            if (contacts.isEmpty()) {
                continue;
            }
            call.redirects++;
            LOG.info("{}: redirected to another user, ringing {} contact(s)", call, contacts.size());
            ring(call, contacts, user);
        }
    }

    /** The caller's answer made from the callee's (first) answer; null when the media cannot be agreed. */
    private String callerAnswer(B2buaCall call, SipServletResponse resp) throws IOException {
        if (call.callerAnswer != null) {
            return call.callerAnswer;
        }
        if (call.calleeAnswer != null) {
            return null; // the first answer was refused
        }
        byte[] body = resp.getRawContent();
        Sdp.Parse p = body == null || body.length == 0 ? new Sdp.Parse.Bad("no answer") : Sdp.parse(body);
        if (!(p instanceof Sdp.Parse.Ok ok) || ok.sdp().firstAudio().isEmpty()) {
            call.calleeAnswer = new Sdp(null, List.of());
            call.calleeOffer.discard();
            LOG.info("{}: the callee's answer is unusable ({})", call,
                    p instanceof Sdp.Parse.Bad bad ? bad.reason() : "no audio");
            return null;
        }
        Sdp answer = ok.sdp();
        call.calleeAnswer = answer;
        Sdp.Media m = answer.media().get(answer.firstAudio().get());
        SdesOutcome outB = call.media.b().acceptAnswer(call.calleeOffer, remote(answer, m));
        if (outB instanceof SdesOutcome.Failed f) {
            LOG.info("{}: the callee's media security is not acceptable: {}", call, f.diagnostic());
            return null;
        }
        call.calleeSuite = outB instanceof SdesOutcome.Secure s ? s.local().suite().name() : "RTP";
        SdpRewriter.Answer a = SdpRewriter.answer(call.callerOffer, call.callerAudio, answer,
                leg(call.media.a(), call.callerCrypto != null, call.callerCrypto == null ? List.of() : List.of(call.callerCrypto)),
                call.sdpSessionId, call.nextVersion(true));
        if (a instanceof SdpRewriter.Answer.NotAcceptable na) {
            LOG.info("{}: {}", call, na.reason());
            return null;
        }
        call.callerAnswer = ((SdpRewriter.Answer.Ok) a).sdp();
        return call.callerAnswer;
    }

    /**
     * Late offer: the callee's 2xx carries its offer (the INVITE had none). It is answered on the callee's leg by the
     * relay and rewritten into our offer to the caller, whose answer comes in its ACK ({@link #doAck}). Null when
     * the callee's offer cannot be used.
     */
    private String callerLateOffer(B2buaCall call, SipServletResponse resp) throws IOException {
        byte[] body = resp.getRawContent();
        Sdp.Parse p = body == null || body.length == 0 ? new Sdp.Parse.Bad("no offer in the 2xx") : Sdp.parse(body);
        if (!(p instanceof Sdp.Parse.Ok ok) || ok.sdp().firstAudio().isEmpty()) {
            LOG.info("{}: the callee's offer is unusable ({})", call, p instanceof Sdp.Parse.Bad bad ? bad.reason() : "no audio");
            return null;
        }
        Sdp offer = ok.sdp();
        int audio = offer.firstAudio().get();
        SdesOutcome outB = call.media.b().answerOffer(remote(offer, offer.media().get(audio)));
        if (outB instanceof SdesOutcome.Failed f) {
            LOG.info("{}: the callee's offer has no acceptable crypto: {}", call, f.diagnostic());
            return null;
        }
        call.calleeLateOffer = offer;
        call.calleeLateAudio = audio;
        call.calleeLateCrypto = outB instanceof SdesOutcome.Secure s ? s.local().toSdpValue() : null;
        call.calleeSuite = outB instanceof SdesOutcome.Secure s ? s.local().suite().name() : "RTP";
        SdesOffer toCaller = call.media.a().createOffer();
        call.callerLateSdes = toCaller;
        return SdpRewriter.offer(offer, audio, leg(call.media.a(), call.callerSecure(), toCaller.lines()),
                call.sdpSessionId, call.nextVersion(true));
    }

    /** ACKs a callee's 2xx that we will not use; when the 2xx carried an offer, the ACK declines every stream. */
    private static void ackDeclining(B2buaCall call, SipServletResponse resp) throws IOException {
        SipServletRequest ack = resp.createAck();
        byte[] body = resp.getRawContent();
        if (call.lateOffer && body != null && body.length > 0 && Sdp.parse(body) instanceof Sdp.Parse.Ok ok) {
            InetSocketAddress local = call.media.b().localRtp();
            ack.setContent(SdpRewriter.decline(ok.sdp(), local.getAddress().getHostAddress(), call.sdpSessionId, 1)
                    .getBytes(StandardCharsets.US_ASCII), SDP);
        }
        ack.send();
    }

    // ------------------------------------------------------------------ in-dialog requests

    @Override
    protected void doAck(SipServletRequest req) throws IOException {
        // the callee's 2xx was acknowledged when it arrived, except for a late offer: the caller's ACK has the answer
        B2buaCall call = B2buaCall.of(req.getSession());
        if (call == null) {
            return;
        }
        synchronized (call) {
            if (!call.isCaller(req.getSession())) {
                return;
            }
            call.callerAcked = true;
            if (call.byeCallerOnAck) {
                call.byeCallerOnAck = false;
                bye(call.callerInvite.getSession(), call.callerRoute); // the call ended before this ACK came
                return;
            }
            if (call.calleeOkAwaitingAck == null || call.ended) {
                return;
            }
            SipServletResponse calleeOk = call.calleeOkAwaitingAck;
            call.calleeOkAwaitingAck = null;
            String answer = lateAnswer(call, req.getRawContent());
            if (answer == null) {
                ackDeclining(call, calleeOk);
                bye(calleeOk.getSession(), call.winner.flowRoute);
                byeCaller(call);
                finish(call, "488 media");
                return;
            }
            SipServletRequest ack = calleeOk.createAck();
            ack.setContent(answer.getBytes(StandardCharsets.US_ASCII), SDP);
            ack.send();
            call.lastSdpToCallee = answer;
            call.media.restartTimeout(); // silence while it rang says nothing about the answered call
            PalisadeSipServices.get().calls().service().answered(call.call, call.calleeTransport, call.callerSuite,
                    call.calleeSuite);
        }
    }

    /** Late offer: the caller's answer (in its ACK) rewritten as our answer to the callee's offer; null if unusable. */
    private static String lateAnswer(B2buaCall call, byte[] body) throws IOException {
        Sdp.Parse p = body == null || body.length == 0 ? new Sdp.Parse.Bad("no answer in the ACK") : Sdp.parse(body);
        if (!(p instanceof Sdp.Parse.Ok ok) || ok.sdp().firstAudio().isEmpty()) {
            call.callerLateSdes.discard();
            LOG.info("{}: the caller's answer is unusable ({})", call, p instanceof Sdp.Parse.Bad bad ? bad.reason() : "no audio");
            return null;
        }
        Sdp answer = ok.sdp();
        SdesOutcome outA = call.media.a().acceptAnswer(call.callerLateSdes, remote(answer, answer.media().get(answer.firstAudio().get())));
        if (outA instanceof SdesOutcome.Failed f) {
            LOG.info("{}: the caller's media security is not acceptable: {}", call, f.diagnostic());
            return null;
        }
        call.callerSuite = outA instanceof SdesOutcome.Secure s ? s.local().suite().name() : "RTP";
        SdpRewriter.Answer a = SdpRewriter.answer(call.calleeLateOffer, call.calleeLateAudio, answer,
                leg(call.media.b(), call.calleeLateCrypto != null,
                        call.calleeLateCrypto == null ? List.of() : List.of(call.calleeLateCrypto)),
                call.sdpSessionId, call.nextVersion(false));
        if (a instanceof SdpRewriter.Answer.NotAcceptable na) {
            LOG.info("{}: {}", call, na.reason());
            return null;
        }
        call.calleeAnswer = answer;
        call.callerAnswer = call.lastSdpToCaller;
        return ((SdpRewriter.Answer.Ok) a).sdp();
    }

    @Override
    protected void doBye(SipServletRequest req) throws ServletException, IOException {
        req.createResponse(200).send();
        B2buaCall call = B2buaCall.of(req.getSession());
        if (call == null) {
            return;
        }
        synchronized (call) {
            if (call.ended) {
                return;
            }
            boolean fromCaller = call.isCaller(req.getSession());
            if (fromCaller) {
                if (call.winner != null) {
                    if (call.calleeOkAwaitingAck != null) {
                        ackDeclining(call, call.calleeOkAwaitingAck);
                        call.calleeOkAwaitingAck = null;
                    }
                    bye(call.winner.session(), call.winner.flowRoute);
                }
            } else if (call.answeredCaller) {
                byeCaller(call);
            }
            finish(call, fromCaller ? "caller BYE" : "callee BYE");
        }
    }

    @Override
    protected void doCancel(SipServletRequest req) throws ServletException, IOException {
        // the container has answered the CANCEL with 200 and the INVITE with 487 (JSR 289 section 7.2.3)
        B2buaCall call = B2buaCall.of(req.getSession());
        if (call == null) {
            return;
        }
        synchronized (call) {
            if (call.answeredCaller) {
                // a re-INVITE cancelled by its sender: withdraw the one we forwarded (RFC 3261 section 9)
                if (call.pending != null && call.pending.fromCaller == call.isCaller(req.getSession())) {
                    try {
                        call.pending.forwarded.createCancel().send();
                    } catch (IOException | IllegalStateException e) {
                        LOG.debug("{}: CANCEL of a forwarded re-INVITE not sent: {}", call, e.getClass().getName());
                    }
                }
                return;
            }
            call.cancelled = true;
            call.finalSentToCaller = true;
            for (B2buaCall.Branch b : call.branches) {
                if (b.finalStatus == 0) {
                    cancel(b);
                }
            }
            finish(call, "caller CANCEL");
        }
    }

    @Override
    protected void doUpdate(SipServletRequest req) throws ServletException, IOException {
        reOffer(req);
    }

    /**
     * A re-INVITE or UPDATE from either party of an answered call (RFC 3264 section 8, RFC 3311). With an offer
     * (hold, resume, new address or keys) it is forwarded to the other party: the offer rewritten for that leg (the
     * relay's address, that leg's own {@code a=crypto}), and that party's answer rewritten back (see
     * {@link #reOfferAnswered}). SDES keys are kept on a leg while its suite does not change (RFC 4568 section 7.1.4
     * lets a re-offer keep them: no rekeying glitch, no new ROC); a party that sends new keys gets its new keys
     * used at once. Without an offer it is a session refresh (RFC 4028), answered on that leg: 200 to an UPDATE,
     * and to a re-INVITE a 2xx repeating the SDP last sent on that leg, whose answer in the ACK changes nothing.
     * A re-offer while another is on its way through the B2BUA is glare: 491 (RFC 3261 section 14.2).
     */
    private void reOffer(SipServletRequest req) throws IOException {
        B2buaCall call = B2buaCall.of(req.getSession());
        if (call == null) {
            answer(req, 481, "Call/Transaction Does Not Exist");
            return;
        }
        synchronized (call) {
            if (call.ended) {
                answer(req, 481, "Call/Transaction Does Not Exist");
                return;
            }
            boolean fromCaller = call.isCaller(req.getSession());
            if (!call.answeredCaller || call.calleeAnswer == null || call.winner == null
                    || call.calleeOkAwaitingAck != null || (!fromCaller && call.branchOf(req.getSession()) != call.winner)) {
                SipServletResponse r = req.createResponse(491, "Request Pending");
                r.send();
                return;
            }
            if (call.pending != null) {
                if (call.pending.fromCaller == fromCaller) {
                    // a second re-offer from the same side while its first is pending (RFC 3261 section 14.2)
                    SipServletResponse busy = req.createResponse(500, "Server Internal Error: re-offer pending");
                    busy.setHeader("Retry-After", Integer.toString(1 + java.util.concurrent.ThreadLocalRandom.current().nextInt(10)));
                    busy.send();
                } else {
                    answer(req, 491, "Request Pending"); // glare: both parties re-offered at once
                }
                return;
            }
            byte[] body = req.getRawContent();
            if (body == null || body.length == 0) {
                refreshedBy(call, fromCaller);
                SipServletResponse ok = req.createResponse(200);
                String current = fromCaller ? call.lastSdpToCaller : call.lastSdpToCallee;
                if ("INVITE".equals(req.getMethod()) && current != null) {
                    ok.setContent(current.getBytes(StandardCharsets.US_ASCII), SDP);
                }
                addSessionExpires(call, fromCaller, ok);
                ok.send();
                return;
            }
            Sdp.Parse p = Sdp.parse(body);
            if (!(p instanceof Sdp.Parse.Ok ok) || ok.sdp().firstAudio().isEmpty()) {
                answer(req, 488, "Not Acceptable Here: " + (p instanceof Sdp.Parse.Bad bad ? "SDP " + bad.reason() : "no audio"));
                return;
            }
            Sdp offer = ok.sdp();
            int audio = offer.firstAudio().get();
            RelayLeg own = fromCaller ? call.media.a() : call.media.b();
            java.util.Optional<String> refusal = own.refusal(remote(offer, offer.media().get(audio)));
            if (refusal.isPresent()) {
                LOG.info("{}: re-offer refused: {}", call, refusal.get());
                answer(req, 488, "Not Acceptable Here: no acceptable SRTP crypto");
                return;
            }
            RelayLeg other = fromCaller ? call.media.b() : call.media.a();
            boolean otherSecure = fromCaller ? call.calleeSecure() : call.callerSecure();
            SdesOffer sdes = other.createOffer();
            String sdp = SdpRewriter.offer(offer, audio, leg(other, otherSecure, sdes.lines()), call.sdpSessionId,
                    call.nextVersion(!fromCaller));
            SipServletRequest fwd = call.otherSide(fromCaller).createRequest(req.getMethod());
            fwd.setHeader("Allow", CallPolicy.ALLOW);
            addSessionExpires(call, !fromCaller, fwd);
            fwd.setContent(sdp.getBytes(StandardCharsets.US_ASCII), SDP);
            call.pending = new B2buaCall.ReOffer(req, fwd, fromCaller, offer, audio, sdes);
            if (fromCaller) {
                call.lastSdpToCallee = sdp;
            } else {
                call.lastSdpToCaller = sdp;
            }
            fwd.send();
        }
    }

    /** The other party answered a re-offer we forwarded: its answer, rewritten, answers the party that offered. */
    private void reOfferAnswered(B2buaCall call, SipServletResponse resp) throws IOException {
        B2buaCall.ReOffer p = call.pending;
        call.pending = null;
        if ("INVITE".equals(resp.getMethod())) {
            resp.createAck().send();
        }
        refreshedBy(call, !p.fromCaller); // a 2xx to a re-INVITE or UPDATE refreshes that leg (RFC 4028 section 10)
        byte[] body = resp.getRawContent();
        Sdp.Parse parsed = body == null || body.length == 0 ? new Sdp.Parse.Bad("no answer") : Sdp.parse(body);
        if (!(parsed instanceof Sdp.Parse.Ok ok) || ok.sdp().firstAudio().isEmpty()) {
            p.sdes.discard();
            LOG.info("{}: the answer to a forwarded re-offer is unusable", call);
            answer(p.received, 488, "Not Acceptable Here");
            return;
        }
        Sdp theirs = ok.sdp();
        RelayLeg other = p.fromCaller ? call.media.b() : call.media.a();
        SdesOutcome outOther = other.acceptAnswer(p.sdes, remote(theirs, theirs.media().get(theirs.firstAudio().get())));
        if (outOther instanceof SdesOutcome.Failed f) {
            LOG.info("{}: the answer to a forwarded re-offer has no acceptable crypto: {}", call, f.diagnostic());
            answer(p.received, 488, "Not Acceptable Here");
            return;
        }
        RelayLeg own = p.fromCaller ? call.media.a() : call.media.b();
        SdesOutcome outOwn = own.answerOffer(remote(p.offer, p.offer.media().get(p.audio)));
        if (outOwn instanceof SdesOutcome.Failed f) {
            LOG.info("{}: re-offer refused: {}", call, f.diagnostic());
            answer(p.received, 488, "Not Acceptable Here");
            return;
        }
        boolean ownSecure = outOwn instanceof SdesOutcome.Secure;
        List<String> crypto = outOwn instanceof SdesOutcome.Secure s ? List.of(s.local().toSdpValue()) : List.of();
        SdpRewriter.Answer a = SdpRewriter.answer(p.offer, p.audio, theirs, leg(own, ownSecure, crypto),
                call.sdpSessionId, call.nextVersion(p.fromCaller));
        if (a instanceof SdpRewriter.Answer.NotAcceptable na) {
            answer(p.received, 488, "Not Acceptable Here: " + na.reason());
            return;
        }
        String sdp = ((SdpRewriter.Answer.Ok) a).sdp();
        if (p.fromCaller) {
            call.lastSdpToCaller = sdp;
        } else {
            call.lastSdpToCallee = sdp;
        }
        refreshedBy(call, p.fromCaller);
        SipServletResponse ok200 = p.received.createResponse(200);
        ok200.setHeader("Allow", CallPolicy.ALLOW);
        addSessionExpires(call, p.fromCaller, ok200);
        ok200.setContent(sdp.getBytes(StandardCharsets.US_ASCII), SDP);
        ok200.send();
    }

    /**
     * The other party refused a forwarded re-offer: the party that offered gets the refusal. 491 passes (each side
     * retries after its own random wait, RFC 3261 section 14.1); 481 and 408 mean the other dialog is gone, so the
     * call ends; anything else is 488 or 500 (the session as before stays, RFC 3261 section 14.1).
     */
    private void reOfferRefused(B2buaCall call, SipServletResponse resp) throws IOException {
        B2buaCall.ReOffer p = call.pending;
        call.pending = null;
        p.sdes.discard();
        int s = resp.getStatus();
        int status = s == 491 || s == 488 || s == 487 ? s : s == 606 ? 488 : 500;
        try {
            answer(p.received, status, null);
        } catch (IllegalStateException e) {
            LOG.debug("{}: re-offer already answered: {}", call, e.getClass().getName());
        }
        if (s == 481 || s == 408) {
            hangUp(call, "re-offer " + s);
        }
    }

    // ------------------------------------------------------------------ session timers (RFC 4028)

    private static void refreshedBy(B2buaCall call, boolean callerLeg) {
        SessionTimer t = callerLeg ? call.callerTimer : call.calleeTimer;
        if (t != null) {
            t.refreshed(System.nanoTime());
        }
    }

    /**
     * A 2xx answering a refresh or offer from a leg's peer repeats the leg's Session-Expires (RFC 4028 section 9):
     * the peer is the UAC of that transaction, so {@code refresher=uac} when it is the refresher.
     */
    private static void addSessionExpires(B2buaCall call, boolean callerLeg, SipServletResponse ok) {
        SessionTimer t = callerLeg ? call.callerTimer : call.calleeTimer;
        if (t != null) {
            ok.setHeader("Session-Expires", t.intervalSeconds() + ";refresher=" + (t.peerRefreshes() ? "uac" : "uas"));
            if (t.peerRefreshes()) {
                ok.setHeader("Require", "timer");
            }
        }
    }

    /**
     * A re-INVITE or UPDATE the B2BUA sends on a leg with a session timer carries the leg's Session-Expires
     * (RFC 4028 section 7.4); the B2BUA is the UAC, so the peer refreshing is {@code refresher=uas}.
     */
    private static void addSessionExpires(B2buaCall call, boolean callerLeg, SipServletRequest req) {
        SessionTimer t = callerLeg ? call.callerTimer : call.calleeTimer;
        if (t != null) {
            req.setHeader("Session-Expires", t.intervalSeconds() + ";refresher=" + (t.peerRefreshes() ? "uas" : "uac"));
            req.setHeader("Supported", "timer");
        }
    }

    private void refreshAnswered(B2buaCall call, SipServletResponse resp) {
        call.refreshInFlight = false;
        refreshedBy(call, call.isCaller(resp.getSession()));
    }

    /** Once a second for an answered call: a leg whose session expired ends the call; a refresh we owe is sent. */
    private void tick(B2buaCall call, long now) {
        synchronized (call) {
            if (call.ended || !call.answeredCaller) {
                return;
            }
            if (call.okAwaitingPrack != null && now - call.okHeldNanos > RETRANSMISSION_WINDOW_NANOS) {
                noPrack(call);
                return;
            }
            if (!call.callerAcked && call.okSentNanos != 0 && now - call.okSentNanos > RETRANSMISSION_WINDOW_NANOS) {
                noAck(call);
                return;
            }
            for (boolean callerLeg : new boolean[] {true, false}) {
                SessionTimer t = callerLeg ? call.callerTimer : call.calleeTimer;
                if (t == null) {
                    continue;
                }
                if (t.expired(now)) {
                    LOG.info("{}: session expired on the {} leg", call, callerLeg ? "caller's" : "callee's");
                    hangUp(call, "session expired");
                    return;
                }
                if (t.refreshDue(now) && !call.refreshInFlight && call.pending == null) {
                    try {
                        SipSession s = callerLeg ? call.callerInvite.getSession() : call.winner.session();
                        SipServletRequest update = s.createRequest("UPDATE"); // RFC 4028 section 7.4: no body
                        addSessionExpires(call, callerLeg, update);
                        call.refreshInFlight = true;
                        update.send();
                    } catch (IOException | RuntimeException e) {
                        LOG.info("{}: session refresh not sent: {}", call, e.getClass().getName());
                    }
                }
            }
        }
    }

    // ------------------------------------------------------------------ endings

    /** RFC 3261 64*T1: how long a 2xx waits for its ACK, and a reliable provisional for its PRACK (RFC 3262). */
    static final long RETRANSMISSION_WINDOW_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(32);

    /**
     * The caller never acknowledged our 2xx (retransmitted for 64*T1): RFC 3261 section 13.3.1.4, the dialog is
     * confirmed but the session ends with a BYE, here on both legs. Restcomm's own "no ACK" notice never came in
     * tests (its dialog data is already released), so the call's timer watches for it.
     */
    private static void noAck(B2buaCall call) {
        LOG.info("{}: the caller never acknowledged our 200; ending the call", call);
        call.callerAcked = true; // the BYE may go now (section 13.3.1.4)
        hangUp(call, "no ACK");
    }

    /**
     * The caller never sent PRACK for our reliable provisional response while the callee's 2xx waited for it:
     * RFC 3262 section 3, the INVITE is refused with a 5xx, and the callee, who answered, gets a BYE.
     */
    private static void noPrack(B2buaCall call) {
        LOG.info("{}: the caller never acknowledged our reliable provisional response; refusing the call", call);
        call.okAwaitingPrack = null; // the caller never got this 200: it gets the refusal instead
        call.finalSentToCaller = false;
        try {
            bye(call.winner.session(), call.winner.flowRoute);
            sendFinal(call, 500, "No PRACK");
        } catch (IOException | RuntimeException e) {
            LOG.warn("{}: refusing the call after no PRACK failed: {}", call, e.getClass().getName());
        }
        finish(call, "no PRACK");
    }

    /** Ends a call from outside a SIP transaction: media timeout, maximum duration, no answer, shutdown. */
    private static void hangUp(B2buaCall call, String cause) {
        synchronized (call) {
            if (call.ended) {
                return;
            }
            try {
                if (call.answeredCaller) {
                    if (call.calleeOkAwaitingAck != null) {
                        ackDeclining(call, call.calleeOkAwaitingAck);
                        call.calleeOkAwaitingAck = null;
                    }
                    byeCaller(call);
                    bye(call.winner.session(), call.winner.flowRoute);
                } else {
                    for (B2buaCall.Branch b : call.branches) {
                        if (b.finalStatus == 0) {
                            cancel(b);
                        }
                    }
                    if (call.winner != null && call.winner.finalStatus < 300) {
                        bye(call.winner.session(), call.winner.flowRoute); // answered, but the caller never heard of it
                    }
                    sendFinal(call, "no answer".equals(cause) ? 408 : 480, null);
                }
            } catch (IOException | RuntimeException e) {
                LOG.warn("{}: hanging up ({}) failed: {}", call, cause, e.getClass().getName());
            }
            finish(call, cause);
        }
    }

    private static void cancel(B2buaCall.Branch b) {
        if (!b.provisional) {
            b.cancelWanted = true; // RFC 3261 section 9.1: not before a provisional response
            return;
        }
        try {
            b.invite.createCancel().send(); // a CANCEL takes the INVITE's Route (RFC 3261 section 9.1)
        } catch (IOException | IllegalStateException e) {
            LOG.debug("CANCEL not sent: {}", e.getClass().getName());
        }
    }

    private static void sendFinal(B2buaCall call, int status, String reason) throws IOException {
        if (call.finalSentToCaller) {
            return;
        }
        call.finalSentToCaller = true;
        (reason == null ? call.callerInvite.createResponse(status) : call.callerInvite.createResponse(status, reason)).send();
    }

    /** Frees the media ports and completes the record; idempotent. */
    private static void finish(B2buaCall call, String cause) {
        if (call.ended) {
            return;
        }
        call.ended = true;
        if (call.pending != null) {
            B2buaCall.ReOffer p = call.pending;
            call.pending = null;
            p.sdes.discard();
            try {
                if (!p.received.isCommitted()) {
                    p.received.createResponse(487).send(); // the dialog ends under the re-offer
                }
            } catch (IOException | IllegalStateException e) {
                LOG.debug("{}: pending re-offer not answered: {}", call, e.getClass().getName());
            }
        }
        if (call.callerLateSdes != null && call.calleeAnswer == null) {
            call.callerLateSdes.discard();
        }
        CallService.Counters counters = CallService.Counters.NONE;
        try {
            LegStats a = call.media.a().stats();
            LegStats b = call.media.b().stats();
            counters = new CallService.Counters(a.packetsIn(), a.packetsOut(), b.packetsIn(), b.packetsOut());
        } catch (RuntimeException e) {
            LOG.debug("{}: no media counters: {}", call, e.getClass().getName());
        }
        if (call.calleeOffer != null && call.calleeAnswer == null) {
            call.calleeOffer.discard();
        }
        call.media.close();
        if (call.call != null) {
            PalisadeSipServices.get().calls().service().end(call.call, cause, counters);
        }
    }

    // ------------------------------------------------------------------ helpers

    private static SdesConfig sdes(CallPolicy.LegSecurity s) {
        return s == CallPolicy.LegSecurity.SRTP_REQUIRED ? SdesConfig.DEFAULT
                : new SdesConfig(List.of(), MediaSecurity.RTP_ONLY, SdesConfig.DEFAULT.limits());
    }

    private static SdpRewriter.LegMedia leg(RelayLeg leg, boolean secure, List<String> crypto) {
        InetSocketAddress a = leg.localRtp();
        return new SdpRewriter.LegMedia(a.getAddress().getHostAddress(), a.getPort(), secure, secure ? crypto : List.of());
    }

    /** What the relay needs of the peer's SDP; host names are not resolved (no DNS on a signalling thread). */
    static RemoteMedia remote(Sdp sdp, Sdp.Media m) {
        String addr = sdp.addressOf(m).orElse(null);
        InetAddress ip = literal(addr);
        InetSocketAddress rtp = ip == null || ip.isAnyLocalAddress() || m.port() == 0 ? null : new InetSocketAddress(ip, m.port());
        InetSocketAddress rtcp = null;
        if (rtp != null) {
            int rp = m.rtcpPort();
            rtcp = new InetSocketAddress(ip, rp > 0 ? rp : m.port() + 1);
        }
        return new RemoteMedia(rtp, rtcp, false, m.secureProfile(), m.attributeValues("crypto"));
    }

    private static InetAddress literal(String addr) {
        if (addr == null || addr.isEmpty()) {
            return null;
        }
        boolean v4 = addr.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'));
        if (!v4 && addr.indexOf(':') < 0) {
            return null;
        }
        try {
            return InetAddress.getByName(addr); // a literal: no lookup happens
        } catch (java.net.UnknownHostException e) {
            return null;
        }
    }

    /**
     * 100 Trying at once (RFC 3261 section 16.2 step 10, as a proxy would): otherwise the stack's own 200 ms timer
     * (section 17.2.1) may send one, and under load that 100 was seen leaving after the 2xx, which strict clients
     * (SIPp) take as an unexpected message.
     */
    private static void trying(SipServletRequest req) {
        try {
            req.createResponse(100).send();
        } catch (IOException | IllegalStateException | IllegalArgumentException e) {
            LOG.debug("100 Trying not sent: {}", e.getClass().getName());
        }
    }

    private static void answer(SipServletRequest req, int status, String reason) throws IOException {
        (reason == null ? req.createResponse(status) : req.createResponse(status, reason)).send();
    }

    /** Whether a Supported or Require header of {@code m} names {@code tag} (RFC 3261 section 20.37). */
    static boolean hasOptionTag(javax.servlet.sip.SipServletMessage m, String tag) {
        for (String h : List.of("Supported", "k", "Require")) {
            for (Iterator<String> it = m.getHeaders(h); it.hasNext(); ) {
                for (String t : it.next().split(",")) {
                    if (t.trim().equalsIgnoreCase(tag)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** Whether the Allow header of {@code m} lists UPDATE (RFC 3311), needed before we refresh with one. */
    static boolean allowsUpdate(javax.servlet.sip.SipServletMessage m) {
        for (Iterator<String> it = m.getHeaders("Allow"); it.hasNext(); ) {
            for (String t : it.next().split(",")) {
                if (t.trim().equalsIgnoreCase("UPDATE")) {
                    return true;
                }
            }
        }
        return false;
    }
}
