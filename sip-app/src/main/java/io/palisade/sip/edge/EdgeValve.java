package io.palisade.sip.edge;

import gov.nist.javax.sip.header.RetryAfter;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import gov.nist.javax.sip.stack.MessageChannel;
import gov.nist.javax.sip.stack.SIPMessageValve;
import gov.nist.javax.sip.stack.SIPTransactionStack;
import io.palisade.core.edge.EdgeGuard;
import io.palisade.core.edge.MethodPolicy;
import io.palisade.core.edge.OverloadGuard;
import io.palisade.core.edge.Verdict;
import io.palisade.core.edge.TransportPolicy;
import io.palisade.sip.PalisadeSipServices;
import java.io.IOException;
import java.util.List;
import javax.sip.InvalidArgumentException;
import javax.sip.SipStack;
import javax.sip.message.Request;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sees every message before JAIN-SIP creates a transaction ({@code gov.nist.javax.sip.SIP_MESSAGE_VALVE}):
 * drops plain UDP/TCP from untrusted sources, applies the SIP firewall ({@link EdgeGuard}: access lists, bans,
 * scanners, sanity limits, rate limits) and sheds new requests with 503 when the node is overloaded, so a flood
 * cannot pile up transactions and sessions until the heap is gone. Decisions live in {@code core/edge}.
 */
public final class EdgeValve implements SIPMessageValve {
    private static final Logger LOG = LoggerFactory.getLogger(EdgeValve.class);

    /** What the application takes; the Allow header lists what it answers (RFC 3261 section 20.5). */
    static final MethodPolicy METHODS = new MethodPolicy(
            java.util.List.of("INVITE", "ACK", "CANCEL", "BYE", "OPTIONS", "UPDATE", "PRACK", "REGISTER"));

    /** Requests that only ever run inside a dialog this node is part of (the B2BUA's calls). */
    private static final java.util.Set<String> IN_DIALOG_ONLY = java.util.Set.of(Request.BYE, Request.INVITE,
            Request.UPDATE, Request.PRACK, Request.INFO);

    private SIPTransactionStack stack;
    private final EdgeRegistrar registrar = new EdgeRegistrar();

    @Override
    public void init(SipStack sipStack) {
        this.stack = (SIPTransactionStack) sipStack;
    }

