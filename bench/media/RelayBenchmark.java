// Copyright (C) the Palisade authors. SPDX-License-Identifier: AGPL-3.0-or-later
//
// Media relay benchmark (run by bench/media/run): the SRTP transform alone, then the relay
// SRTP->SRTP on loopback with many sessions, at stepped offered rates.
import io.palisade.media.relay.*;
import io.palisade.media.sdes.*;
import io.palisade.media.srtp.*;
import java.lang.management.ManagementFactory;
import java.net.*;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.*;

public class RelayBenchmark {
    static final int LEN = 172;
    static volatile Step current;

    /** One rate step's bookkeeping, written by the sink thread, read after the step. */
    static final class Step {
        final long[] sentAt;
        final long[] lat;
        final int sessions;
        final int[] seqBase;
        volatile int received;
        volatile int latCount;

        Step(long[] sentAt, long[] lat, int sessions, int[] seqBase) {
            this.sentAt = sentAt;
            this.lat = lat;
            this.sessions = sessions;
            this.seqBase = seqBase;
        }
    }

    public static void main(String[] args) throws Exception {
        int sessions = Integer.parseInt(System.getProperty("sessions", "500"));
        double stepSeconds = Double.parseDouble(System.getProperty("step", "4"));
        String[] rates = System.getProperty("rates", "25000 50000 100000 150000").split(" ");
        transform();
        relay(sessions, stepSeconds, rates);
    }

    static byte[] rtp(int seq, int ssrc) {
        byte[] p = new byte[LEN];
        p[0] = (byte) 0x80;
        p[2] = (byte) (seq >> 8);
        p[3] = (byte) seq;
        p[8] = (byte) (ssrc >> 24); p[9] = (byte) (ssrc >> 16); p[10] = (byte) (ssrc >> 8); p[11] = (byte) ssrc;
        return p;
    }

