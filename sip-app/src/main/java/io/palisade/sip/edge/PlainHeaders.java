// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.sip.edge;

import gov.nist.core.Host;
import gov.nist.core.HostPort;
import gov.nist.core.NameValue;
import gov.nist.javax.sip.address.AddressImpl;
import gov.nist.javax.sip.address.SipUri;
import gov.nist.javax.sip.header.AddressParametersHeader;
import gov.nist.javax.sip.header.CSeq;
import gov.nist.javax.sip.header.CallID;
import gov.nist.javax.sip.header.CallIdentifier;
import gov.nist.javax.sip.header.Contact;
import gov.nist.javax.sip.header.ContactList;
import gov.nist.javax.sip.header.ContentLength;
import gov.nist.javax.sip.header.Expires;
import gov.nist.javax.sip.header.From;
import gov.nist.javax.sip.header.MaxForwards;
import gov.nist.javax.sip.header.ParametersHeader;
import gov.nist.javax.sip.header.Protocol;
import gov.nist.javax.sip.header.RequestLine;
import gov.nist.javax.sip.header.To;
import gov.nist.javax.sip.header.Via;
import gov.nist.javax.sip.header.ViaList;

/**
 * The plain forms of the headers a REGISTER is made of, read without JAIN-SIP's lexer: the request line, Via, From,
 * To, Contact, Call-ID, CSeq, Max-Forwards, Expires and Content-Length, when each is written the way phones write them (a {@code sip:} or {@code sips:} URI of
 * {@code user@host:port;name=value} in angle brackets without a display name, a Via of one value, parameters that are
 * tokens, nothing quoted or escaped). Each method gives the object JAIN-SIP's own parser gives for the same text, field
 * for field (a test compares them over every form this reads and over the forms it leaves), or null for any text that
 * is not in that plain form, which then takes JAIN-SIP's path. JAIN-SIP's lexer looks every token up in keyword tables
 * through upper-cased copies; for a registration that was about a sixth of the server's CPU.
 */
final class PlainHeaders {
    private PlainHeaders() {
    }

    /** {@code REGISTER sip:host[:port][;params] SIP/2.0} (the line without its end), or null. */
    static RequestLine requestLine(String line) {
        if (!line.startsWith("REGISTER ") || !line.endsWith(" SIP/2.0")) {
            return null;
        }
        int end = line.length() - " SIP/2.0".length();
        SipUri uri = uri(line, "REGISTER ".length(), end);
        if (uri == null) {
            return null;
        }
        RequestLine r = new RequestLine();
        r.setMethod("REGISTER");
        r.setUri(uri);
        r.setSipVersion("SIP/2.0");
        return r;
    }

    /** A From header's value (after the colon), or null. */
    static From from(String value) {
        From h = new From();
        return address(h, value) ? h : null;
    }

    /** A To header's value, or null. */
    static To to(String value) {
        To h = new To();
        return address(h, value) ? h : null;
    }

    /** A Contact header's value of one contact (not {@code *}), as the list JAIN-SIP makes of it, or null. */
    static ContactList contact(String value) {
        Contact h = new Contact();
        if (!address(h, value)) {
            return null;
        }
        ContactList list = new ContactList();
        list.add(h);
        return list;
    }

    /** A Via header's value of one hop, {@code SIP/2.0/TRANSPORT host[:port][;params]}, as JAIN-SIP's list, or null. */
    static ViaList via(String value) {
        int i = skipBlanks(value, 0);
        if (!value.startsWith("SIP/2.0/", i)) {
            return null;
        }
        i += "SIP/2.0/".length();
        int t = i;
        while (i < value.length() && isAlnum(value.charAt(i))) {
            i++;
        }
        if (i == t || i >= value.length() || value.charAt(i) != ' ') {
            return null;
        }
        String transport = value.substring(t, i);
        i = skipBlanks(value, i);
        int hostEnd = hostEnd(value, i, value.length());
        if (hostEnd < 0) {
            return null;
        }
        int end = paramsEnd(value, hostEnd);
        HostPort sentBy = hostPort(value, i, hostEnd);
        if (sentBy == null || end < 0) {
            return null;
        }
        Via via = new Via();
        Protocol protocol = new Protocol();
        protocol.setProtocolName("SIP");
        protocol.setProtocolVersion("2.0");
        protocol.setTransport(transport);
        via.setSentProtocol(protocol);
        via.setSentBy(sentBy);
        if (!headerParams(via, value, hostEnd, end, null)) {
            return null;
        }
        ViaList list = new ViaList();
        list.add(via);
        return list;
    }

    /** A Call-ID of word characters with at most one {@code @} (neither first nor last), or null. */
    static CallID callId(String value) {
        int from = skipBlanks(value, 0);
        int to = trimEnd(value, from);
        int at = -1;
        for (int i = from; i < to; i++) {
            char c = value.charAt(i);
            if (c == '@' && at < 0 && i > from && i < to - 1) {
                at = i;
            } else if (!isTokenChar(c)) {
                return null;
            }
        }
        if (to == from) {
            return null;
        }
        CallID h = new CallID();
        h.setCallIdentifier(at < 0 ? new CallIdentifier(value.substring(from, to), null)
                : new CallIdentifier(value.substring(from, at), value.substring(at + 1, to)));
        return h;
    }

