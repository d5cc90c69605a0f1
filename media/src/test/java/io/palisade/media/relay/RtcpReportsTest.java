// Copyright (C) the Palisade authors. SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.media.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** RFC 3550 6.4: loss and jitter read from known sender and receiver reports. */
class RtcpReportsTest {

    @Test
    void receiverReportWithTwoBlocksGivesTheLastBlock() {
        byte[] rr = Phone.receiverReport(0x11111111, new long[] {0x22222222, 10, 5, 40},
                new long[] {0x33333333, 64, 1234, 160});
        int r = RtcpReports.lastBlock(rr, 0, rr.length);
        assertEquals(8 + 24, r);
        assertEquals(64, RtcpReports.fractionLost(rr, r), "64/256 = 25 % lost");
        assertEquals(1234, RtcpReports.cumulativeLost(rr, r));
        assertEquals(160, RtcpReports.jitter(rr, r));
    }

    @Test
    void senderReportBlockIsFoundAfterTheSenderInfoAndBeforeSdes() {
        byte[] sr = Phone.senderReportWithSdes(0x11111111, new long[] {0x22222222, 3, 17, 80});
        int r = RtcpReports.lastBlock(sr, 0, sr.length);
        assertEquals(28, r);
        assertEquals(3, RtcpReports.fractionLost(sr, r));
        assertEquals(17, RtcpReports.cumulativeLost(sr, r));
        assertEquals(80, RtcpReports.jitter(sr, r));
    }

    @Test
    void negativeCumulativeLossAndFullRangeJitter() {
        byte[] rr = Phone.receiverReport(1, new long[] {2, 0, 0xFFFFFE, 0xFFFFFFFFL});
        int r = RtcpReports.lastBlock(rr, 0, rr.length);
        assertEquals(-2, RtcpReports.cumulativeLost(rr, r), "24-bit signed: duplicates make it negative");
        assertEquals(0xFFFFFFFFL, RtcpReports.jitter(rr, r));
    }

    @Test
    void reportAtAnOffsetInALargerBuffer() {
        byte[] rr = Phone.receiverReport(1, new long[] {2, 7, 9, 11});
        byte[] buf = new byte[rr.length + 40];
        System.arraycopy(rr, 0, buf, 20, rr.length);
        int r = RtcpReports.lastBlock(buf, 20, rr.length);
        assertEquals(20 + 8, r);
        assertEquals(11, RtcpReports.jitter(buf, r));
    }

    @Test
    void packetsWithoutReportBlocksGiveNone() {
        byte[] emptyRr = Phone.receiverReport(1);
        assertEquals(-1, RtcpReports.lastBlock(emptyRr, 0, emptyRr.length));
        byte[] bye = {(byte) 0x81, (byte) 203, 0, 1, 0, 0, 0, 1};
        assertEquals(-1, RtcpReports.lastBlock(bye, 0, bye.length));
    }

    @Test
    void hostileInputNeverThrowsNorReadsOutsideThePacket() {
        byte[] sr = Phone.senderReportWithSdes(0x11111111, new long[] {0x22222222, 3, 17, 80});
        for (int cut = 0; cut < sr.length; cut++) {
            byte[] part = Arrays.copyOf(sr, cut);
            int r = RtcpReports.lastBlock(part, 0, part.length);
            if (r >= 0) {
                assertEquals(true, r + RtcpReports.BLOCK <= cut, "block inside the packet at cut " + cut);
            }
        }
        byte[] rr = Phone.receiverReport(1, new long[] {2, 7, 9, 11});
        for (int i = 0; i < rr.length * 8; i++) {
            byte[] flipped = rr.clone();
            flipped[i / 8] ^= (byte) (1 << (i % 8));
            int r = RtcpReports.lastBlock(flipped, 0, flipped.length);
            if (r >= 0) {
                assertEquals(true, r + RtcpReports.BLOCK <= flipped.length, "bit " + i);
            }
        }
        byte[] lying = rr.clone();
        lying[0] = (byte) 0x9f; // claims 31 blocks
        assertEquals(-1, RtcpReports.lastBlock(lying, 0, lying.length));
    }
}
