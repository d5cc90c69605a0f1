// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.core.edge;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.format.DateTimeFormatter;

/**
 * The security log: one JSON object per line, fields in a fixed order so that line-oriented tools (fail2ban, see
 * {@code src/fail2ban/}) can match them: {@code {"time":"...","event":"auth_failure","source":"203.0.113.9",
 * "user":"alice","detail":"wrong password"}}. Values are JSON-escaped, so a hostile user name cannot forge a line.
 */
public final class JsonSecurityLog implements SecurityEventSink {
    private final BufferedWriter out;

    public JsonSecurityLog(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    @Override
    public void write(SecurityEvent e) throws IOException {
        out.write(line(e));
        out.write('\n');
        out.flush();
    }

    /** Times to the millisecond: fail2ban's date parser takes at most six fractional digits. */
    public static String line(SecurityEvent e) {
        StringBuilder sb = new StringBuilder(160).append("{\"time\":\"")
                .append(DateTimeFormatter.ISO_INSTANT.format(e.at().truncatedTo(java.time.temporal.ChronoUnit.MILLIS))).append("\",\"event\":\"")
                .append(e.kind().wireName()).append("\",\"source\":\"");
        escape(sb, e.source()).append("\",\"user\":\"");
        escape(sb, e.user()).append("\",\"detail\":\"");
        return escape(sb, e.detail()).append("\"}").toString();
    }

    static StringBuilder escape(StringBuilder sb, String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f || (c >= 0x2028 && c <= 0x2029)) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb;
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
