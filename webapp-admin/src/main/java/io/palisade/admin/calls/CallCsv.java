// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.admin.calls;

import io.palisade.core.call.CallRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Call records as CSV (RFC 4180: comma-separated, CRLF line ends, a field with a comma, quote or line break quoted
 * with quotes doubled). A text field that a spreadsheet would take for a formula (starting with {@code = + - @},
 * tab or carriage return) is prefixed with an apostrophe, so opening the export cannot run anything (OWASP "CSV
 * injection"); user names are chosen by subscribers' administrators, and causes can carry a SIP reason phrase.
 */
public final class CallCsv {
    static final List<String> HEADER = List.of("id", "caller", "callee", "started", "answered", "ended", "duration_s",
            "cause", "caller_transport", "caller_srtp", "callee_transport", "callee_srtp", "caller_packets_in",
            "caller_packets_out", "callee_packets_in", "callee_packets_out");

    private final Writer out;

    public CallCsv(Writer out) {
        this.out = out;
    }

    public void header() {
        row(HEADER);
    }

    public void record(CallRecord r) {
        row(List.of(r.id(), r.caller(), r.callee(), r.startedAt().toString(), time(r.answeredAt()), time(r.endedAt()),
                r.answeredAt().flatMap(a -> r.endedAt().map(e -> Long.toString(Duration.between(a, e).toSeconds())))
                        .orElse(""),
                r.cause(), r.aTransport(), r.aSuite(), r.bTransport(), r.bSuite(), Long.toString(r.aPacketsIn()),
                Long.toString(r.aPacketsOut()), Long.toString(r.bPacketsIn()), Long.toString(r.bPacketsOut())));
    }

    private void row(List<String> cells) {
        try {
            for (int i = 0; i < cells.size(); i++) {
                if (i > 0) {
                    out.write(',');
                }
                out.write(cell(cells.get(i)));
            }
            out.write("\r\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One field, neutralised and quoted as needed. */
    public static String cell(String value) {
        String v = value == null ? "" : value;
        if (!v.isEmpty() && "=+-@\t\r".indexOf(v.charAt(0)) >= 0) {
            v = "'" + v;
        }
        if (v.indexOf(',') >= 0 || v.indexOf('"') >= 0 || v.indexOf('\n') >= 0 || v.indexOf('\r') >= 0) {
            v = '"' + v.replace("\"", "\"\"") + '"';
        }
        return v;
    }

    private static String time(Optional<Instant> t) {
        return t.map(Instant::toString).orElse("");
    }
}
