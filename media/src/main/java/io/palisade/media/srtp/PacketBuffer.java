// Copyright (C) the Palisade authors. SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.media.srtp;

import org.jitsi.utils.ByteArrayBuffer;

/**
 * A reusable packet buffer: one per I/O thread, so the per-packet path allocates nothing. The
 * packet occupies {@code [offset, offset + length)} of {@link #getBuffer()}.
 */
public final class PacketBuffer implements ByteArrayBuffer {
    private byte[] buf;
    private int offset;
    private int length;

    public PacketBuffer(int capacity) {
        buf = new byte[capacity];
    }

    /** Points this buffer at a packet already in the backing array. */
    public PacketBuffer set(int offset, int length) {
        if (offset < 0 || length < 0 || offset + length > buf.length) {
            throw new IllegalArgumentException("packet outside buffer");
        }
        this.offset = offset;
        this.length = length;
        return this;
    }

    /** Copies a packet in at offset 0. */
    public PacketBuffer load(byte[] src, int off, int len) {
        if (len > buf.length) {
            buf = new byte[len + 64];
        }
        System.arraycopy(src, off, buf, 0, len);
        offset = 0;
        length = len;
        return this;
    }

    /** The packet bytes as a new array. */
    public byte[] toArray() {
        byte[] out = new byte[length];
        System.arraycopy(buf, offset, out, 0, length);
        return out;
    }

    public int capacity() {
        return buf.length;
    }

    @Override
    public byte[] getBuffer() {
        return buf;
    }

    @Override
    public int getOffset() {
        return offset;
    }

    @Override
    public int getLength() {
        return length;
    }

    @Override
    public void setLength(int len) {
        if (len < 0 || offset + len > buf.length) {
            throw new IllegalArgumentException("length outside buffer");
        }
        length = len;
    }

    @Override
    public void setOffset(int off) {
        if (off < 0 || off + length > buf.length) {
            throw new IllegalArgumentException("offset outside buffer");
        }
        offset = off;
    }

    @Override
    public boolean isInvalid() {
        return false;
    }

    @Override
    public void readRegionToBuff(int off, int len, byte[] out) {
        System.arraycopy(buf, offset + off, out, 0, len);
    }

    @Override
    public void grow(int howMuch) {
        if (offset + length + howMuch > buf.length) {
            byte[] bigger = new byte[offset + length + howMuch + 64];
            System.arraycopy(buf, 0, bigger, 0, offset + length);
            buf = bigger;
        }
    }

    @Override
    public void append(byte[] data, int len) {
        grow(len);
        System.arraycopy(data, 0, buf, offset + length, len);
        length += len;
    }

    @Override
    public void shrink(int len) {
        length = Math.max(0, length - len);
    }
}