    /** {@code n REGISTER} with n below 2^31, or null. */
    static CSeq cseq(String value) {
        int from = skipBlanks(value, 0);
        int digits = digitsEnd(value, from);
        if (digits == from || digits - from > 10 || !value.startsWith(" REGISTER", digits)
                || trimEnd(value, from) != digits + " REGISTER".length()) {
            return null;
        }
        long n = Long.parseLong(value, from, digits, 10);
        return n < (1L << 31) ? new CSeq(n, "REGISTER") : null;
    }

    /** Max-Forwards of 0 to 255, or null. */
    static MaxForwards maxForwards(String value) {
        int n = number(value, 3);
        return n > 255 ? null : numeric(n, new MaxForwards(), MaxForwards::setMaxForwards);
    }

    /** Expires of at most nine digits, or null. */
    static Expires expires(String value) {
        return numeric(number(value, 9), new Expires(), Expires::setExpires);
    }

    /** Content-Length of at most nine digits, or null. */
    static ContentLength contentLength(String value) {
        return numeric(number(value, 9), new ContentLength(), ContentLength::setContentLength);
    }

    /** A JAIN-SIP setter of a header's number, which refuses a negative one. */
    private interface NumberSetter<H> {
        void set(H header, int n) throws javax.sip.InvalidArgumentException;
    }

    /** {@code header} holding {@code n}, or null when {@code n} is -1 (not a plain number). */
    private static <H> H numeric(int n, H header, NumberSetter<H> setter) {
        if (n < 0) {
            return null;
        }
        try {
            setter.set(header, n);
        } catch (javax.sip.InvalidArgumentException e) {
            return null; // not negative, and within the header's range: not reached
        }
        return header;
    }

    /** The value as a number of 1 to {@code maxDigits} digits between blanks, or -1. */
    private static int number(String value, int maxDigits) {
        int from = skipBlanks(value, 0);
        int digits = digitsEnd(value, from);
        if (digits == from || digits - from > maxDigits || trimEnd(value, from) != digits) {
            return -1;
        }
        return Integer.parseInt(value, from, digits, 10);
    }

