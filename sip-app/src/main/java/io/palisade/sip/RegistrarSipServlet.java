package io.palisade.sip;

import io.palisade.core.location.ContactSpec;
import io.palisade.core.location.RegisterAdmission;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.ListIterator;
import java.util.Optional;
import java.util.OptionalInt;
import javax.servlet.ServletException;
import javax.servlet.sip.Address;
import javax.servlet.sip.ServletParseException;
import javax.servlet.sip.SipServlet;
import javax.servlet.sip.SipServletRequest;
import javax.servlet.sip.SipServletResponse;
import javax.servlet.sip.SipURI;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registrar (RFC 3261 section 10.3) as a thin adapter: it checks the domain and transport, authenticates with
 * digest (section 22), turns the REGISTER into a {@link RegisterRequest}, and answers what
 * {@link io.palisade.core.location.RegistrarService} decides. Also answers OPTIONS (section 11) for monitoring.
 */
public class RegistrarSipServlet extends SipServlet {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(RegistrarSipServlet.class);
    static final String ALLOW = "REGISTER, OPTIONS";

    @Override
    protected void doRegister(SipServletRequest req) throws ServletException, IOException {
        PalisadeSipServices services = PalisadeSipServices.get();
        javax.sip.ServerTransaction tx = ContainerMessages.serverTransaction(req);
        try {
            handleRegister(req, services);
        } catch (IOException | RuntimeException e) {
            cannotAnswer(req, e);
        } finally {
            SipSessions.release(req, tx);
        }
    }

    private void handleRegister(SipServletRequest req, PalisadeSipServices services) throws IOException {
        RegisterFlow.Answer a = RegisterFlow.answer(new ServletRegister(req), services);
        SipServletResponse r = a.reason() == null ? req.createResponse(a.status())
                : req.createResponse(a.status(), a.reason());
        try {
            for (RegisterFlow.Header h : a.headers()) {
                // through the SIP stack: Restcomm's addHeader replaces a WWW-Authenticate (RFC 8760 needs several)
                ContainerMessages.addHeaders(r, h.name(), List.of(h.value()));
            }
        } catch (java.text.ParseException | javax.sip.PeerUnavailableException e) {
            throw new IllegalStateException("answer header did not parse", e);
        }
        r.send();
    }

    /** A REGISTER read through JSR 289. */
    private static final class ServletRegister implements RegisterFlow.Message {
        private final SipServletRequest req;
        private final SipURI to;

        ServletRegister(SipServletRequest req) {
            this.req = req;
            this.to = req.getTo().getURI() instanceof SipURI u ? u : null;
        }

        @Override
        public RegisterAdmission.Target target() {
            return to == null ? null : new RegisterAdmission.Target(to.getUser(), to.getHost(), to.isSecure());
        }

        @Override
        public String requestHost() {
            return req.getRequestURI() instanceof SipURI ruri ? ruri.getHost() : null;
        }

        @Override
        public String transport() {
            return req.getTransport();
        }

        @Override
        public String source() {
            return req.getRemoteAddr();
        }

        @Override
        public int sourcePort() {
            return req.getRemotePort();
        }

        @Override
        public String localAddress() {
            return req.getLocalAddr();
        }

        @Override
        public int localPort() {
            return req.getLocalPort();
        }

        @Override
        public List<String> authorization() {
            return headerValues(req, "Authorization");
        }

        @Override
        public String userAgent() {
            return req.getHeader("User-Agent");
        }

        @Override
        public String callId() {
            return req.getCallId();
        }

        @Override
        public long cseq() {
            return RegisterFlow.cseqNumber(req.getHeader("CSeq"));
        }

        @Override
        public int expires() {
            return req.getExpires();
        }

        @Override
        public boolean wildcard() throws RegisterFlow.MalformedHeader {
            String raw = req.getHeader("Contact");
            if (raw != null && raw.trim().equals("*")) {
                return true;
            }
            for (Address a : addresses()) {
                if (a.isWildcard()) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public List<ContactSpec> contacts() throws RegisterFlow.MalformedHeader {
            String raw = req.getHeader("Contact");
            if (raw != null && raw.trim().equals("*")) {
                return List.of();
            }
            List<ContactSpec> contacts = new ArrayList<>();
            for (Address a : addresses()) {
                if (a.isWildcard()) {
                    continue;
                }
                int e = a.getExpires();
                float q = a.getQ();
                String instance = a.getParameter("+sip.instance");
                contacts.add(new ContactSpec(a.getURI().toString(), e >= 0 ? OptionalInt.of(e) : OptionalInt.empty(),
                        q >= 0 ? Optional.of(q) : Optional.empty(), Optional.ofNullable(instance)));
            }
            return contacts;
        }

        private List<Address> addresses() throws RegisterFlow.MalformedHeader {
            try {
                List<Address> out = new ArrayList<>();
                ListIterator<Address> it = req.getAddressHeaders("Contact");
                while (it.hasNext()) {
                    out.add(it.next());
                }
                return out;
            } catch (ServletParseException e) {
                throw new RegisterFlow.MalformedHeader("Contact");
            }
        }
    }

    static List<String> headerValues(SipServletRequest req, String name) {
        List<String> out = new ArrayList<>();
        ListIterator<String> it = req.getHeaders(name);
        while (it.hasNext()) {
            out.add(it.next());
        }
        return out;
    }

    static void answer(SipServletRequest req, int status, String reason) throws IOException {
        req.createResponse(status, reason).send();
    }

    /**
     * The container could not build or send an answer (a Request-URI scheme or Via transport it has no listening
     * point for, a connection gone): the request is dropped, as the sender's retransmission would be.
     */
    private static void cannotAnswer(SipServletRequest req, Exception e) {
        LOG.warn("could not answer {} from {}: {}", req.getMethod(), req.getRemoteAddr(), e.getClass().getName());
        LOG.debug("could not answer", e);
    }

    @Override
    protected void doOptions(SipServletRequest req) throws ServletException, IOException {
        javax.sip.ServerTransaction tx = ContainerMessages.serverTransaction(req);
        try {
            PalisadeSipServices services = PalisadeSipServices.get();
            String source = req.getRemoteAddr();
            if (req.getRequestURI() instanceof SipURI ruri && ruri.getUser() != null && !ruri.getUser().isEmpty()) {
                services.probedIfUnknown(source, ruri.getUser()); // answered alike, but counted as a possible sweep
            }
            SipServletResponse r = req.createResponse(200);
            r.setHeader("Allow", ALLOW);
            r.send();
        } catch (IOException | RuntimeException e) {
            cannotAnswer(req, e);
        } finally {
            SipSessions.release(req, tx);
        }
    }
}
