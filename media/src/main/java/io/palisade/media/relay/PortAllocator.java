// Copyright (C) the Palisade authors. SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.media.relay;

import java.util.BitSet;

/** Even/odd port pairs from a fixed range; a released pair goes to the back of the rotation. */
final class PortAllocator {
    private final int first;
    private final int pairs;
    private final BitSet used;
    private int cursor;

    PortAllocator(int min, int max) {
        first = (min + 1) & ~1;
        pairs = (max - first + 1) / 2;
        used = new BitSet(pairs);
    }

    /** The RTP port of a free pair, or -1 when the range is exhausted. */
    synchronized int allocate() {
        for (int i = 0; i < pairs; i++) {
            int p = (cursor + i) % pairs;
            if (!used.get(p)) {
                used.set(p);
                cursor = (p + 1) % pairs;
                return first + 2 * p;
            }
        }
        return -1;
    }

    synchronized void release(int rtpPort) {
        int p = (rtpPort - first) / 2;
        if (p >= 0 && p < pairs) {
            used.clear(p);
        }
    }

    synchronized int inUse() {
        return used.cardinality();
    }

    int capacity() {
        return pairs;
    }
}
