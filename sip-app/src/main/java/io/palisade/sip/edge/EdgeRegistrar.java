// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.sip.edge;

import gov.nist.javax.sip.header.Contact;
import gov.nist.javax.sip.header.ContactList;
import gov.nist.javax.sip.header.SIPHeader;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.stack.MessageChannel;
import io.palisade.core.edge.AnsweredRequests;
import io.palisade.core.edge.OverloadGuard;
import io.palisade.core.location.ContactSpec;
import io.palisade.core.location.RegisterAdmission;
import io.palisade.sip.PalisadeSipServices;
import io.palisade.sip.RegisterFlow;
import java.util.ArrayList;
import java.util.List;
import java.util.ListIterator;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import javax.sip.header.AuthorizationHeader;
import javax.sip.header.ExpiresHeader;
import javax.sip.header.UserAgentHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registrar's front at the edge: a REGISTER outside a dialog is answered here, from the SIP stack's parsed
 * message, by {@link RegisterFlow} (the same decisions as the servlet), with no transaction, container session,
 * application router or servlet. What a server transaction would add is kept here (RFC 3261 section 17.2.2): over
 * UDP, a retransmission that arrives while the request is worked on is absorbed, and one that arrives after the
 * answer gets the same answer again for Timer J (32 s); over TCP and TLS the client does not retransmit and nothing
 * is kept. That includes the 401 to a REGISTER without credentials: a retransmission gets the same challenge (the
 * same nonce), as a transaction would give, not a second one. Every answer's To tag is derived from the request.
 */
final class EdgeRegistrar {
    private static final Logger LOG = LoggerFactory.getLogger(EdgeRegistrar.class);
    /** Timer J for UDP: 64 * T1. */
    private static final long TIMER_J_NANOS = TimeUnit.SECONDS.toNanos(32);
    /** Rough heap per kept answer (status, header values, key, map entry) with room to spare, to bound the memory. */
    private static final long BYTES_PER_ANSWER = 1024;

    private final AnsweredRequests<RegisterFlow.Answer> answered;

    EdgeRegistrar() {
        this(answersFor(Runtime.getRuntime().maxMemory()));
    }

    EdgeRegistrar(int maxAnswers) {
        // 4 s generations: a lookup reads 9 maps, an answer is kept 32 to 36 s
        this.answered = new AnsweredRequests<>(TIMER_J_NANOS, 8, maxAnswers, System::nanoTime, ANSWER_BYTES);
    }

    /**
     * An answer as kept for retransmissions: status, reason (or none) and headers, each string as its UTF-8 bytes after
     * a two-byte length. A string over 65,535 bytes is refused (the answer is then not kept).
     */
    static final AnsweredRequests.Codec<RegisterFlow.Answer> ANSWER_BYTES = new AnsweredRequests.Codec<>() {
        @Override
        public byte[] encode(RegisterFlow.Answer a) {
            byte[] reason = a.reason() == null ? null : utf8(a.reason());
            List<byte[]> strings = new ArrayList<>(2 * a.headers().size());
            int size = 2 + 1 + (reason == null ? 0 : 2 + reason.length) + 2;
            for (RegisterFlow.Header h : a.headers()) {
                strings.add(utf8(h.name()));
                strings.add(utf8(h.value()));
            }
            for (byte[] s : strings) {
                size += 2 + s.length;
            }
            java.nio.ByteBuffer out = java.nio.ByteBuffer.allocate(size);
            out.putShort((short) a.status()).put((byte) (reason == null ? 0 : 1));
            if (reason != null) {
                out.putShort((short) reason.length).put(reason);
            }
            out.putShort((short) a.headers().size());
            for (byte[] s : strings) {
                out.putShort((short) s.length).put(s);
            }
            return out.array();
        }

        private static byte[] utf8(String s) {
            byte[] b = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            if (b.length > 0xFFFF) {
                throw new IllegalArgumentException("a header of an answer is too long to keep");
            }
            return b;
        }

        @Override
        public RegisterFlow.Answer decode(byte[] bytes, int offset, int length) {
            java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(bytes, offset, length);
            int status = Short.toUnsignedInt(in.getShort());
            String reason = in.get() != 0 ? string(in) : null;
            int n = Short.toUnsignedInt(in.getShort());
            List<RegisterFlow.Header> headers = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                String name = string(in);
                headers.add(new RegisterFlow.Header(name, string(in)));
            }
            return new RegisterFlow.Answer(status, reason, headers);
        }

