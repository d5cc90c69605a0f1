// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.admin.calls;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.palisade.core.call.CallRecord;
import java.io.StringWriter;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** RFC 4180 quoting and spreadsheet formula neutralising (OWASP CSV injection) of the call history export. */
class CallCsvTest {

    @Test
    void cellsAreQuotedAsRfc4180Asks() {
        assertEquals("plain", CallCsv.cell("plain"));
        assertEquals("", CallCsv.cell(null));
        assertEquals("\"a,b\"", CallCsv.cell("a,b"));
        assertEquals("\"say \"\"hi\"\"\"", CallCsv.cell("say \"hi\""));
        assertEquals("\"two\nlines\"", CallCsv.cell("two\nlines"));
    }

    @Test
    void cellsThatASpreadsheetWouldRunAsAFormulaStartWithAnApostrophe() {
        assertEquals("'=1+2", CallCsv.cell("=1+2"));
        assertEquals("'+1", CallCsv.cell("+1"));
        assertEquals("'-1", CallCsv.cell("-1"));
        assertEquals("'@SUM(A1)", CallCsv.cell("@SUM(A1)"));
        assertEquals("'\tx", CallCsv.cell("\tx"));
        assertEquals("\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"", CallCsv.cell("=HYPERLINK(\"http://x\",\"y\")"));
        assertEquals("a=b", CallCsv.cell("a=b"), "only a leading sign matters");
    }

    @Test
    void aRecordIsOneCrlfTerminatedRowUnderTheHeader() {
        StringWriter w = new StringWriter();
        CallCsv csv = new CallCsv(w);
        csv.header();
        csv.record(new CallRecord("id-1", "alice", "bob", Instant.parse("2026-11-23T10:00:00Z"),
                Optional.of(Instant.parse("2026-11-23T10:00:05Z")), Optional.of(Instant.parse("2026-11-23T10:01:05Z")),
                "486 Busy, try later", "TLS", "TLS", "AES_CM_128_HMAC_SHA1_80", "AEAD_AES_256_GCM", 1, 2, 3, 4));
        String[] lines = w.toString().split("\r\n", -1);
        assertEquals(3, lines.length);
        assertEquals("", lines[2]);
        assertEquals(String.join(",", CallCsv.HEADER), lines[0]);
        assertEquals("id-1,alice,bob,2026-11-23T10:00:00Z,2026-11-23T10:00:05Z,2026-11-23T10:01:05Z,60,"
                + "\"486 Busy, try later\",TLS,AES_CM_128_HMAC_SHA1_80,TLS,AEAD_AES_256_GCM,1,2,3,4", lines[1]);
    }
}
