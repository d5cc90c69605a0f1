// Copyright (C) the Palisade authors. SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.media.relay;

import io.palisade.media.sdes.CryptoAttribute;
import io.palisade.media.sdes.CryptoParse;
import io.palisade.media.sdes.CryptoParser;
import io.palisade.media.sdes.SdesKeys;
import io.palisade.media.sdes.SessionParams;
import io.palisade.media.sdes.SrtpSuite;
import io.palisade.media.srtp.PacketBuffer;
import io.palisade.media.srtp.SrtpStatus;
import io.palisade.media.srtp.SrtpStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.util.List;

/** A test endpoint on loopback: sends and receives (S)RTP like a phone would. */
final class Phone implements AutoCloseable {
    final DatagramSocket socket;
    CryptoAttribute myKey;
    SrtpStream tx;
    SrtpStream rx;
    int seq;
    int ssrc = 0x1234abcd;

    Phone() throws IOException {
        socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        socket.setSoTimeout(3000);
    }

    InetSocketAddress address() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    /** Our a=crypto line for an offer or answer (fresh key). */
    String cryptoLine(SrtpSuite suite) {
        myKey = SdesKeys.fresh(1, suite, SessionParams.NONE);
        if (tx != null) {
            tx.close();
        }
        tx = SrtpStream.sender(suite, myKey.key(), myKey.params());
        return myKey.toSdpValue();
    }

    /** Learn the relay's key from its a=crypto line. */
    void relayKey(String line) {
        CryptoAttribute a = ((CryptoParse.Ok) new CryptoParser().parse(line)).value();
        if (rx != null) {
            rx.close();
        }
        rx = SrtpStream.receiver(a.suite(), a.key(), a.params());
    }

    RemoteMedia media(String crypto) {
        return RemoteMedia.of(address(), true, crypto != null, crypto == null ? List.of() : List.of(crypto));
    }

    static byte[] rtp(int seq, int ssrc, int payloadLen, int fill) {
        byte[] p = new byte[12 + payloadLen];
        p[0] = (byte) 0x80;
        p[1] = 0; // PCMU
        p[2] = (byte) (seq >> 8);
        p[3] = (byte) seq;
        p[7] = (byte) seq;
        p[8] = (byte) (ssrc >> 24);
        p[9] = (byte) (ssrc >> 16);
        p[10] = (byte) (ssrc >> 8);
        p[11] = (byte) ssrc;
        java.util.Arrays.fill(p, 12, p.length, (byte) fill);
        return p;
    }

    /** Builds, protects (if keyed) and returns the next packet without sending it. */
    byte[] nextPacket(int fill) {
        byte[] plain = rtp(seq++ & 0xffff, ssrc, 160, fill);
        if (tx == null) {
            return plain;
        }
        PacketBuffer p = new PacketBuffer(512).load(plain, 0, plain.length);
        if (tx.protectRtp(p) != SrtpStatus.OK) {
            throw new AssertionError("protect failed");
        }
        return p.toArray();
    }

    void sendRaw(byte[] data, SocketAddress to) throws IOException {
        socket.send(new DatagramPacket(data, data.length, to));
    }

    byte[] send(int fill, SocketAddress to) throws IOException {
        byte[] d = nextPacket(fill);
        sendRaw(d, to);
        return d;
    }

    /** Receives one packet and returns its plain RTP (unprotected if keyed). */
    byte[] receive() throws IOException {
        byte[] buf = new byte[2048];
        DatagramPacket dp = new DatagramPacket(buf, buf.length);
        socket.receive(dp);
        if (rx == null) {
            return java.util.Arrays.copyOf(buf, dp.getLength());
        }
        PacketBuffer p = new PacketBuffer(2048).load(buf, 0, dp.getLength());
        SrtpStatus st = rx.unprotectRtp(p);
        if (st != SrtpStatus.OK) {
            throw new AssertionError("relayed packet did not verify: " + st);
        }
        return p.toArray();
    }

    /** True if nothing arrives within {@code ms}. */
    boolean silentFor(int ms) throws IOException {
        int old = socket.getSoTimeout();
        socket.setSoTimeout(ms);
        try {
            socket.receive(new DatagramPacket(new byte[2048], 2048));
            return false;
        } catch (SocketTimeoutException e) {
            return true;
        } finally {
            socket.setSoTimeout(old);
        }
    }

    @Override
    public void close() {
        socket.close();
        if (tx != null) {
            tx.close();
        }
        if (rx != null) {
            rx.close();
        }
    }
}
