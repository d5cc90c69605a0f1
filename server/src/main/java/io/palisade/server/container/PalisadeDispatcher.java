package io.palisade.server.container;

import java.lang.reflect.Field;
import org.mobicents.servlet.sip.core.SipApplicationDispatcherImpl;

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
            // The replaced reporter is never started, so it owns no thread. Do not close() it: Restcomm's stop()
            // makes one last report, which is exactly the outbound call this class exists to prevent.
            f.set(this, new InertStatsReporter());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot switch off the container's statistics reporter", e);
        }
        setGatherStatistics(false);
    }
}
