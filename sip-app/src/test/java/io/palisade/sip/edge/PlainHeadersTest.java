// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.sip.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.parser.StringMsgParser;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What {@link PlainHeaders} reads is what JAIN-SIP's parser makes of the same text, field for field, and what it does
 * not read it leaves to JAIN-SIP.
 */
class PlainHeadersTest {
    /** Forms phones send (SIPp's scenario, baresip, Linphone-like), which must take the plain path. */
    private static final String[] PLAIN = {
        "REGISTER sip:127.0.0.1:5080 SIP/2.0",
        "REGISTER sip:example.com SIP/2.0",
        "REGISTER sips:Example.COM;transport=tls SIP/2.0",
        "REGISTER sip:10.0.0.1:5060;lr SIP/2.0",
        "REGISTER sip:u@127.0.0.1 SIP/2.0",
        "Via: SIP/2.0/UDP 127.0.0.1:5061;branch=z9hG4bK-1234-1-0",
        "Via: SIP/2.0/UDP 127.0.0.1:5061;branch=z9hG4bK-1234-1-0;rport",
        "Via: SIP/2.0/UDP 127.0.0.1:5061;rport;branch=z9hG4bK-1234-1-0",
        "Via: SIP/2.0/TCP host.example.com;branch=z9hG4bKabc;received=1.2.3.4",
        "Via: SIP/2.0/TLS 10.1.2.3:5061 ;branch=z9hG4bKx ; rport",
        "Via: SIP/2.0/UDP 127.0.0.1;branch=z9hG4bK-1;received=127.0.0.2;rport=5000",
        "Via: SIP/2.0/udp 127.0.0.1;branch=z9hG4bK-1",
        "Via:SIP/2.0/UDP 127.0.0.1;branch=z9hG4bK-1",
        "Via:  SIP/2.0/UDP 127.0.0.1:5060  ",
        "From: <sip:user0001@127.0.0.1>;tag=12",
        "From: <sips:alice@Example.com>;tag=abc-DEF.1",
        "From: <sip:+15551234@127.0.0.1:5060;user=phone>;tag=9",
        "To: <sip:user0001@127.0.0.1>",
        "To: <sip:bob@example.com> ",
        "To:\t<sip:bob@host>\t;tag=x\t",
        "To: <sip:bob@1.2.3>",
        "To: <sip:bob@999.1.1.1>",
        "To: <sip:bob@host:0>",
        "To: <sip:bob@host>;Tag=X",
        "Contact: <sip:user0001@127.0.0.1:5061;transport=udp>",
        "Contact: <sip:user0001@127.0.0.1:5061;transport=UDP>;expires=60;q=0.5",
        "Contact: <sips:alice-abc@192.168.1.10:40000;transport=tls>;reg-id=1;expires=3600",
        "Contact: <sip:a@h;lr;ob>;flag",
        "Contact: <sip:bob@host>;Expires=30",
        "Contact: <sip:bob@host;Transport=UDP>",
        "Contact: <sip:bob@host>;expires=0",
        "Contact: <sip:bob@host>;q=1.0;expires=10;reg-id=2;ob",
        "Call-ID: 1-30@127.0.0.1",
        "Call-ID: abc",
        "Call-ID:  a.b-c_d!e~f*g+h'i  ",
        "CSeq: 2 REGISTER",
        "CSeq: 2147483647 REGISTER",
        "CSeq:  0 REGISTER ",
        "Max-Forwards: 70",
        "Max-Forwards: 0",
        "Max-Forwards: 255",
        "Expires: 3600",
        "Expires: 0",
        "Expires: 999999999",
        "Content-Length: 0",
        "Content-Length:  120 ",
        // odd but accepted by JAIN-SIP as well, into the same objects
        "To: <sip:bob@a..b>",
        "To: <sip:bob@1a.b>",
        "To: <sip:bob@123>",
        "To: <sip:bob@256.1.1.1>",
        "To: <sip:-bob@h>",
        "To: <sip:bob'x@h>",
        "To: <sip:bob@h:00080>",
        "To: <sip:bob@h;maddr=1.2.3.4;ttl=5;method=REGISTER;user=ip>",
        "To: <sip:bob@h;ttl=abc>",
        "Via: SIP/2.0/SCTP h;branch=z9hG4bK1",
        "Via: SIP/2.0/UDP h:0;branch=z9hG4bK1",
        "Via: SIP/2.0/UDP h;rport=abc;branch=x",
        "Contact: <sip:bob@h>;expires=abc",
        "Contact: <sip:bob@h>;q=2",
        "CSeq: 00002 REGISTER",
        "Expires: 0003600",
    };

