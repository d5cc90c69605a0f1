// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * The q-values the 200 to a REGISTER lists with each binding (RFC 3261 section 20.10, three decimals at most), and the
 * CSeq number the registrar orders refreshes by (section 10.3 step 7).
 */
class RegisterFlowTest {

    @Test
    void qValuesAreWrittenShortestWithAtMostThreeDecimals() {
        assertEquals("1.0", RegisterFlow.formatQ(1.0f));
        assertEquals("0.0", RegisterFlow.formatQ(0.0f));
        assertEquals("0.5", RegisterFlow.formatQ(0.5f));
        assertEquals("0.25", RegisterFlow.formatQ(0.25f));
        assertEquals("0.125", RegisterFlow.formatQ(0.125f));
        assertEquals("0.1", RegisterFlow.formatQ(0.1f));
        assertEquals("0.07", RegisterFlow.formatQ(0.07f));
        assertEquals("0.001", RegisterFlow.formatQ(0.001f));
    }

    @Test
    void everyQValueMatchesTheRoundedDecimalForm() {
        for (int m = 0; m <= 1000; m++) {
            float q = m / 1000f;
            String expected = String.format(Locale.ROOT, "%.3f", q).replaceAll("0+$", "");
            expected = expected.endsWith(".") ? expected + "0" : expected;
            assertEquals(expected, RegisterFlow.formatQ(q), "q=" + q);
        }
    }

    @Test
    void theCSeqNumberIsReadFromTheHeaderValue() {
        assertEquals(1, RegisterFlow.cseqNumber("1 REGISTER"));
        assertEquals(42, RegisterFlow.cseqNumber("  42\tREGISTER"));
        assertEquals(7, RegisterFlow.cseqNumber("7"));
        assertEquals(2147483647L, RegisterFlow.cseqNumber("2147483647 REGISTER")); // 2^31 - 1, the largest
    }

    @Test
    void aCSeqWithoutAUsableNumberIsRefused() {
        for (String bad : new String[] {null, "", "   ", "REGISTER", "12a REGISTER", "-1 REGISTER", "+1 REGISTER",
                "2147483648 REGISTER", "99999999999999999999999 REGISTER", "1.5 REGISTER"}) {
            assertEquals(-1, RegisterFlow.cseqNumber(bad), String.valueOf(bad));
        }
    }
}