    @Override
    public boolean processRequest(SIPRequest request, MessageChannel channel) {
        PalisadeSipServices services = PalisadeSipServices.get();
        String transport = channel.getTransport();
        String source = channel.getPeerAddress();
        TransportPolicy transports = services.transportPolicy();
        if (!transports.admits(transport, source)) {
            return false; // silently: an untrusted source learns nothing from the plain listeners
        }
        EdgeGuard edge = services.edge();
        Verdict verdict;
        try {
            verdict = edge.inspect(RequestFacts.of(request, transport, source, edge.config().maxHeaderLength()));
        } catch (RuntimeException e) {
            // a message the stack parsed but we cannot read: refuse it rather than let it go further
            LOG.debug("edge could not inspect a request from {}: {}", source, e.getClass().getName());
            verdict = new Verdict.Reject(400, "Bad Request: malformed message");
        }
        if (verdict instanceof Verdict.Drop) {
            return false;
        }
        if (verdict instanceof Verdict.Reject r) {
            if (!Request.ACK.equals(request.getMethod())) {
                send(request, channel, r.status(), r.reason(), r.retryAfter().orElse(-1));
            }
            return false;
        }
        String method = request.getMethod();
        if (!Request.ACK.equals(method)) {
            // A request no application takes would be proxied by the container to its Request-URI (JSR 289), and a
            // made-up To tag would make any request look in-dialog: never relay for strangers. Every request must
            // name one of our domains or addresses; in-dialog ones name the Contact we gave, i.e. an address of ours.
            javax.sip.address.URI target = request.getRequestURI();
            if (!(target instanceof javax.sip.address.SipURI uri)) {
                send(request, channel, 416, "Unsupported URI Scheme", -1); // RFC 3261 section 8.2.2.1
                return false;
            }
            String host = uri.getHost();
            if (host == null || !(services.servesDomain(host) || OwnAddresses.contains(host, channel.getHost()))) {
                send(request, channel, 404, "Not Found: domain not served here", -1);
                return false;
            }
        } else if (!(request.getRequestURI() instanceof javax.sip.address.SipURI uri)
                || !(services.servesDomain(uri.getHost()) || OwnAddresses.contains(uri.getHost(), channel.getHost()))) {
            return false; // an ACK for someone else: nothing to answer, nothing to relay
        }
        // nothing is left for the container to proxy: an initial request no application takes is answered here
        java.util.Optional<Verdict.Reject> unserved = METHODS.decide(method, request.getToTag() != null,
                request.getHeader(javax.sip.header.ContactHeader.NAME) != null);
        if (unserved.isPresent()) {
            Verdict.Reject r = unserved.get();
            send(request, channel, r.status(), r.reason(), -1);
            return false;
        }
        if (request.getToTag() != null && IN_DIALOG_ONLY.contains(method)
                && stack.getDialog(request.getDialogId(true)) == null) {
            // RFC 3261 section 12.2.2: a request for a dialog that does not exist (a stray or made-up To tag) gets
            // 481. The container would take it for a request to proxy and answer 500 with a logged stack trace.
            send(request, channel, 481, "Call/Transaction Does Not Exist", -1);
            return false;
        }
        if (Request.ACK.equals(method) || Request.CANCEL.equals(method) || request.getToTag() != null) {
            return true; // in-dialog traffic and transaction completion always pass so calls can end cleanly
        }
        OverloadGuard guard = services.overloadGuardFor(stack::getServerTransactionTableSize);
        if (Request.REGISTER.equals(method) && EdgeRegistrar.takes(request)) {
            registrar.handle(request, channel, source, services, guard); // no transaction, session or servlet
            return false;
        }
        if (guard.shedNewRequest()) {
            send(request, channel, 503, "Service Unavailable: overloaded", guard.retryAfterSeconds());
            return false;
        }
        return true;
    }

    /** A To tag derived from what identifies the request: Call-ID, From tag, CSeq and the top Via's branch. */
    static String statelessTag(SIPRequest request) {
        long h = 0x9E3779B97F4A7C15L;
        for (String part : new String[] {request.getCallId() == null ? "" : request.getCallId().getCallId(),
                request.getFromTag(), request.getCSeq() == null ? "" : Long.toString(request.getCSeq().getSeqNumber()),
                request.getTopmostVia() == null ? "" : request.getTopmostVia().getBranch()}) {
            String p = part == null ? "" : part;
            for (int i = 0; i < p.length(); i++) {
                h = (h ^ p.charAt(i)) * 0x100000001B3L;
            }
            h = (h ^ 0xFF) * 0x100000001B3L; // separator: ("ab","c") and ("a","bc") differ
        }
        return "ps" + Long.toHexString(h);
    }

    private static void send(SIPRequest request, MessageChannel channel, int status, String reason, int retryAfter) {
        try {
            SIPResponse response = request.createResponse(status, reason);
            if (status == 405) {
                response.setHeader(new gov.nist.javax.sip.header.Allow(METHODS.allowHeader()));
            }
            if (retryAfter >= 0) {
                RetryAfter ra = new RetryAfter();
                ra.setRetryAfter(retryAfter);
                response.setHeader(ra);
            }
            channel.sendMessage(response);
        } catch (IOException | InvalidArgumentException | RuntimeException e) {
            LOG.debug("could not send {} from the edge: {}", status, e.getClass().getSimpleName());
        }
    }

    @Override
    public boolean processResponse(javax.sip.message.Response response, MessageChannel channel) {
        return true;
    }

    @Override
    public void destroy() {
        stack = null;
    }
}