    /** Forms left to JAIN-SIP: display names, quoting, escapes, repeats, IPv6, lists, odd shapes and errors. */
    private static final String[] LEFT = {
        "Contact: \"Alice\" <sip:alice@h>",
        "Contact: <sip:alice@h>;+sip.instance=\"<urn:uuid:1>\"",
        "Contact: *",
        "From: Alice <sip:alice@h>;tag=1",
        "To: sip:bob@example.com",
        "To: <sip:bob@host-1.example.>",
        "To: <sip:b%41b@host>",
        "To: <sip:bob:pw@host>",
        "To: <sip:bob@[::1]>",
        "To: <sip:bob@host:99999>",
        "To: <sip:bob@host>;tag=1;tag=2",
        "Contact: <sip:a@h;transport=udp;transport=tcp>",
        "To: <sip:bob@host?subject=x>",
        "To: <SIP:bob@host>",
        "Via: SIP/2.0/UDP 127.0.0.1:5061;branch=z9hG4bK-1, SIP/2.0/UDP 10.0.0.1",
        "Via: SIP/2.0/UDP [::1]:5060;branch=z9hG4bK1",
        "Via: SIP/2.0/UDP\t127.0.0.1;branch=z9hG4bK-1",
        "From: <sip:u@h>;tag=",
        "From: <sip:u@h>;tag=a;",
        "From: <sip:u@h>;=a",
        "From: <sip:u@h>; tag = a",
        "From: <sip:u@h>x",
        "From: <sip:u@h",
        "From: <sip:u@h>>",
        "From: <sip:@h>;tag=1",
        "From: <sip:u@>;tag=1",
        "From: <sip:u@h:>;tag=1",
        "From: <sip:u@h;=x>;tag=1",
        "From: <sip:u@h;a=>;tag=1",
        "From: <sip:u@-h>;tag=1",
        "REGISTER sip:127.0.0.1:5080 SIP/2.0 ",
        "REGISTER  sip:127.0.0.1 SIP/2.0",
        "REGISTER sip:127.0.0.1 SIP/3.0",
        "Call-ID: a@b@c",
        "Call-ID: @b",
        "Call-ID: a@",
        "Call-ID: ",
        "Call-ID: a b",
        "Call-ID: <a>",
        "CSeq: 2 register",
        "CSeq: 2 INVITE",
        "CSeq: 2147483648 REGISTER",
        "CSeq: -1 REGISTER",
        "CSeq: 2  REGISTER",
        "CSeq: REGISTER",
        "Max-Forwards: 256",
        "Max-Forwards: -1",
        "Max-Forwards: 7 0",
        "Expires: 1000000000",
        "Expires: soon",
        "Expires: ",
        "Content-Length: x",
        "Content-Length: 1234567890",
        "To: <sip:bob@.a>",
        "To: <sip:bob@h>;tag=1;TAG=2",
        "To: <sip:bob@h;lr;LR>",
        "Via: SIP/2.0/UDP h;rport=;branch=x",
        "To: <sip:bob@h;transport=>",
        "Call-ID: abc@def@",
    };

    @Test
    void thePlainFormsAreReadAsJainSipReadsThem() throws Exception {
        for (String line : PLAIN) {
            Object ours = plain(line);
            assertNotNull(ours, line);
            assertEquals(fields(jainSip(line)), fields(ours), line);
        }
    }

    @Test
    void everyOtherFormIsLeftToJainSip() throws Exception {
        for (String line : LEFT) {
            assertNull(plain(line), line);
        }
    }