    private static int digitsEnd(String s, int from) {
        int i = from;
        while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
            i++;
        }
        return i;
    }

    /** The end of {@code s} without its trailing blanks, not before {@code from}. */
    private static int trimEnd(String s, int from) {
        int i = s.length();
        while (i > from && (s.charAt(i - 1) == ' ' || s.charAt(i - 1) == '\t')) {
            i--;
        }
        return i;
    }

    /** {@code <uri>;params} into {@code h}; false when it is not the plain form. */
    private static boolean address(AddressParametersHeader h, String value) {
        int open = skipBlanks(value, 0);
        if (open >= value.length() || value.charAt(open) != '<') {
            return false;
        }
        int close = value.indexOf('>', open);
        if (close < 0) {
            return false;
        }
        SipUri uri = uri(value, open + 1, close);
        int end = paramsEnd(value, close + 1);
        if (uri == null || end < 0) {
            return false;
        }
        AddressImpl address = new AddressImpl();
        address.setAddressType(AddressImpl.NAME_ADDR);
        address.setURI(uri);
        h.setAddress(address);
        return headerParams(h, value, close + 1, end, "");
    }

    /**
     * The header's parameters from {@code from} to {@code end} ({@code ;name[=value]} each, blanks around the
     * semicolons); false when a name repeats (JAIN-SIP keeps repeats apart). A parameter without a value holds
     * {@code flag}: JAIN-SIP's Via parser gives it no value, its address parsers an empty one marked as a flag.
     */
    private static boolean headerParams(ParametersHeader h, String s, int from, int end, String flag) {
        int i = from;
        while (i < end) {
            i = skipBlanks(s, i);
            if (i >= end) {
                break;
            }
            i = skipBlanks(s, i + 1); // the ';' (paramsEnd checked the shape)
            int nameEnd = tokenEnd(s, i, end);
            String name = s.substring(i, nameEnd);
            if (h.hasParameter(name)) {
                return false;
            }
            i = nameEnd;
            if (i < end && s.charAt(i) == '=') {
                int valueEnd = tokenEnd(s, i + 1, end);
                h.setParameter(new NameValue(name, s.substring(i + 1, valueEnd)));
                i = valueEnd;
            } else {
                h.setParameter(flag == null ? new NameValue(name, null) : new NameValue(name, flag, true));
            }
        }
        return true;
    }

    /**
     * Where the header parameters that start at {@code from} end (the end of {@code s}, trailing blanks included), or
     * -1 when what follows is not {@code *( *blank ";" *blank token [ "=" token ] )} followed by blanks only.
     */
    private static int paramsEnd(String s, int from) {
        int i = from;
        while (true) {
            i = skipBlanks(s, i);
            if (i >= s.length()) {
                return s.length();
            }
            if (s.charAt(i) != ';') {
                return -1;
            }
            i = skipBlanks(s, i + 1);
            int nameEnd = tokenEnd(s, i, s.length());
            if (nameEnd == i) {
                return -1;
            }
            i = nameEnd;
            if (i < s.length() && s.charAt(i) == '=') {
                int valueEnd = tokenEnd(s, i + 1, s.length());
                if (valueEnd == i + 1) {
                    return -1;
                }
                i = valueEnd;
            }
        }
    }

    /** {@code sip:} or {@code sips:}, {@code [user@]host[:port]}, {@code *(;name[=value])} between from and to. */
    static SipUri uri(String s, int from, int to) {
        int i = from;
        String scheme;
        if (s.startsWith("sip:", i)) {
            scheme = "sip";
            i += 4;
        } else if (s.startsWith("sips:", i)) {
            scheme = "sips";
            i += 5;
        } else {
            return null;
        }
        int at = -1;
        for (int k = i; k < to; k++) {
            char c = s.charAt(k);
            if (c == '@') {
                at = k;
                break;
            }
            if (c == ';' || c == '?' || c == '>') {
                break;
            }
        }
        String user = null;
        if (at >= 0) {
            for (int k = i; k < at; k++) {
                if (!isUserChar(s.charAt(k))) {
                    return null;
                }
            }
            if (at == i) {
                return null;
            }
            user = s.substring(i, at);
            i = at + 1;
        }
        int hostEnd = hostEnd(s, i, to);
        if (hostEnd < 0) {
            return null;
        }
        HostPort hp = hostPort(s, i, hostEnd);
        if (hp == null) {
            return null;
        }
        SipUri uri = new SipUri();
        uri.setScheme(scheme);
        if (user != null) {
            uri.setUser(user);
        }
        uri.setHostPort(hp);
        i = hostEnd;
        while (i < to) {
            if (s.charAt(i) != ';') {
                return null;
            }
            int nameEnd = tokenEnd(s, i + 1, to);
            if (nameEnd == i + 1) {
                return null;
            }
            String name = s.substring(i + 1, nameEnd);
            if (uri.hasParameter(name)) {
                return null;
            }
            i = nameEnd;
            if (i < to && s.charAt(i) == '=') {
                int valueEnd = tokenEnd(s, i + 1, to);
                if (valueEnd == i + 1) {
                    return null;
                }
                uri.setUriParameter(new NameValue(name, s.substring(i + 1, valueEnd)));
                i = valueEnd;
            } else {
                uri.setUriParameter(new NameValue(name, "", true));
            }
        }
        return uri;
    }

    /** The end of {@code host[:port]} starting at {@code from}, or -1 when it is not a plain host name or IPv4 address. */
    private static int hostEnd(String s, int from, int to) {
        int i = from;
        while (i < to && (isAlnum(s.charAt(i)) || s.charAt(i) == '-' || s.charAt(i) == '.')) {
            i++;
        }
        if (i == from) {
            return -1;
        }
        if (i < to && s.charAt(i) == ':') {
            int p = ++i;
            while (i < to && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
                i++;
            }
            if (i == p || i - p > 5) {
                return -1;
            }
        }
        return i;
    }

    /** The host (and port) between from and to as JAIN-SIP holds it, or null for a form it treats otherwise. */
    private static HostPort hostPort(String s, int from, int to) {
        int colon = s.indexOf(':', from);
        int hostTo = colon >= 0 && colon < to ? colon : to;
        String name = s.substring(from, hostTo);
        if (!isAlnum(name.charAt(0)) || !isAlnum(name.charAt(name.length() - 1))) {
            return null;
        }
        HostPort hp = new HostPort();
        hp.setHost(new Host(name));
        if (hostTo < to) {
            int port = Integer.parseInt(s, hostTo + 1, to, 10);
            if (port > 65535) {
                return null;
            }
            hp.setPort(port);
        }
        return hp;
    }

    private static int tokenEnd(String s, int from, int to) {
        int i = from;
        while (i < to && isTokenChar(s.charAt(i))) {
            i++;
        }
        return i;
    }

    private static int skipBlanks(String s, int from) {
        int i = from;
        while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
            i++;
        }
        return i;
    }

    private static boolean isAlnum(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9';
    }

    /** RFC 3261 token characters but {@code %} and {@code `} (escapes and rarities are left to JAIN-SIP). */
    private static boolean isTokenChar(char c) {
        return isAlnum(c) || c == '-' || c == '.' || c == '!' || c == '*' || c == '_' || c == '+' || c == '\''
                || c == '~';
    }

    /** Unreserved characters of a URI's user part (no escapes, no telephone-subscriber separators). */
    private static boolean isUserChar(char c) {
        return isAlnum(c) || c == '-' || c == '_' || c == '.' || c == '!' || c == '~' || c == '*' || c == '\''
                || c == '+';
    }
}