        private static String string(java.nio.ByteBuffer in) {
            int len = Short.toUnsignedInt(in.getShort());
            String s = new String(in.array(), in.arrayOffset() + in.position(), len,
                    java.nio.charset.StandardCharsets.UTF_8);
            in.position(in.position() + len);
            return s;
        }
    };

    /** Answers kept at most: an eighth of the heap's worth at most, within 10,000 and 2,000,000. */
    static int answersFor(long maxHeapBytes) {
        return (int) Math.max(10_000, Math.min(2_000_000, maxHeapBytes / 8 / BYTES_PER_ANSWER));
    }

    /** Whether this front answers {@code request}: a REGISTER outside a dialog. */
    static boolean takes(SIPRequest request) {
        return request.getToTag() == null;
    }

    /**
     * Answers {@code request}. Over UDP a request seen before is a retransmission: absorbed while the first copy is
     * worked on, answered again with the same answer once it is answered. A new request is shed with 503 when the
     * node is overloaded, else decided by {@link RegisterFlow}. {@code source} is the channel's peer address (read once
     * by the valve: each read writes the address out as text again).
     */
    void handle(SIPRequest request, MessageChannel channel, String source, PalisadeSipServices services,
                OverloadGuard guard) {
        // Over UDP every REGISTER is remembered for its retransmissions, the one without credentials too: a second
        // 401 with another nonce would reach a client that has already answered the first as an answer to nothing.
        boolean remember = isUdp(channel);
        AnsweredRequests.Key key = remember ? answered.keyOf(key(request, source, channel.getPeerPort())) : null;
        if (remember) {
            AnsweredRequests.Seen<RegisterFlow.Answer> seen = answered.begin(key);
            if (seen instanceof AnsweredRequests.Answered<RegisterFlow.Answer> a) {
                send(request, channel, a.answer()); // built again from the retransmission: the same bytes
                return;
            }
            if (seen instanceof AnsweredRequests.InProgress<RegisterFlow.Answer>) {
                return; // RFC 3261 section 17.2.2, Trying: the first copy answers
            }
        }
        RegisterFlow.Answer answer;
        if (guard.shedNewRequest()) {
            answer = new RegisterFlow.Answer(503, "Service Unavailable: overloaded",
                    List.of(new RegisterFlow.Header("Retry-After", Integer.toString(guard.retryAfterSeconds()))));
        } else {
            try {
                answer = RegisterFlow.answer(new StackRegister(request, channel, source), services);
            } catch (RuntimeException e) {
                // the location store failed, or a value the stack let through that we cannot handle: a clear 500
                LOG.warn("REGISTER from {} failed: {}", source, e.getClass().getName());
                answer = new RegisterFlow.Answer(500, "Server Internal Error", List.of());
            }
        }
        if (remember) {
            answered.answered(key, answer);
        }
        send(request, channel, answer);
    }

    /**
     * Builds the response from the request and the decided answer, and sends it. A retransmission carries the same
     * Via, From, To, Call-ID and CSeq as its original, so the answer kept (a status, a reason and a few header values,
     * a few hundred bytes) gives the same bytes again without keeping the encoded response.
     */
    private static void send(SIPRequest request, MessageChannel channel, RegisterFlow.Answer answer) {
        String tag = EdgeValve.statelessTag(request);
        byte[] bytes;
        try {
            bytes = EdgeResponses.encode(request, tag, answer);
        } catch (IllegalArgumentException e) {
            // a value that cannot go into a header (a control character in a contact): a clear 500
            LOG.warn("could not build the answer to a REGISTER from {}: {}", channel.getPeerAddress(),
                    e.getClass().getName());
            bytes = EdgeResponses.encode(request, tag, new RegisterFlow.Answer(500, "Server Internal Error", List.of()));
        }
        try {
            EdgeResponses.send(channel, bytes);
        } catch (java.io.IOException | RuntimeException e) {
            // a connection gone: as for any answer the edge cannot send, the client's retransmission tries again
            LOG.debug("could not answer a REGISTER from {}: {}", channel.getPeerAddress(), e.getClass().getSimpleName());
        }
    }

    private static boolean isUdp(MessageChannel channel) {
        return "UDP".equalsIgnoreCase(channel.getTransport());
    }

    /**
     * What a retransmission shares with its original (RFC 3261 section 17.2.3: the branch; Call-ID and CSeq for
     * clients without RFC 3261 branches), and where it came from (which stands for sent-by: the answer goes there).
     */
    private static String key(SIPRequest request, String source, int sourcePort) {
        var via = request.getTopmostVia();
        return (via == null ? "" : via.getBranch()) + ' ' + request.getCallId().getCallId() + ' '
                + request.getCSeq().getSeqNumber() + ' ' + source + ':' + sourcePort;
    }

    /** A REGISTER read from the SIP stack's parsed message. */
    private static final class StackRegister implements RegisterFlow.Message {
        private final SIPRequest request;
        private final MessageChannel channel;
        private final String source;

        StackRegister(SIPRequest request, MessageChannel channel, String source) {
            this.request = request;
            this.channel = channel;
            this.source = source;
        }

        @Override
        public RegisterAdmission.Target target() {
            javax.sip.address.URI to = request.getTo() == null || request.getTo().getAddress() == null
                    ? null : request.getTo().getAddress().getURI();
            return to instanceof javax.sip.address.SipURI u
                    ? new RegisterAdmission.Target(u.getUser(), u.getHost(), u.isSecure()) : null;
        }

        @Override
        public String requestHost() {
            return request.getRequestURI() instanceof javax.sip.address.SipURI r ? r.getHost() : null;
        }

        @Override
        public String transport() {
            return channel.getTransport();
        }

        @Override
        public String source() {
            return source; // the channel's peer address, as the valve read it
        }

        @Override
        public int sourcePort() {
            return channel.getPeerPort();
        }

        @Override
        public String localAddress() {
            return channel.getHost();
        }

        @Override
        public int localPort() {
            return channel.getPort();
        }

        @Override
        public List<String> authorization() {
            List<String> out = new ArrayList<>(1);
            ListIterator<SIPHeader> it = request.getHeaders(AuthorizationHeader.NAME);
            while (it.hasNext()) {
                out.add(it.next().getHeaderValue());
            }
            return out;
        }

        @Override
        public String userAgent() {
            return request.getHeader(UserAgentHeader.NAME) instanceof SIPHeader h ? h.getHeaderValue() : null;
        }

        @Override
        public String callId() {
            return request.getCallId().getCallId();
        }

        @Override
        public long cseq() {
            long n = request.getCSeq().getSeqNumber();
            return n >= 0 && n <= 0x7FFF_FFFFL ? n : -1; // RFC 3261 section 8.1.1.5: less than 2^31
        }

        @Override
        public int expires() {
            ExpiresHeader e = request.getExpires();
            return e == null ? -1 : e.getExpires();
        }

        @Override
        public boolean wildcard() {
            ContactList contacts = request.getContactHeaders();
            if (contacts != null) {
                for (Contact c : contacts) {
                    if (c.isWildCard()) {
                        return true;
                    }
                }
            }
            return false;
        }

        @Override
        public List<ContactSpec> contacts() throws RegisterFlow.MalformedHeader {
            ContactList list = request.getContactHeaders();
            if (list == null) {
                return List.of();
            }
            List<ContactSpec> out = new ArrayList<>(list.size());
            for (Contact c : list) {
                if (c.isWildCard()) {
                    continue;
                }
                if (c.getAddress() == null || c.getAddress().getURI() == null) {
                    throw new RegisterFlow.MalformedHeader("Contact");
                }
                out.add(new ContactSpec(c.getAddress().getURI().toString(), intParameter(c, "expires"),
                        qParameter(c), Optional.ofNullable(c.getParameter("+sip.instance"))));
            }
            return out;
        }

        private static OptionalInt intParameter(Contact c, String name) throws RegisterFlow.MalformedHeader {
            String v = c.getParameter(name);
            if (v == null) {
                return OptionalInt.empty();
            }
            try {
                long n = Long.parseLong(v.trim());
                return OptionalInt.of((int) Math.min(Integer.MAX_VALUE, Math.max(-1, n)));
            } catch (NumberFormatException e) {
                throw new RegisterFlow.MalformedHeader("Contact");
            }
        }

        private static Optional<Float> qParameter(Contact c) throws RegisterFlow.MalformedHeader {
            String v = c.getParameter("q");
            if (v == null) {
                return Optional.empty();
            }
            try {
                return Optional.of(Float.parseFloat(v.trim()));
            } catch (NumberFormatException e) {
                throw new RegisterFlow.MalformedHeader("Contact");
            }
        }
    }
}
