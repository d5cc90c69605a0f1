package io.palisade.server;

import java.util.function.LongSupplier;
import org.apache.log4j.Logger;
import org.apache.log4j.spi.Filter;
import org.apache.log4j.spi.LoggingEvent;

/**
 * A budget for what the SIP container writes to the log. Restcomm and JAIN-SIP log a whole SIP message with a stack
 * trace at ERROR for each request they cannot complete (a response to a client that has just closed its connection,
 * a stray in-dialog request), several times over; a remote party can provoke that at will, so its volume is
 * attacker-driven. Lines from the container's loggers get a token bucket (a burst, then a steady rate); lines over it
 * are dropped and counted, and one line says how many when the budget allows lines again. Palisade's own lines,
 * security events among them, are never held back.
 */
final class ContainerLogBudget extends Filter {
    private static final String[] CONTAINER = {"org.mobicents.", "gov.nist.", "javax.sip.", "org.restcomm."};
    private static final Logger SELF = Logger.getLogger("io.palisade.server.Logging");

    private final double perSecond;
    private final double burst;
    private final LongSupplier nanos;
    private double tokens;
    private long last;
    private long dropped;

    ContainerLogBudget(double perSecond, int burst, LongSupplier nanos) {
        this.perSecond = perSecond;
        this.burst = burst;
        this.nanos = nanos;
        this.tokens = burst;
        this.last = nanos.getAsLong();
    }

    static boolean fromContainer(String loggerName) {
        for (String p : CONTAINER) {
            if (loggerName.startsWith(p)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public int decide(LoggingEvent event) {
        if (!fromContainer(event.getLoggerName())) {
            return NEUTRAL;
        }
        long report;
        synchronized (this) {
            long now = nanos.getAsLong();
            tokens = Math.min(burst, tokens + (now - last) / 1e9 * perSecond);
            last = now;
            if (tokens < 1) {
                dropped++;
                return DENY;
            }
            tokens -= 1;
            report = dropped;
            dropped = 0;
        }
        if (report > 0) {
            SELF.warn(report + " log line(s) of the SIP container were dropped (over " + (long) perSecond
                    + " a second after a burst of " + (long) burst + ")");
        }
        return NEUTRAL;
    }
}