    /** Cost per packet of protect alone and of the relay's unprotect + protect, 172-byte packets. */
    static void transform() {
        SrtpSuite suite = SrtpSuite.AES_CM_128_HMAC_SHA1_80;
        MasterKey k1 = SdesKeys.fresh(1, suite, SessionParams.NONE).key();
        MasterKey k2 = SdesKeys.fresh(1, suite, SessionParams.NONE).key();
        int n = 400_000;
        byte[][] wire = new byte[n][];
        SrtpStream src = SrtpStream.sender(suite, k1, SessionParams.NONE);
        PacketBuffer p = new PacketBuffer(2048);
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            p.load(rtp(i & 0xffff, 7), 0, LEN);
            src.protectRtp(p);
            wire[i] = p.toArray();
        }
        long protectNs = System.nanoTime() - t0;
        // warm-up pass on fresh streams, then the measured pass
        for (int round = 0; round < 2; round++) {
            SrtpStream rx = SrtpStream.receiver(suite, k1, SessionParams.NONE);
            SrtpStream tx = SrtpStream.sender(suite, k2, SessionParams.NONE);
            long start = System.nanoTime();
            for (int i = 0; i < n; i++) {
                p.load(wire[i], 0, wire[i].length);
                if (rx.unprotectRtp(p) != SrtpStatus.OK || tx.protectRtp(p) != SrtpStatus.OK) {
                    throw new IllegalStateException("transform failed at " + i);
                }
            }
            long ns = System.nanoTime() - start;
            if (round == 1) {
                System.out.printf("media.transform_relay: %.3f us/packet%n", ns / 1000.0 / n);
            }
        }
        SrtpStream tx = SrtpStream.sender(suite, k2, SessionParams.NONE);
        for (int round = 0; round < 2; round++) {
            long start = System.nanoTime();
            for (int i = 0; i < n; i++) {
                p.load(wire[0], 0, LEN);
                p.getBuffer()[2] = (byte) (i >> 8);
                p.getBuffer()[3] = (byte) i;
                tx.protectRtp(p);
            }
            if (round == 1) {
                System.out.printf("media.transform_protect: %.3f us/packet%n", (System.nanoTime() - start) / 1000.0 / n);
            }
        }
        System.err.printf("media: (first cold protect pass: %.3f us/packet)%n", protectNs / 1000.0 / n);
        jitsiTransform(wire, n);
    }

    /** The same relay transform on jitsi-srtp's contexts, the engine SrtpStream used for RTP before. */
    static void jitsiTransform(byte[][] wire, int n) {
        try {
            SrtpSuite suite = SrtpSuite.AES_CM_128_HMAC_SHA1_80;
            byte[] k1 = new byte[16], s1 = new byte[14], k2 = new byte[16], s2 = new byte[14];
            new java.security.SecureRandom().nextBytes(k2);
            var log = new org.jitsi.utils.logging2.LoggerImpl("bench", java.util.logging.Level.OFF);
            var pol = new org.jitsi.srtp.SrtpPolicy(org.jitsi.srtp.SrtpPolicy.AESCM_ENCRYPTION, 16,
                    org.jitsi.srtp.SrtpPolicy.HMACSHA1_AUTHENTICATION, 20, 10, 14);
            pol.setSendReplayEnabled(false);
            // a fresh sender with a known key makes the input (wire[] came from another key)
            var mk = new org.jitsi.srtp.SrtpContextFactory(true, k1, s1, pol, pol, log).deriveContext(7, 0);
            PacketBuffer p = new PacketBuffer(2048);
            byte[][] in = new byte[n][];
            for (int i = 0; i < n; i++) {
                p.load(rtp(i & 0xffff, 7), 0, LEN);
                mk.transformPacket(p);
                in[i] = p.toArray();
            }
            for (int round = 0; round < 2; round++) {
                var rx = new org.jitsi.srtp.SrtpContextFactory(false, k1, s1, pol, pol, log).deriveContext(7, 0);
                var tx = new org.jitsi.srtp.SrtpContextFactory(true, k2, s2, pol, pol, log).deriveContext(7, 0);
                long start = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    p.load(in[i], 0, in[i].length);
                    if (rx.reverseTransformPacket(p, false) != org.jitsi.srtp.SrtpErrorStatus.OK
                            || tx.transformPacket(p) != org.jitsi.srtp.SrtpErrorStatus.OK) {
                        throw new IllegalStateException("jitsi transform failed at " + i);
                    }
                }
                if (round == 1) {
                    System.out.printf("media.transform_relay_jitsi: %.3f us/packet%n", (System.nanoTime() - start) / 1000.0 / n);
                }
            }
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static void relay(int sessions, double stepSeconds, String[] rates) throws Exception {
        InetAddress lo = InetAddress.getLoopbackAddress();
        RelayEngine engine = RelayEngine.start(
                new RelayConfig(lo, lo, 34000, 34000 + sessions * 4 + 8, 1, Duration.ofMinutes(5), false, 1500),
                MediaEventListener.NONE);
        DatagramChannel gen = DatagramChannel.open().bind(new InetSocketAddress(lo, 0));
        DatagramChannel sink = DatagramChannel.open().bind(new InetSocketAddress(lo, 0));
        gen.setOption(StandardSocketOptions.SO_SNDBUF, 4 << 20);
        sink.setOption(StandardSocketOptions.SO_RCVBUF, 8 << 20);
        InetSocketAddress sinkAddr = (InetSocketAddress) sink.getLocalAddress();
        InetSocketAddress genAddr = (InetSocketAddress) gen.getLocalAddress();
        SrtpSuite suite = SrtpSuite.AES_CM_128_HMAC_SHA1_80;
        InetSocketAddress[] target = new InetSocketAddress[sessions];
        SrtpStream[] senders = new SrtpStream[sessions];
        List<RelaySession> open = new ArrayList<>();
        for (int i = 0; i < sessions; i++) {
            RelaySession s = engine.openSession(SdesConfig.DEFAULT, SdesConfig.DEFAULT);
            open.add(s);
            CryptoAttribute aKey = SdesKeys.fresh(1, suite, SessionParams.NONE);
            s.a().answerOffer(RemoteMedia.of(genAddr, true, true, List.of(aKey.toSdpValue())));
            SdesOffer offer = s.b().createOffer();
            CryptoAttribute bKey = SdesKeys.fresh(1, suite, SessionParams.NONE);
            s.b().acceptAnswer(offer, RemoteMedia.of(sinkAddr, true, true, List.of(bKey.toSdpValue())));
            target[i] = new InetSocketAddress(lo, s.a().localRtp().getPort());
            senders[i] = SrtpStream.sender(suite, aKey.key(), SessionParams.NONE);
        }
        var threads = ManagementFactory.getThreadMXBean();
        long relayTid = Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals("media-io-0"))
                .findFirst().orElseThrow().getId();
        int[] seq = new int[sessions];
        // the sink: the payload is ciphertext, so a packet is identified by its clear header
        // (SSRC = session index, sequence number)
        Thread sinkThread = new Thread(() -> {
            ByteBuffer in = ByteBuffer.allocate(2048);
            try {
                while (true) {
                    in.clear();
                    sink.receive(in);
                    long now = System.nanoTime();
                    Step st = current;
                    if (st == null) {
                        continue;
                    }
                    int idx = in.getInt(8);
                    int sq = in.getShort(2) & 0xffff;
                    int round = ((sq - (idx % 1000)) & 0xffff) - st.seqBase[idx];
                    long n = (long) round * st.sessions + idx;
                    if (n >= 0 && n < st.sentAt.length && st.sentAt[(int) n] != 0 && st.latCount < st.lat.length) {
                        st.lat[st.latCount++] = now - st.sentAt[(int) n];
                    }
                    st.received++;
                }
            } catch (Exception e) {
                // sink closed: benchmark over
            }
        }, "sink");
        sinkThread.setDaemon(true);
        sinkThread.start();
        PacketBuffer p = new PacketBuffer(2048);
        ByteBuffer out = ByteBuffer.wrap(p.getBuffer());
        double bestPerCore = 0;
        String summary = null;
        for (String r : rates) {
            int rate = Integer.parseInt(r);
            int[] base = seq.clone();
            long packets = (long) (rate * stepSeconds);
            long[] sentAt = new long[(int) packets];
            long[] lat = new long[(int) packets];
            Step st = new Step(sentAt, lat, sessions, base);
            current = st;
            long cpu0 = threads.getThreadCpuTime(relayTid);
            long start = System.nanoTime();
            long interval = 1_000_000_000L / rate;
            for (long n = 0; n < packets; n++) {
                int i = (int) (n % sessions);
                long due = start + n * interval;
                while (System.nanoTime() < due) {
                    Thread.onSpinWait();
                }
                int sq = (seq[i]++ + (i % 1000)) & 0xffff;
                byte[] plain = rtp(sq, i);
                p.load(plain, 0, LEN);
                senders[i].protectRtp(p);
                out.clear();
                out.limit(p.getLength());
                sentAt[(int) n] = System.nanoTime();
                gen.send(out, target[i]);
            }
            long sendEnd = System.nanoTime();
            long deadline = sendEnd + 1_000_000_000L;
            while (st.received < packets && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            long cpu = threads.getThreadCpuTime(relayTid) - cpu0;
            double achieved = packets / ((sendEnd - start) / 1e9);
            long lost = packets - st.received;
            long[] l = Arrays.copyOf(lat, st.latCount);
            Arrays.sort(l);
            double p50 = l.length == 0 ? -1 : l[l.length / 2] / 1000.0;
            double p99 = l.length == 0 ? -1 : l[(int) (l.length * 0.99)] / 1000.0;
            double perCore = st.received / (cpu / 1e9);
            System.err.printf("media: offered %d pps (achieved %.0f) over %d sessions: received %d, lost %d (%.3f%%), "
                    + "p50 %.0f us, p99 %.0f us, relay thread CPU %.2f s -> %.0f pps per core%n", rate, achieved, sessions,
                    st.received, lost, 100.0 * lost / packets, p50, p99, cpu / 1e9, perCore);
            if (lost == 0 && perCore > bestPerCore) {
                bestPerCore = perCore;
            }
            summary = String.format("media.relay_offered: %d packets/s%nmedia.relay_lost: %d packets%n"
                    + "media.relay_latency_p50: %.0f us%nmedia.relay_latency_p99: %.0f us%nmedia.relay_per_core: %.0f packets/s",
                    rate, lost, p50, p99, perCore);
            if (lost * 100 > packets) {
                break; // more than 1 % lost: the top step is reached
            }
        }
        System.out.println(summary);
        System.out.printf("media.relay_per_core_zero_loss: %.0f packets/s%n", bestPerCore);
        System.out.printf("media.sessions: %d sessions%n", sessions);
        current = null;
        sink.close();
        for (RelaySession s : open) {
            s.close();
        }
        engine.close();
    }
}
