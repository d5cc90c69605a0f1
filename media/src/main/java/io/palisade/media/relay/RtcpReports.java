// Copyright (C) the Palisade authors. SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.media.relay;

/**
 * Reads reception report blocks (RFC 3550 6.4.1 SR, 6.4.2 RR) out of a plain RTCP compound
 * packet, without allocating: the relay keeps, per leg, the loss and jitter its peer last reported.
 * Malformed input (wrong version, a length running past the packet, a report count larger than the
 * packet) stops the walk; it never throws.
 */
final class RtcpReports {
    static final int SR = 200;
    static final int RR = 201;
    /** A report block: SSRC, fraction lost + cumulative lost, highest sequence, jitter, LSR, DLSR. */
    static final int BLOCK = 24;

    private RtcpReports() {
    }

    /**
     * The offset of the last report block of the last SR or RR in the compound packet
     * {@code b[off, off + len)}, or -1 when there is none.
     */
    static int lastBlock(byte[] b, int off, int len) {
        int end = off + len;
        int p = off;
        int last = -1;
        while (p + 4 <= end) {
            if ((b[p] & 0xC0) != 0x80) {
                return last;
            }
            int count = b[p] & 0x1f;
            int pt = b[p + 1] & 0xff;
            int words = (b[p + 2] & 0xff) << 8 | b[p + 3] & 0xff;
            int next = p + 4 * (words + 1);
            if (next > end) {
                return last;
            }
            // SR: header 8 + sender info 20; RR: header 8 (RFC 3550 6.4.1, 6.4.2)
            int blocks = pt == SR ? p + 28 : pt == RR ? p + 8 : -1;
            if (blocks > 0 && count > 0 && blocks + BLOCK * count <= next) {
                last = blocks + BLOCK * (count - 1);
            }
            p = next;
        }
        return last;
    }

    /** Fraction lost since the previous report, in 1/256 (RFC 3550 6.4.1). */
    static int fractionLost(byte[] b, int block) {
        return b[block + 4] & 0xff;
    }

    /** Cumulative number of packets lost: a 24-bit signed value (duplicates can make it negative). */
    static int cumulativeLost(byte[] b, int block) {
        int cum = (b[block + 5] & 0xff) << 16 | (b[block + 6] & 0xff) << 8 | b[block + 7] & 0xff;
        return (cum << 8) >> 8;
    }

    /** Interarrival jitter in timestamp units (RFC 3550 6.4.1, A.8): unsigned 32 bits. */
    static long jitter(byte[] b, int block) {
        return (long) (b[block + 12] & 0xff) << 24 | (b[block + 13] & 0xff) << 16 | (b[block + 14] & 0xff) << 8
                | b[block + 15] & 0xff;
    }
}
