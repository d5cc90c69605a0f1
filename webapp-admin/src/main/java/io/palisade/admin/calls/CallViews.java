// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.admin.calls;

import io.palisade.core.call.CallQuery;
import io.palisade.core.call.CallRecord;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/** What the console shows of calls (API and pages alike), and reading the history filters. */
public final class CallViews {
    private CallViews() {
    }

    /** One leg: transport, SRTP suite ({@code RTP} for plain media, empty before the answer), relay packet counters. */
    public record Leg(String party, String transport, String srtp, long packetsIn, long packetsOut) {
    }

    /** A call in progress or a call record. {@code durationSeconds} counts from the answer (0 while ringing). */
    public record CallView(String id, String caller, String callee, String state, Instant startedAt, Instant answeredAt,
            Instant endedAt, long durationSeconds, String cause, Leg callerLeg, Leg calleeLeg) {

        public static CallView of(CallRecord r, Instant now) {
            Instant end = r.endedAt().orElse(now);
            long duration = r.answeredAt().map(a -> Math.max(0, Duration.between(a, end).toSeconds())).orElse(0L);
            String state = r.endedAt().isPresent() ? "ended" : r.answeredAt().isPresent() ? "answered" : "ringing";
            return new CallView(r.id(), r.caller(), r.callee(), state, r.startedAt(), r.answeredAt().orElse(null),
                    r.endedAt().orElse(null), duration, r.cause(),
                    new Leg(r.caller(), r.aTransport(), r.aSuite(), r.aPacketsIn(), r.aPacketsOut()),
                    new Leg(r.callee(), r.bTransport(), r.bSuite(), r.bPacketsIn(), r.bPacketsOut()));
        }

        /** For the pages: m:ss or h:mm:ss. */
        public String duration() {
            long s = durationSeconds;
            return s >= 3600 ? String.format("%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                    : String.format("%d:%02d", s / 60, s % 60);
        }
    }

    /** A filter value that could not be read; {@code field} names it. */
    public static final class BadFilter extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final String field;

        BadFilter(String field, String message) {
            super(message);
            this.field = field;
        }

        public String field() {
            return field;
        }
    }

    /**
     * The history filter from request parameters. {@code from} and {@code to} take an instant
     * ({@code 2026-11-23T10:00:00Z}) or a day ({@code 2026-11-23}, UTC; {@code to} then includes that whole day).
     */
    public static CallQuery query(String from, String to, String party, String cause) {
        Optional<Instant> f = time("from", from, false);
        Optional<Instant> t = time("to", to, true);
        if (f.isPresent() && t.isPresent() && !t.get().isAfter(f.get())) {
            throw new BadFilter("to", "must be after from");
        }
        if (party != null && party.length() > 64) {
            throw new BadFilter("party", "at most 64 characters");
        }
        if (cause != null && cause.length() > 64) {
            throw new BadFilter("cause", "at most 64 characters");
        }
        return new CallQuery(f, t, Optional.ofNullable(party), Optional.ofNullable(cause));
    }

    private static Optional<Instant> time(String field, String v, boolean endOfDay) {
        if (v == null || v.isBlank()) {
            return Optional.empty();
        }
        String s = v.strip();
        try {
            if (s.length() == 10) {
                LocalDate d = LocalDate.parse(s);
                return Optional.of((endOfDay ? d.plusDays(1) : d).atStartOfDay().toInstant(ZoneOffset.UTC));
            }
            return Optional.of(Instant.parse(s));
        } catch (DateTimeParseException e) {
            throw new BadFilter(field, "use a date like 2026-11-23 or an instant like 2026-11-23T10:00:00Z");
        }
    }
}
