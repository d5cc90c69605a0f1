package io.palisade.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringWriter;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.log4j.Level;
import org.apache.log4j.Logger;
import org.apache.log4j.PatternLayout;
import org.apache.log4j.WriterAppender;
import org.junit.jupiter.api.Test;

/** A flood of container error lines is cut to the budget and counted; Palisade's own lines always pass. */
class ContainerLogBudgetTest {

    @Test
    void aContainerFloodIsCutToTheBudgetCountedAndOwnLinesPass() {
        AtomicLong clock = new AtomicLong(1_000_000_000L);
        StringWriter out = new StringWriter();
        WriterAppender appender = new WriterAppender(new PatternLayout("%c %m%n"), out);
        appender.addFilter(new ContainerLogBudget(20, 200, clock::get));
        Logger container = Logger.getLogger("org.mobicents.servlet.sip.core.dispatchers.MessageDispatcher");
        Logger jainSip = Logger.getLogger("gov.nist.javax.sip.stack.SIPTransactionStack");
        Logger own = Logger.getLogger("io.palisade.core.edge.EdgeGuard");
        Logger self = Logger.getLogger("io.palisade.server.Logging");
        for (Logger l : new Logger[] {container, jainSip, own, self}) {
            l.setAdditivity(false);
            l.addAppender(appender);
            l.setLevel(Level.INFO);
        }
        try {
            for (int i = 0; i < 5_000; i++) {
                (i % 2 == 0 ? container : jainSip).error("Problem while sending the error response " + i);
                if (i % 1000 == 0) {
                    own.warn("security event " + i);
                }
            }
            String flood = out.toString();
            assertEquals(200, count(flood, "Problem while sending"), "the burst passes, the rest is dropped");
            assertEquals(5, count(flood, "security event"), "Palisade's own lines are never held back");
            clock.addAndGet(1_000_000_000L); // one second later: 20 more lines, and the count of what was dropped
            container.error("after a second");
            String later = out.toString().substring(flood.length());
            assertTrue(later.contains("4800 log line(s) of the SIP container were dropped"), later);
            assertTrue(later.contains("after a second"), later);
        } finally {
            for (Logger l : new Logger[] {container, jainSip, own, self}) {
                l.removeAppender(appender);
                l.setAdditivity(true);
            }
        }
    }

    private static int count(String haystack, String needle) {
        return haystack.split(java.util.regex.Pattern.quote(needle), -1).length - 1;
    }
}
