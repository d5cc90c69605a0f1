package io.palisade.server.container;

import java.lang.reflect.Field;
import org.mobicents.servlet.sip.core.SipApplicationDispatcherImpl;
import org.restcomm.commons.statistics.reporter.RestcommStatsReporter;

/**
 * Restcomm's dispatcher with its phone-home statistics reporter replaced before it can be started (the dispatcher
 * starts it unconditionally on start-up, whatever {@code gatherStatistics} says).
 */
public final class PalisadeDispatcher extends SipApplicationDispatcherImpl {
    public PalisadeDispatcher() {
        super();
        try {
            Field f = SipApplicationDispatcherImpl.class.getDeclaredField("statsReporter");
            f.setAccessible(true);
            RestcommStatsReporter original = (RestcommStatsReporter) f.get(this);
            f.set(this, new InertStatsReporter());
            if (original != null) {
                original.close();
            }
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot switch off the container's statistics reporter", e);
        }
        setGatherStatistics(false);
    }
}
