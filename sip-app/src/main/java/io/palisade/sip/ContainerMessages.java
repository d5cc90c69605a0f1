package io.palisade.sip;

import java.text.ParseException;
import java.util.List;
import javax.servlet.sip.SipServletMessage;
import javax.sip.SipFactory;
import javax.sip.header.Header;
import javax.sip.message.Message;
import org.mobicents.servlet.sip.message.SipServletMessageImpl;

/**
 * The one place that reaches below JSR 289 into the container. Restcomm's {@code addHeader} replaces, rather than
 * adds, a WWW-Authenticate header, but RFC 8760 section 2.4 needs one challenge per algorithm in the same 401.
 * Moving to another container means changing this class only.
 */
final class ContainerMessages {
    private ContainerMessages() {
    }

    static void addHeaders(SipServletMessage message, String name, List<String> values)
            throws ParseException, javax.sip.PeerUnavailableException {
        if (message instanceof SipServletMessageImpl impl) {
            Message m = impl.getMessage();
            var factory = SipFactory.getInstance().createHeaderFactory();
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
