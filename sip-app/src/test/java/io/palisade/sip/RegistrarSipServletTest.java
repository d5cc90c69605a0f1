// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Locale;
import org.junit.jupiter.api.Test;

/** The q-values the 200 to a REGISTER lists with each binding (RFC 3261 section 20.10, three decimals at most). */
class RegistrarSipServletTest {

    @Test
    void qValuesAreWrittenShortestWithAtMostThreeDecimals() {
        assertEquals("1.0", RegistrarSipServlet.formatQ(1.0f));
        assertEquals("0.0", RegistrarSipServlet.formatQ(0.0f));
        assertEquals("0.5", RegistrarSipServlet.formatQ(0.5f));
        assertEquals("0.25", RegistrarSipServlet.formatQ(0.25f));
        assertEquals("0.125", RegistrarSipServlet.formatQ(0.125f));
        assertEquals("0.1", RegistrarSipServlet.formatQ(0.1f));
        assertEquals("0.07", RegistrarSipServlet.formatQ(0.07f));
        assertEquals("0.001", RegistrarSipServlet.formatQ(0.001f));
    }

    @Test
    void everyQValueMatchesTheRoundedDecimalForm() {
        for (int m = 0; m <= 1000; m++) {
            float q = m / 1000f;
            String expected = String.format(Locale.ROOT, "%.3f", q).replaceAll("0+$", "");
            expected = expected.endsWith(".") ? expected + "0" : expected;
            assertEquals(expected, RegistrarSipServlet.formatQ(q), "q=" + q);
        }
    }
}
