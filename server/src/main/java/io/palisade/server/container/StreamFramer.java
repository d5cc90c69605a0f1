// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.server.container;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Splits the bytes of one TCP or TLS connection into SIP messages (RFC 3261 section 18.3): the header section runs to
 * the first empty line, and the Content-Length header field, in its long or compact form ({@code l}, section 7.3.3),
 * names case-insensitively and in any folding (section 7.3.1), gives the length of the body that follows. CRLFs
 * between messages are keep-alives (RFC 5626 section 3.5.1): a double CRLF is a ping to answer with a single CRLF,
 * a single CRLF a pong (section 4.4.1). Bytes may arrive in any cut: a message split over several reads, several
 * messages in one.
 *
 * <p>Refused, as a {@link Status}: a message longer than the limit (from its first byte to the end of its body), one
 * without a Content-Length (required on streams, RFC 3261 section 18.3), with a value that is not a number or with
 * two values that differ (RFC 4475 section 3.3.9: the body length is then unknowable), and one without a Call-ID (the
 * key that keeps a call's messages in order, {@link CallOrderedExecutor}). The connection is then to be dropped: the
 * rest of the stream cannot be split into messages. Once refused, a framer takes no more bytes. A Content-Length
 * repeated with the same value frames the message, which then meets the edge's 400 for a field given twice
 * ({@code HeaderSyntax}).
 *
 * <p>Messages are handed on as the stack's parser wants them: the header section (through its empty line) as text,
 * the body as bytes. Not thread-safe: one connection's bytes arrive on one thread at a time.
 */
public final class StreamFramer {

    /** The outcome of {@link #feed}. */
    public enum Status {
        /** Every complete message and keep-alive so far was handed on; the rest waits for more bytes. */
        OK,
        /** A message (header section and body) longer than the limit. */
        TOO_LARGE,
        /** A message without a Content-Length. */
        NO_CONTENT_LENGTH,
        /** A Content-Length that is not a decimal number. */
        BAD_CONTENT_LENGTH,
        /** Two Content-Length values that differ: the body length cannot be known. */
        CONFLICTING_CONTENT_LENGTH,
        /** A message without a Call-ID. */
        NO_CALL_ID
    }

    /** Where framed messages and keep-alives go, in the order they were read. */
    public interface Sink {
        /** One message: its header section (start line through the empty line), its body, its Call-ID value. */
        void message(String head, byte[] body, String callId);

        /** A double CRLF between messages: a keep-alive ping (RFC 5626 section 4.4.1), to be answered with a CRLF. */
        void ping();

        /** A single CRLF between messages (the first half of a ping, or a pong). */
        void crlf();
    }

    private static final byte CR = '\r';
    private static final byte LF = '\n';
    private static final byte[] NO_BODY = new byte[0];
    /** Pending bytes are kept in a buffer at least this large; a larger one is let go once it is empty. */
    private static final int BUFFER = 4096;

    private enum State { IDLE, HEAD, BODY }

    private final int maxMessageSize;
    private final Sink sink;

    private State state = State.IDLE;
    private Status failure = Status.OK;
    /** IDLE: the last byte was a CR; how many CRLFs in a row since the last message. */
    private boolean sawCr;
    private int crlfs;
    /** HEAD: how far from the message start the search for the empty line has gone. */
    private int scanned;
    /** BODY: the header section's length, the body's, the Call-ID. */
    private int headLength;
    private int bodyLength;
    private String callId;

    /** The bytes of the message in progress, from its first byte; {@code pending} of them. */
    private byte[] buffer;
    private int pending;

    /**
     * @param maxMessageSize the longest message taken, header section and body, in bytes (at least 1)
     * @param sink           where messages and keep-alives go
     */
    public StreamFramer(int maxMessageSize, Sink sink) {
        if (maxMessageSize < 1) {
            throw new IllegalArgumentException("maxMessageSize must be at least 1, was " + maxMessageSize);
        }
        if (sink == null) {
            throw new IllegalArgumentException("sink must not be null");
        }
        this.maxMessageSize = maxMessageSize;
        this.sink = sink;
    }

    /**
     * Takes the next bytes read from the connection and hands on every message and keep-alive they complete. Once a
     * status other than {@link Status#OK} was returned, returns it again and takes nothing.
     */
    public Status feed(byte[] bytes, int offset, int length) {
        if (failure != Status.OK) {
            return failure;
        }
        if (pending == 0) {
            // the common case: the read starts a message, which is framed in place
            int rest = frame(bytes, offset, offset + length);
            if (failure == Status.OK && rest < offset + length) {
                keep(bytes, rest, offset + length - rest);
            }
        } else {
            keep(bytes, offset, length);
            int rest = frame(buffer, 0, pending);
            if (rest > 0 && rest < pending) {
                System.arraycopy(buffer, rest, buffer, 0, pending - rest);
            }
            pending -= rest;
        }
        if (failure != Status.OK) {
            buffer = null;
            pending = 0;
        } else if (pending == 0 && buffer != null && buffer.length > BUFFER) {
            buffer = null;
        }
        return failure;
    }

    /** Appends to the pending bytes. */
    private void keep(byte[] bytes, int offset, int length) {
        int need = pending + length;
        if (buffer == null || buffer.length < need) {
            buffer = Arrays.copyOf(buffer == null ? new byte[0] : buffer, Math.max(BUFFER, Math.max(need,
                    buffer == null ? 0 : Math.min(buffer.length * 2, maxMessageSize + BUFFER))));
        }
        System.arraycopy(bytes, offset, buffer, pending, length);
        pending = need;
    }

    /**
     * Frames what it can of {@code a[from, to)}, which starts where the previous call left off, and returns where the
     * unframed rest (the message in progress) starts: {@code to} when nothing is left.
     */
    private int frame(byte[] a, int from, int to) {
        int p = from;
        while (true) {
            if (state == State.IDLE) {
                p = skipKeepAlives(a, p, to);
                if (p == to) {
                    return to;
                }
                state = State.HEAD;
                scanned = 0;
                sawCr = false;
                crlfs = 0;
            }
            if (state == State.HEAD) {
                int end = headEnd(a, p + scanned, to);
                if (end < 0) {
                    if (to - p > maxMessageSize) {
                        return fail(Status.TOO_LARGE, to);
                    }
                    // "\n\r" may be the start of the empty line: look at those bytes again
                    scanned = Math.max(0, to - p - 2);
                    return p;
                }
                headLength = end - p;
                if (headLength > maxMessageSize) {
                    return fail(Status.TOO_LARGE, to);
                }
                Status s = headers(a, p, end);
                if (s != Status.OK) {
                    return fail(s, to);
                }
                if ((long) headLength + bodyLength > maxMessageSize) {
                    return fail(Status.TOO_LARGE, to);
                }
                state = State.BODY;
            }
            // BODY
            int end = p + headLength + bodyLength;
            if (end > to) {
                return p;
            }
            String head = new String(a, p, headLength, StandardCharsets.UTF_8);
            byte[] body = bodyLength == 0 ? NO_BODY : Arrays.copyOfRange(a, p + headLength, end);
            String id = callId;
            callId = null;
            state = State.IDLE;
            p = end;
            sink.message(head, body, id);
        }
    }

    private int fail(Status status, int to) {
        failure = status;
        return to;
    }

    /** Consumes CRs and LFs before a message, handing on each CRLF; returns where the message starts, or {@code to}. */
    private int skipKeepAlives(byte[] a, int from, int to) {
        int p = from;
        while (p < to) {
            byte b = a[p];
            if (b == CR) {
                sawCr = true;
            } else if (b == LF) {
                if (sawCr) {
                    crlfs++;
                    if ((crlfs & 1) == 0) {
                        sink.ping();
                    } else {
                        sink.crlf();
                    }
                }
                sawCr = false;
            } else {
                return p;
            }
            p++;
        }
        return p;
    }

    /** The index just past the empty line that ends the header section ("\n\r\n"), or -1. */
    private static int headEnd(byte[] a, int from, int to) {
        for (int i = from; i < to - 2; i++) {
            if (a[i] == LF && a[i + 1] == CR && a[i + 2] == LF) {
                return i + 3;
            }
        }
        return -1;
    }

    /**
     * Reads Content-Length and Call-ID from the header section {@code a[start, end)}; sets {@link #bodyLength} and
     * {@link #callId}. The start line is skipped; a line that begins with SP or HTAB continues the field before it.
     */
    private Status headers(byte[] a, int start, int end) {
        int length = -1;
        String id = null;
        int p = lineEnd(a, start, end) + 1; // past the start line
        while (p < end) {
            int lineStop = lineEnd(a, p, end);
            if (lineStop == p || (lineStop == p + 1 && a[p] == CR)) {
                break; // the empty line
            }
            // the field's value runs on over folded lines
            int fieldStop = lineStop;
            while (fieldStop + 1 < end && (a[fieldStop + 1] == ' ' || a[fieldStop + 1] == '\t')) {
                fieldStop = lineEnd(a, fieldStop + 1, end);
            }
            int kind = fieldKind(a, p, lineStop);
            if (kind != 0) {
                int colon = p;
                while (a[colon] != ':') {
                    colon++;
                }
                if (kind == CONTENT_LENGTH) {
                    int value = decimal(a, colon + 1, fieldStop);
                    if (value == BAD) {
                        return Status.BAD_CONTENT_LENGTH;
                    }
                    if (length >= 0 && value != length) {
                        return Status.CONFLICTING_CONTENT_LENGTH;
                    }
                    length = value;
                } else if (id == null) {
                    id = trimmed(a, colon + 1, fieldStop);
                }
            }
            p = fieldStop + 1;
        }
        if (length < 0) {
            return Status.NO_CONTENT_LENGTH;
        }
        if (id == null || id.isEmpty()) {
            return Status.NO_CALL_ID;
        }
        bodyLength = length;
        callId = id;
        return Status.OK;
    }

    private static final int CONTENT_LENGTH = 1;
    private static final int CALL_ID = 2;
    private static final int BAD = -1;
    /** Values above this are all equally too large; it keeps the arithmetic in an int. */
    private static final int HUGE = 1 << 30;

    /** The index of the LF that ends the line starting at {@code p}, or {@code end}. */
    private static int lineEnd(byte[] a, int p, int end) {
        int i = p;
        while (i < end && a[i] != LF) {
            i++;
        }
        return i;
    }

    /** {@link #CONTENT_LENGTH}, {@link #CALL_ID} or 0 for the field on the line {@code a[p, stop)}. */
    private static int fieldKind(byte[] a, int p, int stop) {
        byte first = (byte) (a[p] | 0x20);
        int kind;
        int nameEnd;
        if (first == 'l' || first == 'i') {
            kind = first == 'l' ? CONTENT_LENGTH : CALL_ID;
            nameEnd = p + 1;
        } else if (first == 'c' && matches(a, p, stop, "content-length")) {
            kind = CONTENT_LENGTH;
            nameEnd = p + 14;
        } else if (first == 'c' && matches(a, p, stop, "call-id")) {
            kind = CALL_ID;
            nameEnd = p + 7;
        } else {
            return 0;
        }
        int i = nameEnd;
        while (i < stop && (a[i] == ' ' || a[i] == '\t')) {
            i++;
        }
        return i < stop && a[i] == ':' ? kind : 0;
    }

    /** Whether {@code a[p, stop)} starts with {@code lowerName}, ignoring case. */
    private static boolean matches(byte[] a, int p, int stop, String lowerName) {
        if (stop - p < lowerName.length()) {
            return false;
        }
        for (int k = 0; k < lowerName.length(); k++) {
            int b = a[p + k];
            if (b >= 'A' && b <= 'Z') {
                b |= 0x20;
            }
            if (b != lowerName.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    private static boolean lws(byte b) {
        return b == ' ' || b == '\t' || b == CR || b == LF;
    }

    /** The decimal number in {@code a[from, to)} between linear white space, or {@link #BAD}. */
    private static int decimal(byte[] a, int from, int to) {
        int i = from;
        while (i < to && lws(a[i])) {
            i++;
        }
        int digits = 0;
        int value = 0;
        while (i < to && a[i] >= '0' && a[i] <= '9') {
            value = value >= HUGE / 10 ? HUGE : value * 10 + (a[i] - '0');
            digits++;
            i++;
        }
        while (i < to && lws(a[i])) {
            i++;
        }
        return digits == 0 || i != to ? BAD : value;
    }

    /** The text of {@code a[from, to)} without the linear white space around it. */
    private static String trimmed(byte[] a, int from, int to) {
        int i = from;
        int j = to;
        while (i < j && lws(a[i])) {
            i++;
        }
        while (j > i && lws(a[j - 1])) {
            j--;
        }
        return new String(a, i, j - i, StandardCharsets.UTF_8);
    }
}
