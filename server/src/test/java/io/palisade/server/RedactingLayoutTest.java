package io.palisade.server;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.log4j.Level;
import org.apache.log4j.Logger;
import org.apache.log4j.spi.LoggingEvent;
import org.junit.jupiter.api.Test;

/** The container logs whole SIP messages on errors; secrets in them must not reach the log. */
class RedactingLayoutTest {
    private static final String MESSAGE = "Unexpected exception while processing request REGISTER sips:example.com SIP/2.0\n"
            + "Authorization: Digest username=\"alice\", realm=\"example.com\", nonce=\"abc\", response=\"6629fae49393a05397450978507c4ef1\"\n"
            + "Proxy-Authorization: Digest username=\"alice\", response=\"0123456789abcdef\"\n"
            + "Content-Type: application/sdp\n\n"
            + "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz|2^20|1:4\n";

    @Test
    void credentialsAndSdesKeysAreRemoved() {
        RedactingLayout layout = new RedactingLayout("%m%n");
        Logger logger = Logger.getLogger("test");
        String out = layout.format(new LoggingEvent(Logger.class.getName(), logger, Level.ERROR, MESSAGE,
                new IllegalStateException("bad header Authorization: Digest response=\"deadbeef\"")));
        for (String secret : new String[] {"6629fae49393a05397450978507c4ef1", "0123456789abcdef", "WVNfX19zZW1jdGwg", "deadbeef",
            "nonce=\"abc\""}) {
            assertFalse(out.contains(secret), secret + " leaked:\n" + out);
        }
        assertTrue(out.contains("REGISTER sips:example.com"), "the rest of the message stays useful");
        assertTrue(out.contains("IllegalStateException"), "the stack trace is kept");
    }
}
