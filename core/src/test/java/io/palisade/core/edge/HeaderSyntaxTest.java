package io.palisade.core.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

class HeaderSyntaxTest {
    private static final String HEAD = "OPTIONS sip:user@example.com SIP/2.0\r\n"
            + "Via: SIP/2.0/UDP host5.example.net;branch=z9hG4bK293423\r\n"
            + "Call-ID: hs.1\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\n";

    private static Optional<String> fault(String message) {
        return HeaderSyntax.fault(message.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** RFC 4475 section 3.3.9 (mcl01): two Content-Length values. */
    @Test
    void twoContentLengthsAreAFault() {
        String mcl01 = HEAD + "To: sip:user@example.com\r\nFrom: sip:other@example.net;tag=3923942\r\n"
                + "Content-Length: 13\r\nContent-Length: 5\r\nContent-Type: text/plain\r\n\r\n"
                + "There's no way to know how many octets are supposed to be here.\r\n";
        assertEquals(Optional.of("Content-Length appears more than once"), fault(mcl01));
    }

    @Test
    void compactAndLongFormsOfOneHeaderCountTogether() {
        assertEquals(Optional.of("Content-Length appears more than once"),
                fault(HEAD + "To: <sip:a@b>\r\nFrom: <sip:c@d>;tag=1\r\nl: 0\r\ncontent-length: 0\r\n\r\n"));
        assertEquals(Optional.of("From appears more than once"),
                fault(HEAD + "To: <sip:a@b>\r\nf: <sip:c@d>;tag=1\r\nFrom: <sip:e@f>;tag=2\r\n\r\n"));
    }

    /** RFC 4475 section 3.1.2.14 (badaspec): LWS inside the angle brackets of a name-addr. */
    @Test
    void whitespaceInsideAngleBracketsIsAFault() {
        String badaspec = HEAD + "From: \"Bell, Alexander\" <sip:a.g.bell@example.com>;tag=433423\r\n"
                + "To: \"Watson, Thomas\" < sip:t.watson@example.org >\r\nl: 0\r\n\r\n";
        assertEquals(Optional.of("whitespace inside <> in To"), fault(badaspec));
        assertEquals(Optional.of("whitespace inside <> in Contact"),
                fault(HEAD + "To: <sip:a@b>\r\nFrom: <sip:c@d>;tag=1\r\nm: <sip:c@10.0.0.1\r\n >\r\n\r\n"));
    }

    /** RFC 4475 section 3.1.1.1 (wsinv): folding, escaped quotes and brackets inside quoted strings are all valid. */
    @Test
    void validOddities() {
        String wsinv = "INVITE sip:vivekg@chair-dnrc.example.com;unknownparam SIP/2.0\r\n"
                + "TO :\r\n sip:vivekg@chair-dnrc.example.com ;   tag    = 1918181833n\r\n"
                + "from   : \"J Rosenberg \\\\\\\"\"       <sip:jdrosen@example.com>\r\n  ;\r\n  tag = 98asjd8\r\n"
                + "MaX-fOrWaRdS: 0068\r\nCall-ID: wsinv.ndaksdj@192.0.2.1\r\nContent-Length   : 150\r\n"
                + "cseq: 0009\r\n  INVITE\r\nVia  : SIP  /   2.0\r\n /UDP\r\n    192.0.2.2;branch=390skdjuw\r\n"
                + "s :\r\nNewFangledHeader:   newfangled value\r\n continued newfangled value\r\n"
                + "UnknownHeaderWithUnusualValue: ;;,,;;,;\r\nContent-Type: application/sdp\r\n"
                + "Route:\r\n <sip:services.example.com;lr;unknownwith=value;unknown-no-value>\r\n"
                + "v:  SIP  / 2.0  / TCP     spindle.example.com   ;\r\n  branch  =   z9hG4bK9ikj8  ,\r\n"
                + " SIP  /    2.0   / UDP  192.168.255.111   ; branch=\r\n z9hG4bK30239\r\n"
                + "m:\"Quoted string \\\"\\\"\" <sip:jdrosen@example.com> ; newparam =\r\n      newvalue ;\r\n"
                + "  secondparam ; q = 0.33\r\n\r\nv=0\r\n";
        assertEquals(Optional.empty(), fault(wsinv));
        assertEquals(Optional.empty(),
                fault(HEAD + "To: \"a < b > c\" <sip:a@b>\r\nFrom: <sip:c@d>;tag=1\r\nContact: *\r\n\r\n"));
    }

    @Test
    void theBodyAndResponsesAreNotExamined() {
        assertEquals(Optional.empty(), fault(HEAD + "To: <sip:a@b>\r\nFrom: <sip:c@d>;tag=1\r\n"
                + "Content-Type: message/sipfrag\r\nContent-Length: 36\r\n\r\nContent-Length: 1\r\nTo: < sip:x@y >\r\n"));
        assertEquals(Optional.empty(), fault("SIP/2.0 200 OK\r\nContent-Length: 0\r\nl: 0\r\n\r\n"));
        // bare LF line ends, and an LF followed by CRLF, end the headers too
        assertEquals(Optional.empty(), fault("REGISTER sip:a SIP/2.0\nTo: <sip:a@b>\nl: 5\n\nl: 1\nTo: < sip:x@y >\n"));
        assertEquals(Optional.empty(), fault("REGISTER sip:a SIP/2.0\nl: 5\n\r\nl: 1\n"));
        assertEquals(Optional.of("Content-Length appears more than once"),
                fault("REGISTER sip:a SIP/2.0\nl: 5\r\r\nl: 1\n\n"));
    }

    @Test
    void neverThrowsOnArbitraryBytes() {
        Random random = new Random(4475);
        byte[] seed = (HEAD + "To: <sip:a@b>\r\nFrom: \"x\\\" <sip:c@d>;tag=1\r\n l: 0\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1);
        for (int round = 0; round < 20_000; round++) {
            byte[] m = seed.clone();
            int cut = random.nextInt(m.length + 1);
            byte[] cutM = java.util.Arrays.copyOf(m, cut);
            for (int k = 0; k < 3 && cutM.length > 0; k++) {
                String noise = "\r\n \t\"\\<>:";
                cutM[random.nextInt(cutM.length)] = (byte) noise.charAt(random.nextInt(noise.length()));
            }
            Optional<String> f = HeaderSyntax.fault(cutM);
            assertTrue(f.isEmpty() || !f.get().isBlank());
        }
    }
}
