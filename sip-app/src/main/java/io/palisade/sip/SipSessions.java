package io.palisade.sip;

import javax.servlet.sip.SipApplicationSession;
import javax.servlet.sip.SipServletRequest;

/**
 * Session bookkeeping in one place. A REGISTER or OPTIONS needs no session once answered; the container would
 * otherwise keep its application session until the transaction ends (Timer J, 32 s over UDP), which under load
 * is exactly the memory that must not pile up.
 */
final class SipSessions {
    private SipSessions() {
    }

    /** @param tx the request's server transaction, taken before answering ({@link ContainerMessages#serverTransaction}) */
    static void release(SipServletRequest req, javax.sip.ServerTransaction tx) {
        ContainerMessages.detachFromSession(req, tx); // the transaction outlives the session: Timer J over UDP
        SipApplicationSession app = req.getApplicationSession(false);
        if (app != null && app.isValid()) {
            try {
                app.invalidate();
            } catch (IllegalStateException e) {
                // already being invalidated by the container
            }
        }
        ContainerMessages.releaseTransactionState(tx);
    }
}
