package io.palisade.server;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.regex.Pattern;
import org.apache.log4j.PatternLayout;
import org.apache.log4j.spi.LoggingEvent;
import org.apache.log4j.spi.ThrowableInformation;

/**
 * A log4j layout that removes secrets before anything is written: the container logs whole SIP messages when a
 * request fails, and a SIP message may carry credentials and media keys. Removed: the values of
 * (Proxy-)Authorization headers, digest response parameters, and SDES keys in {@code a=crypto} lines (RFC 4568).
 * The stack trace is formatted here too, so that exception messages are scrubbed the same way.
 */
final class RedactingLayout extends PatternLayout {
    private static final Pattern AUTH_HEADER = Pattern.compile("(?im)^((?:proxy-)?authorization\\s*:).*$");
    private static final Pattern DIGEST_RESPONSE = Pattern.compile("(?i)(response\\s*=\\s*)(\"[^\"]*\"|[0-9a-f]+)");
    private static final Pattern CRYPTO_KEY = Pattern.compile("(?i)(inline:)[A-Za-z0-9+/=|:^]+");
    private static final Pattern CRYPTO_LINE = Pattern.compile("(?im)^(a=crypto:\\d+\\s+\\S+\\s+).*$");

    RedactingLayout(String pattern) {
        super(pattern);
    }

    static String redact(String s) {
        if (s == null || s.isEmpty()) {
            return s;
        }
        String out = AUTH_HEADER.matcher(s).replaceAll("$1 [redacted]");
        out = DIGEST_RESPONSE.matcher(out).replaceAll("$1[redacted]");
        out = CRYPTO_LINE.matcher(out).replaceAll("$1[redacted]");
        return CRYPTO_KEY.matcher(out).replaceAll("$1[redacted]");
    }

    @Override
    public String format(LoggingEvent event) {
        StringBuilder sb = new StringBuilder(redact(super.format(event)));
        ThrowableInformation t = event.getThrowableInformation();
        if (t != null && t.getThrowable() != null) {
            StringWriter w = new StringWriter();
            t.getThrowable().printStackTrace(new PrintWriter(w));
            sb.append(redact(w.toString()));
        }
        return sb.toString();
    }

    @Override
    public boolean ignoresThrowable() {
        return false; // this layout prints the (redacted) throwable itself
    }
}
