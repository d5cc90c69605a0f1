// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.sip.edge;

import gov.nist.javax.sip.header.CSeq;
import gov.nist.javax.sip.header.CallID;
import gov.nist.javax.sip.header.From;
import gov.nist.javax.sip.header.SIPHeader;
import gov.nist.javax.sip.header.TimeStamp;
import gov.nist.javax.sip.header.To;
import gov.nist.javax.sip.header.ViaList;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import gov.nist.javax.sip.stack.ConnectionOrientedMessageChannel;
import gov.nist.javax.sip.stack.MessageChannel;
import io.palisade.sip.RegisterFlow;
import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.Method;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;

/**
 * Responses the edge writes itself: the bytes of a response to a request that needs no transaction, built from the
 * request's parsed headers and the answer, and handed to the channel the request came on. What
 * {@link SIPRequest#createResponse(int)} and {@link SIPResponse#encodeAsBytes(String)} would give (the same headers
 * copied, RFC 3261 section 8.2.6.2: Via, From, To with a tag, Call-ID, CSeq, and Timestamp as JAIN-SIP copies it), without
 * cloning every header, parsing the answer's header values back into objects and encoding them again: that was about
 * a tenth of the server's CPU time per registration.
 *
 * <p>The channel's byte-level send methods are protected in JAIN-SIP; they are called through method handles taken
 * once. Over UDP the answer goes where JAIN-SIP sends a response (the channel's peer: the source address, and the
 * source port as the stack resolved it from Via and rport), through the listener's {@link DatagramResponder} when it
 * has one; over TCP and TLS on the connection the request came on.
 */
final class EdgeResponses {
    private static final MethodHandle DATAGRAM_SEND;
    private static final MethodHandle PEER_INET_ADDRESS;
    private static final MethodHandle STREAM_SEND;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            Method datagram = MessageChannel.class.getDeclaredMethod("sendMessage", byte[].class, InetAddress.class,
                    int.class, boolean.class);
            datagram.setAccessible(true);
            DATAGRAM_SEND = lookup.unreflect(datagram);
            Method peer = MessageChannel.class.getDeclaredMethod("getPeerInetAddress");
            peer.setAccessible(true);
            PEER_INET_ADDRESS = lookup.unreflect(peer);
            Method stream = ConnectionOrientedMessageChannel.class.getDeclaredMethod("sendMessage", byte[].class,
                    boolean.class);
            stream.setAccessible(true);
            STREAM_SEND = lookup.unreflect(stream);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new ExceptionInInitializerError("JAIN-SIP's channel send methods are not where the edge expects: "
                    + e.getClass().getName());
        }
    }

    private EdgeResponses() {
    }

    /**
     * The bytes of the response {@code answer} to {@code request} with {@code toTag} on To.
     *
     * @throws IllegalArgumentException when the reason phrase or a header name or value holds a control character
     *     (which would end the header early and let what follows pass for headers of its own)
     */
    static byte[] encode(SIPRequest request, String toTag, RegisterFlow.Answer answer) {
        StringBuilder b = new StringBuilder(512);
        String reason = answer.reason() == null ? SIPResponse.getReasonPhrase(answer.status()) : answer.reason();
        b.append("SIP/2.0 ").append(answer.status()).append(' ').append(checked(reason)).append("\r\n");
        Iterator<SIPHeader> headers = request.getHeaders();
        while (headers.hasNext()) {
            SIPHeader h = headers.next();
            if (h instanceof To to) {
                to.encode(b); // "To: value CRLF"; a request the edge answers has no To tag
                b.setLength(b.length() - 2);
                b.append(";tag=").append(checked(toTag)).append("\r\n");
            } else if (h instanceof ViaList || h instanceof From || h instanceof CallID || h instanceof CSeq
                    || h instanceof TimeStamp) {
                h.encode(b);
            }
        }
        for (RegisterFlow.Header h : answer.headers()) {
            b.append(checked(h.name())).append(": ").append(checked(h.value())).append("\r\n");
        }
        b.append("Content-Length: 0\r\n\r\n");
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String checked(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if ((c < 0x20 && c != '\t') || c == 0x7F) {
                throw new IllegalArgumentException("control character in a response header");
            }
        }
        return s;
    }

    /** Sends {@code bytes} as the response to the request that came on {@code channel}. */
    static void send(MessageChannel channel, byte[] bytes) throws IOException {
        try {
            if (channel instanceof ConnectionOrientedMessageChannel stream) {
                STREAM_SEND.invoke(stream, bytes, false);
            } else {
                InetAddress peer = (InetAddress) PEER_INET_ADDRESS.invoke(channel);
                if (channel.getMessageProcessor() instanceof DatagramResponder responder) {
                    responder.respond(bytes, peer, channel.getPeerPort());
                } else {
                    DATAGRAM_SEND.invoke(channel, bytes, peer, channel.getPeerPort(), false);
                }
            }
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IOException("sending failed: " + e.getClass().getName(), e);
        }
    }
}
