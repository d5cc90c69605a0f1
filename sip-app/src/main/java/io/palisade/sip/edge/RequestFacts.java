// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.sip.edge;

import gov.nist.javax.sip.address.SipUri;
import gov.nist.javax.sip.header.SIPHeader;
import gov.nist.javax.sip.header.SIPHeaderList;
import gov.nist.javax.sip.message.SIPRequest;
import io.palisade.core.edge.MessageFacts;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Locale;
import javax.sip.header.ContentTypeHeader;
import javax.sip.header.Header;
import javax.sip.message.Request;

/** Reads the {@link MessageFacts} the edge decides on out of a request JAIN-SIP has parsed. */
final class RequestFacts {
    private RequestFacts() {
    }

    static MessageFacts of(SIPRequest r, String transport, String source, int maxHeaderLength) {
        int headers = 0;
        int longest = 0;
        boolean measure = r.getSize() <= 0 || r.getSize() > maxHeaderLength; // no header can be longer than the message
        for (Iterator<SIPHeader> it = r.getHeaders(); it.hasNext(); ) {
            SIPHeader h = it.next();
            if (h instanceof SIPHeaderList<?> list) {
                headers += Math.max(1, list.size());
                if (measure) {
                    for (Object o : list) {
                        longest = Math.max(longest, ((SIPHeader) o).encode().length());
                    }
                }
            } else {
                headers++;
                if (measure) {
                    longest = Math.max(longest, h.encode().length());
                }
            }
        }
        int vias = r.getViaHeaders() == null ? 0 : r.getViaHeaders().size();
        int maxForwards = r.getMaxForwards() == null ? -1 : r.getMaxForwards().getMaxForwards();
        int contentLength = r.getContentLength() == null ? -1 : r.getContentLength().getContentLength();
        byte[] body = r.getRawContent();
        int bodyLength = body == null ? 0 : body.length;
        Header ua = r.getHeader("User-Agent");
        String userAgent = ua instanceof SIPHeader sh ? sh.getHeaderValue() : "";
        String toUser = "";
        if (r.getTo() != null && r.getTo().getAddress() != null && r.getTo().getAddress().getURI() instanceof SipUri u
                && u.getUser() != null) {
            toUser = u.getUser();
        }
        String scheme = r.getRequestURI() == null ? "" : r.getRequestURI().getScheme();
        String method = r.getMethod();
        boolean inDialog = r.getToTag() != null || Request.ACK.equals(method) || Request.CANCEL.equals(method);
        return new MessageFacts(method, transport.toUpperCase(Locale.ROOT), source, headers, longest, vias, maxForwards,
                contentLength, bodyLength, userAgent == null ? "" : userAgent, toUser, scheme == null ? "" : scheme,
                inDialog, body != null && offersCrypto(r, body),
                r.getHeader("Authorization") != null || r.getHeader("Proxy-Authorization") != null,
                StrictMessageParserFactory.SyntaxFault.of(r).orElse(""));
    }

    /** An SDP body (alone or in a multipart body) with an {@code a=crypto} attribute (RFC 4568). */
    private static boolean offersCrypto(SIPRequest r, byte[] body) {
        ContentTypeHeader ct = r.getContentTypeHeader();
        if (ct == null) {
            return false;
        }
        String type = (ct.getContentType() + "/" + ct.getContentSubType()).toLowerCase(Locale.ROOT);
        if (!type.equals("application/sdp") && !type.startsWith("multipart/")) {
            return false;
        }
        return new String(body, StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT).contains("a=crypto:");
    }
}
