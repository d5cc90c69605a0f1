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
    /** A separate RTCP socket (no rtcp-mux), or null: then RTCP shares the RTP socket (RFC 5761). */
    DatagramSocket rtcpSocket;

    Phone() throws IOException {
        socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        socket.setSoTimeout(3000);
    }

    /** Gives this phone its own RTCP socket, as a phone without rtcp-mux has. */
    Phone withRtcpSocket() throws IOException {
        rtcpSocket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        rtcpSocket.setSoTimeout(3000);
        return this;
    }

    InetSocketAddress address() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    /** Our a=crypto line for an offer or answer (fresh key). */
    String cryptoLine(SrtpSuite suite) {
        return cryptoLine(suite, SessionParams.NONE);
    }

    /** Our a=crypto line with session parameters (e.g. UNENCRYPTED_SRTP). */
    String cryptoLine(SrtpSuite suite, SessionParams params) {
        myKey = SdesKeys.fresh(1, suite, params);
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
        List<String> lines = crypto == null ? List.of() : List.of(crypto);
        if (rtcpSocket != null) {
            return new RemoteMedia(address(), (InetSocketAddress) rtcpSocket.getLocalSocketAddress(), false, crypto != null,
                    lines);
        }
        return RemoteMedia.of(address(), true, crypto != null, lines);
    }

    /**
     * An RTCP receiver report (RFC 3550 6.4.2) from {@code ssrc} with one report block per entry
     * of {@code blocks}: {reportee SSRC, fraction lost, cumulative lost, jitter}.
     */
    static byte[] receiverReport(int ssrc, long[]... blocks) {
        byte[] p = new byte[8 + 24 * blocks.length];
        header(p, 0, blocks.length, 201, p.length);
        putInt(p, 4, ssrc);
        for (int i = 0; i < blocks.length; i++) {
            block(p, 8 + 24 * i, blocks[i]);
        }
        return p;
    }

    /** An RTCP sender report (RFC 3550 6.4.1) with one report block, followed by an SDES CNAME chunk. */
    static byte[] senderReportWithSdes(int ssrc, long[] block) {
        byte[] cname = "alice@example".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        int sdesLen = (8 + 2 + cname.length + 1 + 3) & ~3;
        byte[] p = new byte[28 + 24 + sdesLen];
        header(p, 0, 1, 200, 52);
        putInt(p, 4, ssrc);
        putInt(p, 8, 0xe0000000); // NTP timestamp, RTP timestamp, sender's packet and octet counts
        putInt(p, 16, 160_000);
        putInt(p, 20, 1000);
        putInt(p, 24, 160_000);
        block(p, 28, block);
        header(p, 52, 1, 202, sdesLen);
        putInt(p, 56, ssrc);
        p[60] = 1; // CNAME
        p[61] = (byte) cname.length;
        System.arraycopy(cname, 0, p, 62, cname.length);
        return p;
    }

    private static void header(byte[] p, int at, int count, int type, int bytes) {
        p[at] = (byte) (0x80 | count);
        p[at + 1] = (byte) type;
        p[at + 2] = (byte) ((bytes / 4 - 1) >> 8);
        p[at + 3] = (byte) (bytes / 4 - 1);
    }

    private static void block(byte[] p, int at, long[] b) {
        putInt(p, at, (int) b[0]);
        p[at + 4] = (byte) b[1];
        p[at + 5] = (byte) (b[2] >> 16);
        p[at + 6] = (byte) (b[2] >> 8);
        p[at + 7] = (byte) b[2];
        putInt(p, at + 8, 0x00010010); // extended highest sequence number received
        putInt(p, at + 12, (int) b[3]);
    }

    private static void putInt(byte[] p, int at, int v) {
        p[at] = (byte) (v >> 24);
        p[at + 1] = (byte) (v >> 16);
        p[at + 2] = (byte) (v >> 8);
        p[at + 3] = (byte) v;
    }

    /** Protects (if keyed) an RTCP compound packet as SRTCP. */
    byte[] protectRtcp(byte[] plain) {
        if (tx == null) {
            return plain;
        }
        PacketBuffer p = new PacketBuffer(512).load(plain, 0, plain.length);
        if (tx.protectRtcp(p) != SrtpStatus.OK) {
            throw new AssertionError("SRTCP protect failed");
        }
        return p.toArray();
    }

    /** Sends RTCP from the RTCP socket (or the RTP socket with rtcp-mux). */
    void sendRtcpRaw(byte[] data, SocketAddress to) throws IOException {
        (rtcpSocket != null ? rtcpSocket : socket).send(new DatagramPacket(data, data.length, to));
    }

    /** Receives one RTCP packet (on the RTCP socket, or the RTP socket with rtcp-mux) and returns it unprotected. */
    byte[] receiveRtcp() throws IOException {
        byte[] buf = new byte[2048];
        DatagramPacket dp = new DatagramPacket(buf, buf.length);
        (rtcpSocket != null ? rtcpSocket : socket).receive(dp);
        if (rx == null) {
            return java.util.Arrays.copyOf(buf, dp.getLength());
        }
        PacketBuffer p = new PacketBuffer(2048).load(buf, 0, dp.getLength());
        SrtpStatus st = rx.unprotectRtcp(p);
        if (st != SrtpStatus.OK) {
            throw new AssertionError("relayed SRTCP packet did not verify: " + st);
        }
        return p.toArray();
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
        if (rtcpSocket != null) {
            rtcpSocket.close();
        }
        if (tx != null) {
            tx.close();
        }
        if (rx != null) {
            rx.close();
        }
    }
}
