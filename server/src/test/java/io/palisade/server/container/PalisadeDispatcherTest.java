package io.palisade.server.container;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.lang.reflect.Field;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.mobicents.servlet.sip.core.SipApplicationDispatcherImpl;

/** Restcomm's daily phone-home reporter is replaced before the dispatcher can start it. */
class PalisadeDispatcherTest {
    @Test
    void statisticsReporterIsInertAndStartsNoThread() throws Exception {
        // the dispatcher reads its message-factory setting from the service that normally creates it
        org.mobicents.servlet.sip.startup.StaticServiceHolder.sipStandardService =
                new org.mobicents.servlet.sip.startup.SipStandardService();
        PalisadeDispatcher dispatcher = new PalisadeDispatcher();
        Field f = SipApplicationDispatcherImpl.class.getDeclaredField("statsReporter");
        f.setAccessible(true);
        Object reporter = f.get(dispatcher);
        InertStatsReporter inert = assertInstanceOf(InertStatsReporter.class, reporter);
        inert.start(1, TimeUnit.MILLISECONDS); // what the dispatcher's start action calls (with a day)
        inert.report();
        inert.stop();
        assertFalse(Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().contains("stats-reporter")),
                "no reporter thread exists");
        assertFalse(dispatcher.isGatherStatistics());
    }
}
