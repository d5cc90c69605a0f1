package io.palisade.sip;

import java.text.ParseException;
import java.util.List;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.stack.SIPServerTransaction;
import javax.servlet.sip.SipServletMessage;
import javax.sip.SipFactory;
import javax.sip.header.Header;
import javax.sip.message.Message;
import javax.sip.message.Request;
import org.mobicents.servlet.sip.core.session.MobicentsSipSession;
import org.mobicents.servlet.sip.message.SipServletMessageImpl;
import org.mobicents.servlet.sip.message.TransactionApplicationData;

/**
 * The one place that reaches below JSR 289 into the container. Restcomm's {@code addHeader} replaces, rather than
 * adds, a WWW-Authenticate header, but RFC 8760 section 2.4 needs one challenge per algorithm in the same 401.
 * Moving to another container means changing this class only.
 */
public final class ContainerMessages {
    private ContainerMessages() {
    }

    /** The server transaction of {@code request}, taken before answering (the container forgets it then). */
    static javax.sip.ServerTransaction serverTransaction(javax.servlet.sip.SipServletRequest request) {
        return request instanceof SipServletMessageImpl impl && impl.getTransaction() instanceof javax.sip.ServerTransaction tx
                ? tx : null;
    }

    /**
     * Takes an answered request's server transaction out of its SIP session, so that invalidating the session (which
     * {@link SipSessions#release} does at once for REGISTER and OPTIONS) leaves the transaction alone: Restcomm
     * terminates every transaction an invalidated session still lists. Terminated right after its final response, a
     * UDP server transaction no longer absorbed retransmissions of its request (RFC 3261 section 17.2.2, Timer J): the
     * stack took each one for a new request that nobody would answer and dropped it, so a client whose 200 was lost
     * heard nothing until its own timeout. Only once answered (Completed): a transaction still waiting for an answer
     * must end with its session, as before.
     */
    static void detachFromSession(javax.servlet.sip.SipServletRequest request, javax.sip.ServerTransaction tx) {
        if (tx != null && tx.getState() == javax.sip.TransactionState.COMPLETED
                && request instanceof SipServletMessageImpl impl) {
            MobicentsSipSession session = impl.getSipSession();
            if (session != null) {
                session.removeOngoingTransaction(tx);
            }
        }
    }

    /**
     * After the final answer to a request that leaves nothing behind (REGISTER, OPTIONS; its application session
     * already invalidated): detaches the container's per-request state (request and response wrappers, sessions)
     * from the server transaction. Over UDP the transaction itself must stay for Timer J (RFC 3261 section 17.2.2,
     * 32 s) to answer retransmissions, which the SIP stack does from its own copy of the last response; the
     * container's state would otherwise stay reachable for those 32 s, about 16 KB per request, and under load that
     * is most of the heap and most of the collector's work. With no state attached, the container has nothing to
     * clean up when the transaction ends.
     */
    static void releaseTransactionState(javax.sip.ServerTransaction tx) {
        if (tx != null && tx.getApplicationData() instanceof TransactionApplicationData
                && (tx.getState() == javax.sip.TransactionState.COMPLETED
                    || tx.getState() == javax.sip.TransactionState.TERMINATED)) {
            tx.setApplicationData(null);
            if (tx.getState() == javax.sip.TransactionState.COMPLETED && tx instanceof SIPServerTransaction stx) {
                keepOnlyWhatMatchesRetransmissions(stx);
            }
        }
    }

    /**
     * A non-INVITE server transaction in COMPLETED (UDP, Timer J: 32 s) answers retransmissions of its request from
     * the bytes of its final response; of the request it needs only what RFC 3261 section 17.2.3 matches on
     * (Request-URI and method, top Via with branch and sent-by, From tag, Call-ID, CSeq) and the To tag. It keeps the
     * whole parsed request, though: Authorization, Contact, User-Agent and every other header, several kilobytes,
     * which under load were most of what the young collections copied. Here the request is replaced by one that
     * holds only those headers (the same objects, nothing is copied or parsed again). JAIN-SIP's own cure, the
     * release strategies Normal and Aggressive, encodes and re-parses requests or also strips dialogs and client
     * transactions of calls; this touches nothing but answered REGISTER and OPTIONS transactions.
     */
    static void keepOnlyWhatMatchesRetransmissions(SIPServerTransaction tx) {
        SIPRequest full = tx.getOriginalRequest();
        if (full == null || Request.INVITE.equals(full.getMethod()) || Request.CANCEL.equals(full.getMethod())
                || full.getTopmostVia() == null) {
            return;
        }
        SIPRequest slim = slimCopy(full);
        if (slim.getTransactionId().equals(full.getTransactionId())) { // the key the stack files the transaction by
            tx.setOriginalRequest(slim);
        }
    }

    /** The request line and the headers a transaction is matched by, shared with {@code full}. */
    static SIPRequest slimCopy(SIPRequest full) {
        SIPRequest slim = new SIPRequest();
        slim.setRequestLine(full.getRequestLine());
        slim.setHeader(full.getTopmostVia());
        slim.setHeader(full.getFrom());
        slim.setHeader(full.getTo());
        slim.setHeader(full.getCallId());
        slim.setHeader(full.getCSeq());
        slim.setRemoteAddress(full.getRemoteAddress());
        slim.setRemotePort(full.getRemotePort());
        slim.setLocalAddress(full.getLocalAddress());
        slim.setLocalPort(full.getLocalPort());
        return slim;
    }

    private static volatile javax.sip.header.HeaderFactory headers;

    /** SipFactory.getInstance() is synchronized: one lookup, not one per challenge. */
    public static javax.sip.header.HeaderFactory headerFactory() throws javax.sip.PeerUnavailableException {
        javax.sip.header.HeaderFactory h = headers;
        if (h == null) {
            h = SipFactory.getInstance().createHeaderFactory();
            headers = h;
        }
        return h;
    }

    static void addHeaders(SipServletMessage message, String name, List<String> values)
            throws ParseException, javax.sip.PeerUnavailableException {
        if (message instanceof SipServletMessageImpl impl) {
            Message m = impl.getMessage();
            var factory = headerFactory();
            for (String v : values) {
                Header h = factory.createHeader(name, v);
                m.addHeader(h);
            }
        } else {
            for (String v : values) {
                message.addHeader(name, v);
            }
        }
    }
}
