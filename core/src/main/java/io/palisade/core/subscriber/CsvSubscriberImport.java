// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.core.subscriber;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads subscribers from CSV (RFC 4180): columns {@code user,password[,display name]}; an
 * optional header line when the first field of the first line is {@code user}
 * (case-insensitive); quoted fields with doubled quotes, commas and line breaks; CRLF or LF;
 * blank lines skipped; a leading byte-order mark ignored. User and display name are trimmed,
 * the password is taken exactly. All problems are collected (up to {@value #MAX_PROBLEMS}),
 * each naming its line, so an administrator can fix the file in one pass.
 */
public final class CsvSubscriberImport {
    /** Largest accepted input, in characters. */
    public static final int MAX_CHARS = 16 * 1024 * 1024;
    /** Problems listed before the rest is summarised. */
    public static final int MAX_PROBLEMS = 100;

    private CsvSubscriberImport() {
    }

    /**
     * Parses the whole input. Passwords of the returned subscribers are fresh arrays; on
     * {@link CsvParse.Invalid} every password read is zeroed.
     *
     * @throws UncheckedIOException only when reading fails (not for bad content)
     */
    public static CsvParse parse(Reader in) {
        char[] data = null;
        int n = 0;
        try {
            data = new char[8192];
            int r;
            while ((r = in.read(data, n, data.length - n)) != -1) {
                n += r;
                if (n > MAX_CHARS) {
                    return new CsvParse.Invalid(List.of("input is larger than " + MAX_CHARS + " characters"));
                }
                if (n == data.length) {
                    char[] bigger = Arrays.copyOf(data, data.length * 2);
                    Arrays.fill(data, '\0');
                    data = bigger;
                }
            }
            return new Parser(data, n).run();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read subscriber CSV", e);
        } finally {
            if (data != null) {
                Arrays.fill(data, '\0');
            }
        }
    }

    private static final class Parser {
        private final char[] d;
        private final int n;
        private int i;
        private int line = 1;
        private final List<String> problems = new ArrayList<>();
        private int moreProblems;

        Parser(char[] d, int n) {
            this.d = d;
            this.n = n;
            if (n > 0 && d[0] == '\uFEFF') {
                i = 1;
            }
        }

        /** One field: its characters and whether it was quoted. */
        private record Field(char[] chars, boolean quoted) {
            String text() {
                return new String(chars).strip();
            }
        }

        CsvParse run() {
            List<NewSubscriber> out = new ArrayList<>();
            Map<String, Integer> seen = new HashMap<>();
            boolean first = true;
            while (i < n) {
                int recordLine = line;
                List<Field> fields = record(recordLine);
                if (fields == null) {
                    continue; // syntax problem already recorded
                }
                if (fields.size() == 1 && !fields.get(0).quoted() && fields.get(0).text().isEmpty()) {
                    continue; // blank line
                }
                boolean header = first && fields.get(0).text().equalsIgnoreCase("user");
                first = false;
                if (header) {
                    fields.forEach(f -> Arrays.fill(f.chars(), '\0'));
                    continue;
                }
                subscriber(recordLine, fields, seen).ifPresent(out::add);
                for (int k = 0; k < fields.size(); k++) {
                    if (k != 1) {
                        Arrays.fill(fields.get(k).chars(), '\0');
                    }
                }
            }
            if (!problems.isEmpty()) {
                out.forEach(s -> Arrays.fill(s.password(), '\0'));
                if (moreProblems > 0) {
                    problems.add("... and " + moreProblems + " more problems");
                }
                return new CsvParse.Invalid(problems);
            }
            return new CsvParse.Ok(out);
        }

        private Optional<NewSubscriber> subscriber(int at, List<Field> f, Map<String, Integer> seen) {
            char[] password = f.size() > 1 ? f.get(1).chars() : new char[0];
            if (f.size() < 2 || f.size() > 3) {
                problem(at, "expected user,password[,display name] but found " + f.size()
                        + (f.size() == 1 ? " field" : " fields"));
                Arrays.fill(password, '\0');
                return Optional.empty();
            }
            String user = f.get(0).text();
            boolean ok = true;
            Optional<String> bad = UsernamePolicy.problem(user);
            if (bad.isPresent()) {
                problem(at, bad.get());
                ok = false;
            } else {
                Integer before = seen.putIfAbsent(user, at);
                if (before != null) {
                    problem(at, "user '" + user + "' duplicates line " + before);
                    ok = false;
                }
            }
            if (password.length == 0) {
                problem(at, "password is empty");
                ok = false;
            }
            String display = f.size() == 3 ? f.get(2).text() : "";
            if (display.length() > JdbcSubscriberDirectory.MAX_DISPLAY_NAME) {
                problem(at, "display name is longer than " + JdbcSubscriberDirectory.MAX_DISPLAY_NAME + " characters");
                ok = false;
            } else if (display.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
                problem(at, "display name contains control characters");
                ok = false;
            }
            if (!ok) {
                Arrays.fill(password, '\0');
                return Optional.empty();
            }
            return Optional.of(new NewSubscriber(user, password, display.isEmpty() ? null : display));
        }

        /** Reads one record; null after a syntax problem (the rest of the line is skipped). */
        private List<Field> record(int at) {
            List<Field> fields = new ArrayList<>(3);
            while (true) {
                StringBuilder b = new StringBuilder();
                boolean quoted = i < n && d[i] == '"';
                if (quoted) {
                    i++;
                    while (true) {
                        if (i >= n) {
                            problem(at, "quoted field is not closed");
                            wipe(b, fields);
                            return null;
                        }
                        char c = d[i++];
                        if (c == '"') {
                            if (i < n && d[i] == '"') {
                                b.append('"');
                                i++;
                                continue;
                            }
                            break;
                        }
                        if (c == '\n') {
                            line++;
                        }
                        b.append(c);
                    }
                    if (i < n && d[i] != ',' && d[i] != '\r' && d[i] != '\n') {
                        problem(at, "unexpected text after a closing quote");
                        wipe(b, fields);
                        skipLine();
                        return null;
                    }
                } else {
                    while (i < n && d[i] != ',' && d[i] != '\r' && d[i] != '\n') {
                        if (d[i] == '"') {
                            problem(at, "quote inside an unquoted field (quote the whole field and double the quote)");
                            wipe(b, fields);
                            skipLine();
                            return null;
                        }
                        b.append(d[i++]);
                    }
                }
                fields.add(new Field(take(b), quoted));
                if (i < n && d[i] == ',') {
                    i++;
                    continue;
                }
                endOfLine();
                return fields;
            }
        }

        private static char[] take(StringBuilder b) {
            char[] c = new char[b.length()];
            b.getChars(0, b.length(), c, 0);
            wipe(b);
            return c;
        }

        private static void wipe(StringBuilder b) {
            for (int k = 0; k < b.length(); k++) {
                b.setCharAt(k, '\0');
            }
            b.setLength(0);
        }

        private static void wipe(StringBuilder b, List<Field> fields) {
            wipe(b);
            fields.forEach(f -> Arrays.fill(f.chars(), '\0'));
        }

        private void endOfLine() {
            if (i < n && d[i] == '\r') {
                i++;
            }
            if (i < n && d[i] == '\n') {
                i++;
            }
            line++;
        }

        private void skipLine() {
            while (i < n && d[i] != '\n') {
                i++;
            }
            if (i < n) {
                i++;
            }
            line++;
        }

        private void problem(int at, String what) {
            if (problems.size() < MAX_PROBLEMS) {
                problems.add("line " + at + ": " + what);
            } else {
                moreProblems++;
            }
        }
    }
}
