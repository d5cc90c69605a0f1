// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.log4j.Level;
import org.apache.log4j.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The logging set-up: what each configured level lets through, with log4j's repository threshold refusing everything
 * below the lowest configured level up front.
 */
class LoggingTest {

    @AfterEach
    void restore() {
        Logging.configure("INFO");
    }

    @Test
    void atTheDefaultLevelPalisadeLogsInfoAndTheContainerOnlyWarnings() {
        Logging.configure("INFO");
        assertTrue(Logger.getLogger("io.palisade.sip.RegistrarSipServlet").isInfoEnabled());
        assertFalse(Logger.getLogger("io.palisade.sip.RegistrarSipServlet").isDebugEnabled());
        assertFalse(Logger.getLogger("org.mobicents.servlet.sip.core.SipApplicationDispatcherImpl").isInfoEnabled());
        assertTrue(Logger.getLogger("org.mobicents.servlet.sip.core.SipApplicationDispatcherImpl")
                .isEnabledFor(Level.WARN));
        assertFalse(Logger.getLogger("gov.nist.javax.sip.stack.SIPTransactionStack").isDebugEnabled());
    }

    @Test
    void atErrorTheContainerStillReportsWarnings() {
        Logging.configure("ERROR");
        assertFalse(Logger.getLogger("io.palisade.core.location.RegistrarService").isEnabledFor(Level.WARN));
        assertTrue(Logger.getLogger("gov.nist.javax.sip.stack.SIPTransactionStack").isEnabledFor(Level.WARN));
    }

    @Test
    void atDebugEverythingDownToDebugIsLogged() {
        Logging.configure("DEBUG");
        assertTrue(Logger.getLogger("io.palisade.sip.RegistrarSipServlet").isDebugEnabled());
        assertTrue(Logger.getLogger("org.mobicents.servlet.sip.core.SipApplicationDispatcherImpl").isDebugEnabled());
        assertFalse(Logger.getLogger("io.palisade.sip.RegistrarSipServlet").isTraceEnabled());
    }

    @Test
    void theThresholdIsTheLowestConfiguredLevel() {
        assertEquals(Level.WARN, Logging.threshold(Level.ERROR));
        assertEquals(Level.WARN, Logging.threshold(Level.WARN));
        assertEquals(Level.INFO, Logging.threshold(Level.INFO));
        assertEquals(Level.TRACE, Logging.threshold(Level.TRACE));
    }
}
