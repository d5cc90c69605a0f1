package io.palisade.sip;

import io.palisade.core.auth.AuthOutcome;
import io.palisade.core.location.Binding;
import io.palisade.core.location.ContactSpec;
import io.palisade.core.location.RegisterAdmission;
import io.palisade.core.location.Flow;
import io.palisade.core.location.RegisterRequest;
import io.palisade.core.location.RegisterResult;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.ListIterator;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import javax.servlet.ServletException;
import javax.servlet.sip.Address;
import javax.servlet.sip.ServletParseException;
import javax.servlet.sip.SipServlet;
import javax.servlet.sip.SipServletRequest;
import javax.servlet.sip.SipServletResponse;
import javax.servlet.sip.SipURI;
import javax.servlet.sip.URI;
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
        } catch (ServletParseException e) {
            answerQuietly(req, 400, "Bad Request: " + parseProblem(e));
        } catch (IOException | RuntimeException e) {
            cannotAnswer(req, e);
        } finally {
            SipSessions.release(req, tx);
        }
    }

    private void handleRegister(SipServletRequest req, PalisadeSipServices services)
            throws IOException, ServletParseException {
        URI to = req.getTo().getURI();
        SipURI toUri = to instanceof SipURI u ? u : null;
        String source = req.getRemoteAddr();
        String transport = req.getTransport();
        Optional<RegisterAdmission.Refusal> notAdmitted = RegisterAdmission.check(
                toUri == null ? null : new RegisterAdmission.Target(toUri.getUser(), toUri.getHost(), toUri.isSecure()),
                req.getRequestURI() instanceof SipURI ruri ? ruri.getHost() : null, transport, source,
                services::servesDomain, services.transportPolicy());
        if (notAdmitted.isPresent()) {
            answer(req, notAdmitted.get().status(), notAdmitted.get().reason());
            return;
        }
        AuthOutcome outcome = services.authenticator().authenticate("REGISTER", headerValues(req, "Authorization"),
                services.challengeAlgorithms(req.getHeader("User-Agent")));
        if (outcome instanceof AuthOutcome.Challenge c) {
            if (c.reason() == io.palisade.core.auth.ChallengeReason.NO_CREDENTIALS) {
                services.probedIfUnknown(source, toUri.getUser()); // the same 401 as for a real user: nothing leaks
            }
            DigestChallenges.send(req, services, c, false);
            return;
        }
        if (outcome instanceof AuthOutcome.Rejected rej) {
            answer(req, rej.statusCode(), rej.reasonPhrase());
            return;
        }
        AuthOutcome.Authenticated who = (AuthOutcome.Authenticated) outcome;
        if (!services.edge().userMayConnectFrom(who.username(), source)) {
            answer(req, 403, "Forbidden: not allowed from this network");
            return;
        }
        RegisterRequest rr = toRegisterRequest(req, toUri, who.username(), transport, source);
        RegisterResult result = services.registrar().register(rr);
        if (result instanceof RegisterResult.Refused refused) {
            SipServletResponse r = req.createResponse(refused.status(), refused.reason());
            for (Map.Entry<String, String> h : refused.headers().entrySet()) {
                r.setHeader(h.getKey(), h.getValue());
            }
            r.send();
            return;
        }
        List<Binding> current = ((RegisterResult.Ok) result).current();
        SipServletResponse ok = req.createResponse(200);
        Instant now = Instant.now();
        for (Binding b : current) {
            StringBuilder contact = new StringBuilder("<").append(b.contactUri()).append(">;expires=")
                    .append(b.remainingSeconds(now));
            if (b.q() >= 0) {
                contact.append(";q=").append(formatQ(b.q()));
            }
            ok.addHeader("Contact", contact.toString());
        }
        ok.send();
    }

    private static RegisterRequest toRegisterRequest(SipServletRequest req, SipURI toUri, String user,
                                                     String transport, String source) throws ServletParseException {
        String aor = "sip:" + toUri.getUser() + "@" + toUri.getHost().toLowerCase(Locale.ROOT);
        boolean wildcard = false;
        List<ContactSpec> contacts = new ArrayList<>();
        String rawContact = req.getHeader("Contact");
        if (rawContact != null && rawContact.trim().equals("*")) {
            wildcard = true;
        } else {
            ListIterator<Address> it = req.getAddressHeaders("Contact");
            while (it.hasNext()) {
                Address a = it.next();
                if (a.isWildcard()) {
                    wildcard = true;
                    continue;
                }
                int e = a.getExpires();
                float q = a.getQ();
                String instance = a.getParameter("+sip.instance");
                contacts.add(new ContactSpec(a.getURI().toString(), e >= 0 ? OptionalInt.of(e) : OptionalInt.empty(),
                        q >= 0 ? Optional.of(q) : Optional.empty(), Optional.ofNullable(instance)));
            }
        }
        int expires = req.getExpires();
        Flow flow = new Flow(transport.toUpperCase(Locale.ROOT), source, req.getRemotePort(), req.getLocalAddr(),
                req.getLocalPort());
        return new RegisterRequest(aor, toUri.getUser(), user, wildcard, contacts,
                expires >= 0 ? OptionalInt.of(expires) : OptionalInt.empty(), req.getCallId(), cseq(req), flow,
                Optional.ofNullable(req.getHeader("User-Agent")).orElse(""));
    }

    private static long cseq(SipServletRequest req) throws ServletParseException {
        long n = cseqNumber(req.getHeader("CSeq"));
        if (n < 0) {
            throw new ServletParseException("CSeq");
        }
        return n;
    }

    /**
     * The sequence number of a CSeq value (RFC 3261 section 20.16: {@code 1*DIGIT LWS Method}), or -1 when it does
     * not start with one (after leading white space) that fits 31 bits as the RFC requires. A hand-written scan: a
     * regular expression here was compiled again for every REGISTER.
     */
    static long cseqNumber(String cseq) {
        if (cseq == null) {
            return -1;
        }
        int i = 0;
        int len = cseq.length();
        while (i < len && Character.isWhitespace(cseq.charAt(i))) {
            i++;
        }
        long n = 0;
        int start = i;
        for (; i < len; i++) {
            char c = cseq.charAt(i);
            if (c < '0' || c > '9') {
                break;
            }
            n = n * 10 + (c - '0');
            if (n > 0x7FFF_FFFFL) {
                return -1;
            }
        }
        if (i == start || (i < len && !Character.isWhitespace(cseq.charAt(i)))) {
            return -1;
        }
        return n;
    }

    /** A q-value (RFC 3261 section 20.10: at most three decimals) as the shortest of "1.0", "0.5", "0.25", "0.125". */
    static String formatQ(float q) {
        int m = Math.round(Math.max(0f, Math.min(1f, q)) * 1000);
        if (m == 1000) {
            return "1.0";
        }
        if (m == 0) {
            return "0.0";
        }
        StringBuilder b = new StringBuilder(5).append("0.").append((char) ('0' + m / 100));
        int rest = m % 100;
        if (rest != 0) {
            b.append((char) ('0' + rest / 10));
            if (rest % 10 != 0) {
                b.append((char) ('0' + rest % 10));
            }
        }
        return b.toString(); // String.format + a regular expression were 2 to 5 % of a registration's CPU
    }

    static List<String> headerValues(SipServletRequest req, String name) {
        List<String> out = new ArrayList<>();
        ListIterator<String> it = req.getHeaders(name);
        while (it.hasNext()) {
            out.add(it.next());
        }
        return out;
    }

    private static String parseProblem(ServletParseException e) {
        String m = e.getMessage();
        return m == null || m.length() > 60 ? "malformed header" : "malformed " + m;
    }

    static void answer(SipServletRequest req, int status, String reason) throws IOException {
        req.createResponse(status, reason).send();
    }

    private static void answerQuietly(SipServletRequest req, int status, String reason) {
        try {
            answer(req, status, reason);
        } catch (IOException | RuntimeException e) {
            cannotAnswer(req, e);
        }
    }

    /**
     * The container could not build or send an answer (a Request-URI scheme or Via transport it has no listening
     * point for, a connection gone): the request is dropped, as the sender's retransmission would be.
     */
    private static void cannotAnswer(SipServletRequest req, Exception e) {
        LOG.warn("could not answer {} from {}: {}", req.getMethod(), req.getRemoteAddr(), e.toString());
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
