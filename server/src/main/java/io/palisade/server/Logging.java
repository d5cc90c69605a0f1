package io.palisade.server;

import java.util.logging.Level;
import org.apache.log4j.ConsoleAppender;
import org.apache.log4j.Logger;

/**
 * One logging set-up for the process. Restcomm and JAIN-SIP log through log4j 1 (reload4j here), Tomcat through
 * java.util.logging, Palisade through SLF4J bound to reload4j. Container packages stay at WARN so that whole SIP
 * messages (credentials, SDP keys) never reach a log at the default level.
 */
final class Logging {
    /** Held here: java.util.logging keeps loggers weakly, and a collected logger forgets its level. */
    private static final java.util.logging.Logger DIGESTER =
            java.util.logging.Logger.getLogger("org.apache.catalina.startup.DigesterFactory");
    /** Jersey warns that the console's resource instances are "not providers" (true, and meant): noise. */
    private static final java.util.logging.Logger JERSEY_PROVIDERS =
            java.util.logging.Logger.getLogger("org.glassfish.jersey.internal.inject.Providers");

    private Logging() {
    }

    /** The lowest level any logger is given by {@link #configure}: Palisade's own, or WARN if that is higher. */
    static org.apache.log4j.Level threshold(org.apache.log4j.Level palisade) {
        return palisade.isGreaterOrEqual(org.apache.log4j.Level.WARN) ? org.apache.log4j.Level.WARN : palisade;
    }

    static void configure(String level) {
        Logger root = Logger.getRootLogger();
        root.removeAllAppenders();
        ConsoleAppender console = new ConsoleAppender(new RedactingLayout("%d{ISO8601} %-5p [%t] %c{1} - %m%n"),
                ConsoleAppender.SYSTEM_ERR);
        // the container's error lines (whole SIP messages with stack traces) are provoked by remote parties
        console.addFilter(new ContainerLogBudget(20, 200, System::nanoTime));
        root.addAppender(console);
        org.apache.log4j.Level palisade = org.apache.log4j.Level.toLevel(level, org.apache.log4j.Level.INFO);
        root.setLevel(org.apache.log4j.Level.WARN);
        Logger.getLogger("io.palisade").setLevel(palisade);
        boolean deep = palisade.isGreaterOrEqual(org.apache.log4j.Level.INFO) ? false : true;
        org.apache.log4j.Level container = deep ? palisade : org.apache.log4j.Level.WARN;
        for (String pkg : new String[] {"org.mobicents", "gov.nist", "org.apache", "org.restcomm", "javax.sip",
            "com.zaxxer"}) {
            Logger.getLogger(pkg).setLevel(container);
        }
        Logger.getLogger("org.flywaydb").setLevel(deep ? palisade : org.apache.log4j.Level.ERROR);
        // Nothing below the lowest level set above can reach an appender, so let log4j refuse it at once: Restcomm
        // and JAIN-SIP ask isDebugEnabled() dozens of times per message, and each question otherwise walks the
        // logger hierarchy (about 3 % of a registration's CPU). With the threshold the answer is one comparison.
        Logger.getRootLogger().getLoggerRepository().setThreshold(threshold(palisade));
        DIGESTER.setLevel(deep ? Level.FINE : Level.SEVERE); // it warns about JSP schemas a SIP app never uses
        JERSEY_PROVIDERS.setLevel(deep ? Level.FINE : Level.SEVERE);
        for (String pkg : new String[] {"org.eclipse.jetty", "org.jboss.weld"}) {
            Logger.getLogger(pkg).setLevel(container);
        }
        java.util.logging.Logger jul = java.util.logging.Logger.getLogger("");
        jul.setLevel(deep ? Level.FINE : Level.WARNING);
        for (java.util.logging.Handler h : jul.getHandlers()) {
            h.setLevel(deep ? Level.FINE : Level.WARNING);
        }
    }
}
