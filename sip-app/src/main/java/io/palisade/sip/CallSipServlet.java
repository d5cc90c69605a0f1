package io.palisade.sip;

import io.palisade.core.auth.AuthOutcome;
import io.palisade.core.call.CallPolicy;
import io.palisade.core.call.CallService;
import io.palisade.core.call.Sdp;
import io.palisade.core.call.SdpRewriter;
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
        if (offer == null || audio < 0) {
            answer(req, 488, "Not Acceptable Here: an audio offer is required");
            return;
        }
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
            LOG.warn("no media ports for a call from {}: {}", caller, e.getMessage());
            answer(req, 503, "Service Unavailable: no media resources");
            return;
        }
        boolean started = false;
        try {
            Sdp.Media m = offer.media().get(audio);
            SdesOutcome outA = media.a().answerOffer(remote(offer, m));
            if (outA instanceof SdesOutcome.Failed f) {
                LOG.info("call from {} refused: {}", caller, f.diagnostic());
                answer(req, 488, "Not Acceptable Here: no acceptable SRTP crypto");
                return;
            }
            String cryptoA = outA instanceof SdesOutcome.Secure s ? s.local().toSdpValue() : null;
            String suiteA = outA instanceof SdesOutcome.Secure s ? s.local().suite().name() : "RTP";
            B2buaCall call = new B2buaCall(req, callerTransport, calleeTransport, media, offer, audio, cryptoA, suiteA);
            SdesOffer offerB = media.b().createOffer();
            call.calleeOffer = offerB;
            String sdpB = SdpRewriter.offer(offer, audio, leg(media.b(), secB == CallPolicy.LegSecurity.SRTP_REQUIRED,
                    offerB.lines()), call.sdpSessionId, call.nextVersion());
            call.callerRoute = flowRoute(new Flow(callerTransport, req.getRemoteAddr(), req.getRemotePort(),
                    req.getLocalAddr(), req.getLocalPort()));
            call.attach(req.getApplicationSession());
            synchronized (call) {
                call.call = calls.service().begin(caller, callee, callerTransport, media.id(), cause -> hangUp(call, cause));
                started = true;
                String domain = ruri.getHost().toLowerCase(Locale.ROOT);
                B2buaHelper b2b = req.getB2buaHelper();
                for (Binding contact : contacts) {
                    if (CallPolicy.legSecurity(contact.flow().transport()) != secB) {
                        continue; // the relay's callee leg has one policy: such contacts ring on their next call
                    }
                    SipServletRequest inv = b2b.createRequest(req, false, Map.of(
                            "From", List.of(CallPolicy.assertedIdentity(caller, domain)),
                            "To", List.of(CallPolicy.assertedIdentity(callee, domain))));
                    prepareCalleeInvite(inv, contact, caller, domain, sdpB);
                    call.branches.add(new B2buaCall.Branch(inv, flowRoute(contact.flow())));
                }
                for (B2buaCall.Branch b : call.branches) {
                    b.invite.send();
                }
            }
        } finally {
            if (!started) {
                media.close();
            }
        }
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

    private void prepareCalleeInvite(SipServletRequest inv, Binding contact, String caller, String domain, String sdp)
            throws IOException, ServletException {
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
        inv.setContent(sdp.getBytes(StandardCharsets.US_ASCII), SDP);
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
                return;
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
            if (resp.getStatus() == 183 && body != null && body.length > 0) {
                String answer = callerAnswer(call, resp);
                if (answer == null) {
                    r = call.callerInvite.createResponse(180); // the early answer was unusable: ring without media
                } else {
                    r.setContent(answer.getBytes(StandardCharsets.US_ASCII), SDP);
                }
            }
            r.send();
        }
    }

    @Override
    protected void doSuccessResponse(SipServletResponse resp) throws ServletException, IOException {
        if (!"INVITE".equals(resp.getMethod())) {
            return; // 200 to our BYE or CANCEL
        }
        B2buaCall call = B2buaCall.of(resp.getSession());
        if (call == null) {
            resp.createAck().send();
            return;
        }
        synchronized (call) {
            B2buaCall.Branch b = call.branchOf(resp.getSession());
            if (b == null) {
                if (call.isCaller(resp.getSession())) {
                    ack(resp, call.callerRoute); // 200 to a re-INVITE we sent (none today)
                }
                return;
            }
            if (b.finalStatus != 0 && b == call.winner) {
                ack(resp, b.flowRoute); // a retransmitted 2xx
                return;
            }
            b.finalStatus = resp.getStatus();
            if (call.winner != null || call.cancelled || call.ended) {
                // a late 2xx after another branch won or the caller gave up: accept it and hang up at once
                ack(resp, b.flowRoute);
                bye(resp.getSession(), b.flowRoute);
                return;
            }
            call.winner = b;
            String answer = callerAnswer(call, resp);
            ack(resp, b.flowRoute);
            if (answer == null) {
                bye(resp.getSession(), b.flowRoute);
                sendFinal(call, 488, "Not Acceptable Here");
                finish(call, "488 media");
                return;
            }
            SipServletResponse ok = call.callerInvite.createResponse(200);
            ok.setHeader("Allow", CallPolicy.ALLOW);
            ok.setContent(answer.getBytes(StandardCharsets.US_ASCII), SDP);
            ok.send();
            call.finalSentToCaller = true;
            call.answeredCaller = true;
            for (B2buaCall.Branch other : call.branches) {
                if (other != b && other.finalStatus == 0) {
                    cancel(other);
                }
            }
            PalisadeSipServices.get().calls().service().answered(call.call, call.calleeTransport, call.callerSuite,
                    call.calleeSuite);
        }
    }

    @Override
    protected void doErrorResponse(SipServletResponse resp) throws ServletException, IOException {
        if (!"INVITE".equals(resp.getMethod())) {
            return;
        }
        B2buaCall call = B2buaCall.of(resp.getSession());
        if (call == null) {
            return;
        }
        synchronized (call) {
            B2buaCall.Branch b = call.branchOf(resp.getSession());
            if (b == null || b.finalStatus != 0) {
                return;
            }
            b.finalStatus = resp.getStatus();
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
                call.sdpSessionId, call.nextVersion());
        if (a instanceof SdpRewriter.Answer.NotAcceptable na) {
            LOG.info("{}: {}", call, na.reason());
            return null;
        }
        call.callerAnswer = ((SdpRewriter.Answer.Ok) a).sdp();
        return call.callerAnswer;
    }

    // ------------------------------------------------------------------ in-dialog requests

    @Override
    protected void doAck(SipServletRequest req) {
        // the callee's 2xx was acknowledged when it arrived; the caller's ACK ends its transaction only
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
                    bye(call.winner.session(), call.winner.flowRoute);
                }
            } else if (call.answeredCaller) {
                bye(call.callerInvite.getSession(), call.callerRoute);
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
     * A re-INVITE or UPDATE with a new offer (hold, resume, new keys) from either side of an answered call: the B2BUA
     * answers it on that leg itself with the codecs agreed at the start, so nothing reaches the other party and its
     * keys stay as they are.
     */
    private void reOffer(SipServletRequest req) throws IOException {
        B2buaCall call = B2buaCall.of(req.getSession());
        if (call == null) {
            answer(req, 481, "Call/Transaction Does Not Exist");
            return;
        }
        synchronized (call) {
            if (call.ended || call.calleeAnswer == null || call.callerAnswer == null) {
                answer(req, 491, "Request Pending");
                return;
            }
            byte[] body = req.getRawContent();
            Sdp.Parse p = body == null || body.length == 0 ? new Sdp.Parse.Bad("no offer") : Sdp.parse(body);
            if (!(p instanceof Sdp.Parse.Ok ok) || ok.sdp().firstAudio().isEmpty()) {
                answer(req, 488, "Not Acceptable Here: a re-offer with audio SDP is required");
                return;
            }
            boolean fromCaller = call.isCaller(req.getSession());
            RelayLeg leg = fromCaller ? call.media.a() : call.media.b();
            Sdp offer = ok.sdp();
            int audio = offer.firstAudio().get();
            SdesOutcome out = leg.answerOffer(remote(offer, offer.media().get(audio)));
            if (out instanceof SdesOutcome.Failed f) {
                LOG.info("{}: re-offer refused: {}", call, f.diagnostic());
                answer(req, 488, "Not Acceptable Here: no acceptable SRTP crypto");
                return;
            }
            List<String> crypto = out instanceof SdesOutcome.Secure s ? List.of(s.local().toSdpValue()) : List.of();
            Sdp agreed = fromCaller ? call.calleeAnswer : call.callerOffer;
            SdpRewriter.Answer a = SdpRewriter.answer(offer, audio, agreed, leg(leg, !crypto.isEmpty(), crypto),
                    call.sdpSessionId, call.nextVersion(), true);
            if (a instanceof SdpRewriter.Answer.NotAcceptable na) {
                answer(req, 488, "Not Acceptable Here: " + na.reason());
                return;
            }
            SipServletResponse ok200 = req.createResponse(200);
            ok200.setContent(((SdpRewriter.Answer.Ok) a).sdp().getBytes(StandardCharsets.US_ASCII), SDP);
            ok200.send();
        }
    }

    // ------------------------------------------------------------------ endings

    /** Ends a call from outside a SIP transaction: media timeout, maximum duration, no answer, shutdown. */
    private void hangUp(B2buaCall call, String cause) {
        synchronized (call) {
            if (call.ended) {
                return;
            }
            try {
                if (call.answeredCaller) {
                    bye(call.callerInvite.getSession(), call.callerRoute);
                    bye(call.winner.session(), call.winner.flowRoute);
                } else {
                    for (B2buaCall.Branch b : call.branches) {
                        if (b.finalStatus == 0) {
                            cancel(b);
                        }
                    }
                    sendFinal(call, "no answer".equals(cause) ? 408 : 480, null);
                }
            } catch (IOException | RuntimeException e) {
                LOG.warn("{}: hanging up ({}) failed: {}", call, cause, e.toString());
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
            LOG.debug("CANCEL not sent: {}", e.toString());
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
        CallService.Counters counters = CallService.Counters.NONE;
        try {
            LegStats a = call.media.a().stats();
            LegStats b = call.media.b().stats();
            counters = new CallService.Counters(a.packetsIn(), a.packetsOut(), b.packetsIn(), b.packetsOut());
        } catch (RuntimeException e) {
            LOG.debug("{}: no media counters: {}", call, e.toString());
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
            LOG.debug("100 Trying not sent: {}", e.toString());
        }
    }

    private static void answer(SipServletRequest req, int status, String reason) throws IOException {
        req.createResponse(status, reason).send();
    }
}
