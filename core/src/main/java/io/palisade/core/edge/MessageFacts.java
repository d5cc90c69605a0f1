// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.core.edge;

/**
 * What the edge needs to know about one request, taken from the parsed message by the SIP stack adapter before any
 * transaction exists. Keeps {@code core} free of the SIP stack's classes.
 *
 * @param method          request method, upper case
 * @param transport       UDP, TCP, TLS (upper case)
 * @param source          the packet's source IP address (not anything the message claims)
 * @param headerCount     header fields in the message
 * @param longestHeader   length of the longest header field
 * @param viaCount        Via values
 * @param maxForwards     Max-Forwards value, or -1 when absent
 * @param contentLength   Content-Length value, or -1 when absent
 * @param bodyLength      bytes of body actually received
 * @param userAgent       User-Agent, or "" when absent
 * @param toUser          user part of To (for REGISTER, the address-of-record user), or ""
 * @param requestUriScheme sip, sips, tel, ...
 * @param inDialog        the request carries a To tag (or is ACK/CANCEL)
 * @param offersCrypto    the body is SDP with an {@code a=crypto} line
 * @param credentials     the request carries Authorization or Proxy-Authorization
 * @param syntaxFault     a grammar fault the stack's tolerant parser repaired ({@link HeaderSyntax}), or ""
 */
public record MessageFacts(
        String method,
        String transport,
        String source,
        int headerCount,
        int longestHeader,
        int viaCount,
        int maxForwards,
        int contentLength,
        int bodyLength,
        String userAgent,
        String toUser,
        String requestUriScheme,
        boolean inDialog,
        boolean offersCrypto,
        boolean credentials,
        String syntaxFault) {

    /** Facts of a request whose raw headers showed no grammar fault. */
    public MessageFacts(String method, String transport, String source, int headerCount, int longestHeader, int viaCount,
            int maxForwards, int contentLength, int bodyLength, String userAgent, String toUser, String requestUriScheme,
            boolean inDialog, boolean offersCrypto, boolean credentials) {
        this(method, transport, source, headerCount, longestHeader, viaCount, maxForwards, contentLength, bodyLength,
                userAgent, toUser, requestUriScheme, inDialog, offersCrypto, credentials, "");
    }
}
