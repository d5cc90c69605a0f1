// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.sip;

import io.palisade.core.auth.AuthOutcome;
import io.palisade.core.auth.ChallengeReason;
import io.palisade.core.location.Binding;
import io.palisade.core.location.ContactSpec;
import io.palisade.core.location.Flow;
import io.palisade.core.location.RegisterAdmission;
import io.palisade.core.location.RegisterRequest;
import io.palisade.core.location.RegisterResult;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What the registrar answers to a REGISTER (RFC 3261 section 10.3), independent of who read the request: the
 * servlet (through JSR 289) or the edge (straight from the SIP stack's parsed message, with no container session).
 * Steps: admission (domain, transport, To), digest authentication (section 22), the user's allowed networks, then
 * {@link io.palisade.core.location.RegistrarService}. Failed attempts are counted with the edge before the answer
 * leaves, so a client failing for the last time meets its ban at once.
 */
public final class RegisterFlow {
    private RegisterFlow() {
    }

    /** A REGISTER as the flow reads it. */
    public interface Message {
        /** The To URI's parts, or {@code null} when To is not a sip:/sips: URI. */
        RegisterAdmission.Target target();

        /** The Request-URI's host, or {@code null} when it is not a sip:/sips: URI. */
        String requestHost();

        String transport();

        String source();

        int sourcePort();

        String localAddress();

        int localPort();

        List<String> authorization();

        /** The User-Agent value, or {@code null}. */
        String userAgent();

        String callId();

        /** The CSeq number, or -1 when it is malformed or above 2^31 - 1. */
        long cseq();

        /** The Expires header, or -1 when absent. */
        int expires();

        /** Whether a Contact is {@code *}. */
        boolean wildcard() throws MalformedHeader;

        /** The other Contacts. */
        List<ContactSpec> contacts() throws MalformedHeader;
    }

    /** A header that did not parse; its name goes into the 400's reason phrase. */
    public static final class MalformedHeader extends Exception {
        private static final long serialVersionUID = 1L;

        public MalformedHeader(String header) {
            super(header, null, false, false);
        }
    }

    /** One header of an answer. */
    public record Header(String name, String value) {
    }

    /** The answer to send: status, reason phrase ({@code null} for the standard one) and extra headers. */
    public record Answer(int status, String reason, List<Header> headers) {
        public Answer {
            headers = List.copyOf(headers);
        }

        static Answer of(int status, String reason) {
            return new Answer(status, reason, List.of());
        }
    }

    /** Decides the answer to {@code m}; registers its contacts when it authenticates. */
    public static Answer answer(Message m, PalisadeSipServices services) {
        RegisterAdmission.Target target = m.target();
        String source = m.source();
        Optional<RegisterAdmission.Refusal> notAdmitted = RegisterAdmission.check(target, m.requestHost(),
                m.transport(), source, services::servesDomain, services.transportPolicy());
        if (notAdmitted.isPresent()) {
            return Answer.of(notAdmitted.get().status(), notAdmitted.get().reason());
        }
        AuthOutcome outcome = services.authenticator().authenticate("REGISTER", m.authorization(),
                services.challengeAlgorithms(m.userAgent()));
        if (outcome instanceof AuthOutcome.Challenge c) {
            if (c.reason() == ChallengeReason.NO_CREDENTIALS) {
                services.probedIfUnknown(source, target.user()); // the same 401 as for a real user: nothing leaks
            } else if (c.reason().isFailedAttempt()) {
                DigestChallenges.failedAttempt(services, c, "REGISTER", source, m.transport());
            }
            List<Header> challenges = new ArrayList<>(c.headerValues().size());
            for (String v : c.headerValues()) {
                challenges.add(new Header("WWW-Authenticate", v));
            }
            return new Answer(401, null, challenges);
        }
        if (outcome instanceof AuthOutcome.Rejected rej) {
            return Answer.of(rej.statusCode(), rej.reasonPhrase());
        }
        AuthOutcome.Authenticated who = (AuthOutcome.Authenticated) outcome;
        if (!services.edge().userMayConnectFrom(who.username(), source)) {
            return Answer.of(403, "Forbidden: not allowed from this network");
        }
        RegisterRequest rr;
        try {
            rr = toRegisterRequest(m, target, who.username());
        } catch (MalformedHeader e) {
            return Answer.of(400, "Bad Request: malformed " + e.getMessage());
        }
        RegisterResult result = services.registrar().register(rr);
        if (result instanceof RegisterResult.Refused refused) {
            List<Header> extra = new ArrayList<>();
            for (Map.Entry<String, String> h : refused.headers().entrySet()) {
                extra.add(new Header(h.getKey(), h.getValue()));
            }
            return new Answer(refused.status(), refused.reason(), extra);
        }
        List<Binding> current = ((RegisterResult.Ok) result).current();
        List<Header> contacts = new ArrayList<>(current.size());
        Instant now = Instant.now();
        for (Binding b : current) {
            StringBuilder contact = new StringBuilder(b.contactUri().length() + 32).append('<').append(b.contactUri())
                    .append(">;expires=").append(b.remainingSeconds(now));
            if (b.q() >= 0) {
                contact.append(";q=").append(formatQ(b.q()));
            }
            contacts.add(new Header("Contact", contact.toString()));
        }
        return new Answer(200, null, contacts);
    }

    private static RegisterRequest toRegisterRequest(Message m, RegisterAdmission.Target to, String user)
            throws MalformedHeader {
        String aor = "sip:" + to.user() + "@" + to.host().toLowerCase(Locale.ROOT);
        long cseq = m.cseq();
        if (cseq < 0) {
            throw new MalformedHeader("CSeq");
        }
        boolean wildcard = m.wildcard();
        List<ContactSpec> contacts = m.contacts();
        int expires = m.expires();
        Flow flow = new Flow(m.transport().toUpperCase(Locale.ROOT), m.source(), m.sourcePort(), m.localAddress(),
                m.localPort());
        String ua = m.userAgent();
        return new RegisterRequest(aor, to.user(), user, wildcard, contacts,
                expires >= 0 ? OptionalInt.of(expires) : OptionalInt.empty(), m.callId(), cseq, flow,
                ua == null ? "" : ua);
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
}
