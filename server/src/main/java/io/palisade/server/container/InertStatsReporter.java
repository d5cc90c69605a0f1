package io.palisade.server.container;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Gauge;
import com.codahale.metrics.Histogram;
import com.codahale.metrics.Meter;
import com.codahale.metrics.Timer;
import java.util.SortedMap;
import java.util.concurrent.TimeUnit;
import org.restcomm.commons.statistics.reporter.RestcommStatsReporter;

/**
 * Stands in for Restcomm's statistics reporter, which once a day posts usage figures to an outside host over a
 * trust-all TLS client. Palisade never opens a connection it was not configured to open: this one never starts
 * and never reports.
 */
final class InertStatsReporter extends RestcommStatsReporter {
    @Override
    public void start(long period, TimeUnit unit) {
        // deliberately nothing: no schedule, no thread, no connection
    }

    /** Restcomm's stop() sends a final report; this one has nothing to stop, since it never started. */
    @Override
    public void stop() {
        // deliberately nothing
    }

    @Override
    @SuppressWarnings("rawtypes")
    public void report(SortedMap<String, Gauge> gauges, SortedMap<String, Counter> counters,
                       SortedMap<String, Histogram> histograms, SortedMap<String, Meter> meters,
                       SortedMap<String, Timer> timers) {
        // deliberately nothing
    }
}