    @Test
    void aRegisterAsPhonesSendItParsesToTheSameMessage() throws Exception {
        String text = "REGISTER sip:127.0.0.1:5080 SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:5061;branch=z9hG4bK-30-1-0\r\n"
                + "From: <sip:user0001@127.0.0.1>;tag=1\r\nTo: <sip:user0001@127.0.0.1>\r\nCall-ID: 1-30@127.0.0.1\r\n"
                + "CSeq: 2 REGISTER\r\nContact: <sip:user0001@127.0.0.1:5061;transport=UDP>\r\n"
                + "Contact: <sip:user0001@10.0.0.1:5061>;expires=60;q=0.5\r\nMax-Forwards: 70\r\nExpires: 3600\r\n"
                + "Content-Length: 0\r\n\r\n";
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        SIPMessage theirs = new StringMsgParser().parseSIPMessage(bytes, true, false, null);
        SIPMessage ours = new DirectHeaderParsers().parseSIPMessage(bytes, true, false, null);
        assertEquals(theirs.encode(), ours.encode());
        assertEquals(fields(((SIPRequest) theirs).getRequestLine()), fields(((SIPRequest) ours).getRequestLine()));
        for (String name : new String[] {"Via", "From", "To", "Contact"}) {
            assertEquals(fields(theirs.getHeader(name)), fields(ours.getHeader(name)), name);
        }
        assertEquals(fields(theirs.getContactHeaders()), fields(ours.getContactHeaders()));
    }

    private static Object plain(String line) {
        if (line.startsWith("REGISTER")) {
            return PlainHeaders.requestLine(line);
        }
        String name = line.substring(0, line.indexOf(':'));
        return DirectHeaderParsers.plain(name.toLowerCase(java.util.Locale.ROOT), line.substring(line.indexOf(':') + 1));
    }

    private static Object jainSip(String line) throws Exception {
        return line.startsWith("REGISTER") ? new StringMsgParser().parseSIPRequestLine(line + "\n")
                : StringMsgParser.parseSIPHeader(line + "\n");
    }

    /** Every field of a JAIN-SIP object, its parts' fields in turn, as text. */
    static String fields(Object o) throws IllegalAccessException {
        StringBuilder out = new StringBuilder();
        fields(o, "", out, new IdentityHashMap<>());
        return out.toString();
    }

    private static void fields(Object o, String indent, StringBuilder out, IdentityHashMap<Object, Boolean> seen)
            throws IllegalAccessException {
        if (o == null) {
            out.append("null\n");
            return;
        }
        Class<?> c = o.getClass();
        if (o instanceof Class<?> k) {
            out.append("class ").append(k.getName()).append('\n');
            return;
        }
        if (!c.getName().startsWith("gov.nist.")) {
            if (o instanceof Map<?, ?> m) {
                out.append(c.getName()).append(" {\n");
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    out.append(indent).append("  ").append(e.getKey()).append(" = ");
                    fields(e.getValue(), indent + "    ", out, seen);
                }
                out.append(indent).append("}\n");
            } else if (o instanceof Collection<?> list) {
                out.append(c.getName()).append(" [\n");
                for (Object e : list) {
                    out.append(indent).append("  - ");
                    fields(e, indent + "    ", out, seen);
                }
                out.append(indent).append("]\n");
            } else {
                out.append(c.getSimpleName()).append(' ').append(o).append('\n');
            }
            return;
        }
        if (seen.put(o, Boolean.TRUE) != null) {
            out.append("(again) ").append(c.getName()).append('\n');
            return;
        }
        out.append(c.getName()).append(" {\n");
        for (Class<?> k = c; k != null && k != Object.class; k = k.getSuperclass()) {
            for (Field f : k.getDeclaredFields()) {
                if (Modifier.isStatic(f.getModifiers())) {
                    continue;
                }
                f.setAccessible(true);
                out.append(indent).append("  ").append(f.getName()).append(" = ");
                fields(f.get(o), indent + "    ", out, seen);
            }
        }
        out.append(indent).append("}\n");
    }
}
