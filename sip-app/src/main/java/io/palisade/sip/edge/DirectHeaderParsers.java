// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.sip.edge;

import gov.nist.javax.sip.header.ExtensionHeaderImpl;
import gov.nist.javax.sip.header.RequestLine;
import gov.nist.javax.sip.header.SIPHeader;
import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.parser.AuthorizationParser;
import gov.nist.javax.sip.parser.CSeqParser;
import gov.nist.javax.sip.parser.CallIDParser;
import gov.nist.javax.sip.parser.ContactParser;
import gov.nist.javax.sip.parser.ContentLengthParser;
import gov.nist.javax.sip.parser.ExpiresParser;
import gov.nist.javax.sip.parser.FromParser;
import gov.nist.javax.sip.parser.HeaderParser;
import gov.nist.javax.sip.parser.MaxForwardsParser;
import gov.nist.javax.sip.parser.ParseExceptionListener;
import gov.nist.javax.sip.parser.StringMsgParser;
import gov.nist.javax.sip.parser.ToParser;
import gov.nist.javax.sip.parser.UserAgentParser;
import gov.nist.javax.sip.parser.ViaParser;
import java.text.ParseException;
import javax.sip.header.AuthorizationHeader;
import javax.sip.message.Request;

/**
 * JAIN-SIP's message parser, with the parser for the headers every request carries made directly. JAIN-SIP's
 * {@code ParserFactory} finds a header's parser by lower-casing its name through a shared cache, looking the class up
 * and calling its constructor by reflection, for every header of every message: about 7 % of the server's CPU per
 * registration. Here the common names are compared in place and the same parser class is constructed with the same
 * text; any other header, and any header whose parse fails (so that JAIN-SIP reports or drops it exactly as it would
 * have), goes through JAIN-SIP's own path. Authorization is kept as its text (an extension header): everything that
 * reads it reads the text, and {@code io.palisade.core.auth.DigestParser} is stricter than JAIN-SIP's parser. {@link #parser} must make the classes JAIN-SIP's table names (a test
 * compares them). In a REGISTER the request line and the headers {@link #plain} names are read by {@link PlainHeaders}
 * when they are in its plain form (the same objects, without JAIN-SIP's lexer), else as above.
 */
final class DirectHeaderParsers extends StringMsgParser {
    /** Header name in lower case (compact forms too) to the parser JAIN-SIP's table gives it. */
    static final String[] NAMES = {"via", "v", "from", "f", "to", "t", "call-id", "i", "cseq", "contact", "m",
        "max-forwards", "expires", "authorization", "content-length", "l", "user-agent"};
    private static final int AUTHORIZATION = java.util.Arrays.asList(NAMES).indexOf("authorization");

    /** The parser JAIN-SIP's table gives the header named {@code NAMES[k]}, for {@code line}. */
    static HeaderParser parser(int k, String line) {
        return switch (NAMES[k]) {
            case "via", "v" -> new ViaParser(line);
            case "from", "f" -> new FromParser(line);
            case "to", "t" -> new ToParser(line);
            case "call-id", "i" -> new CallIDParser(line);
            case "cseq" -> new CSeqParser(line);
            case "contact", "m" -> new ContactParser(line);
            case "max-forwards" -> new MaxForwardsParser(line);
            case "expires" -> new ExpiresParser(line);
            case "authorization" -> new AuthorizationParser(line);
            case "content-length", "l" -> new ContentLengthParser(line);
            case "user-agent" -> new UserAgentParser(line);
            default -> throw new IllegalArgumentException("no direct parser for " + NAMES[k]);
        };
    }

    @Override
    protected SIPMessage processFirstLine(String line, ParseExceptionListener listener, byte[] raw)
            throws ParseException {
        RequestLine plain = line.startsWith("REGISTER ") ? PlainHeaders.requestLine(line) : null;
        if (plain == null) {
            return super.processFirstLine(line, listener, raw);
        }
        SIPRequest request = new SIPRequest(); // what JAIN-SIP does with the line it parses
        request.setRequestLine(plain);
        return request;
    }

    @Override
    protected void processHeader(String header, SIPMessage message, ParseExceptionListener listener, byte[] raw)
            throws ParseException {
        if (header == null || header.isEmpty()) {
            return;
        }
        int k = nameOf(header);
        if (k >= 0 && message instanceof SIPRequest r && Request.REGISTER.equals(r.getMethod())) {
            SIPHeader plain = plain(NAMES[k], header.substring(header.indexOf(':') + 1));
            if (plain != null) {
                message.attachHeader(plain, false);
                return;
            }
        }
        if (k == AUTHORIZATION) {
            // kept as text: every reader wants the text (the digest parser, the servlet API), and JAIN-SIP's parse
            // plus encoding it back for them were 7 % of a registration's CPU
            ExtensionHeaderImpl text = new ExtensionHeaderImpl(AuthorizationHeader.NAME);
            text.setValue(header.substring(header.indexOf(':') + 1).trim());
            message.attachHeader(text, false);
            return;
        }
        if (k >= 0) {
            try {
                message.attachHeader(parser(k, header + "\n").parse(), false);
                return;
            } catch (ParseException e) {
                // JAIN-SIP's path below parses it again and reports or drops it its own way
            }
        }
        super.processHeader(header, message, listener, raw);
    }

    /**
     * The header named {@code name} (from {@link #NAMES}) read by {@link PlainHeaders} from its {@code value}, or null
     * when it has no plain reading or the value is not in the plain form.
     */
    static SIPHeader plain(String name, String value) {
        return switch (name) {
            case "via" -> PlainHeaders.via(value);
            case "from" -> PlainHeaders.from(value);
            case "to" -> PlainHeaders.to(value);
            case "contact" -> PlainHeaders.contact(value);
            case "call-id" -> PlainHeaders.callId(value);
            case "cseq" -> PlainHeaders.cseq(value);
            case "max-forwards" -> PlainHeaders.maxForwards(value);
            case "expires" -> PlainHeaders.expires(value);
            case "content-length" -> PlainHeaders.contentLength(value);
            default -> null;
        };
    }

    /** The index in {@link #NAMES} of the header's name (before the colon, case and surrounding blanks ignored), or -1. */
    static int nameOf(String header) {
        int colon = header.indexOf(':');
        if (colon < 0) {
            return -1;
        }
        int from = 0;
        int to = colon;
        while (from < to && (header.charAt(from) == ' ' || header.charAt(from) == '\t')) {
            from++;
        }
        while (to > from && (header.charAt(to - 1) == ' ' || header.charAt(to - 1) == '\t')) {
            to--;
        }
        int len = to - from;
        for (int k = 0; k < NAMES.length; k++) {
            if (NAMES[k].length() == len && header.regionMatches(true, from, NAMES[k], 0, len)) {
                return k;
            }
        }
        return -1;
    }
}
