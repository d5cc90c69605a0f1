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
import java.nio.file.Path;
import java.time.Duration;
import java.util.*;

public class RelayBenchmark {
    static final int LEN = 172;
    static volatile Step current;

    /** One rate step's bookkeeping, written by the sink thread, read after the step. */
    static final class Step {
        final long[] lat;
        volatile int received;
        volatile int latCount;

        Step(int packets) {
            this.lat = new long[packets];
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("generator")) {
            generator();
            return;
        }
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
        int us = (int) (System.nanoTime() / 1000);
        p[4] = (byte) (us >> 24); p[5] = (byte) (us >> 16); p[6] = (byte) (us >> 8); p[7] = (byte) us;
        p[8] = (byte) (ssrc >> 24); p[9] = (byte) (ssrc >> 16); p[10] = (byte) (ssrc >> 8); p[11] = (byte) ssrc;
        return p;
    }

    /**
     * Cost per packet of protect alone and of the relay's unprotect + protect, 172-byte packets,
     * ours and jitsi-srtp's. The machine is shared: rounds alternate between the engines so that a
     * burst of someone else's load hits both, and the figures are the best and the median round.
     */
    static void transform() throws Exception {
        SrtpSuite suite = SrtpSuite.AES_CM_128_HMAC_SHA1_80;
        MasterKey k1 = SdesKeys.fresh(1, suite, SessionParams.NONE).key();
        MasterKey k2 = SdesKeys.fresh(1, suite, SessionParams.NONE).key();
        int n = 200_000;
        byte[][] wire = new byte[n][];
        SrtpStream src = SrtpStream.sender(suite, k1, SessionParams.NONE);
        PacketBuffer p = new PacketBuffer(2048);
        for (int i = 0; i < n; i++) {
            p.load(rtp(i & 0xffff, 7), 0, LEN);
            src.protectRtp(p);
            wire[i] = p.toArray();
        }
        var log = new org.jitsi.utils.logging2.LoggerImpl("bench", java.util.logging.Level.OFF);
        var pol = new org.jitsi.srtp.SrtpPolicy(org.jitsi.srtp.SrtpPolicy.AESCM_ENCRYPTION, 16,
                org.jitsi.srtp.SrtpPolicy.HMACSHA1_AUTHENTICATION, 20, 10, 14);
        pol.setSendReplayEnabled(false);
        int rounds = 7;
        double[] ours = new double[rounds];
        double[] jitsi = new double[rounds];
        double[] protect = new double[rounds];
        for (int round = 0; round < rounds; round++) {
            SrtpStream rx = SrtpStream.receiver(suite, k1, SessionParams.NONE);
            SrtpStream tx = SrtpStream.sender(suite, k2, SessionParams.NONE);
            long start = System.nanoTime();
            for (int i = 0; i < n; i++) {
                p.load(wire[i], 0, wire[i].length);
                if (rx.unprotectRtp(p) != SrtpStatus.OK || tx.protectRtp(p) != SrtpStatus.OK) {
                    throw new IllegalStateException("transform failed at " + i);
                }
            }
            ours[round] = (System.nanoTime() - start) / 1000.0 / n;
            var jrx = new org.jitsi.srtp.SrtpContextFactory(false, k1.key(), k1.salt(), pol, pol, log).deriveContext(7, 0);
            var jtx = new org.jitsi.srtp.SrtpContextFactory(true, k2.key(), k2.salt(), pol, pol, log).deriveContext(7, 0);
            start = System.nanoTime();
            for (int i = 0; i < n; i++) {
                p.load(wire[i], 0, wire[i].length);
                if (jrx.reverseTransformPacket(p, false) != org.jitsi.srtp.SrtpErrorStatus.OK
                        || jtx.transformPacket(p) != org.jitsi.srtp.SrtpErrorStatus.OK) {
                    throw new IllegalStateException("jitsi transform failed at " + i);
                }
            }
            jitsi[round] = (System.nanoTime() - start) / 1000.0 / n;
            SrtpStream ptx = SrtpStream.sender(suite, k2, SessionParams.NONE);
            start = System.nanoTime();
            for (int i = 0; i < n; i++) {
                p.load(wire[0], 0, LEN);
                p.getBuffer()[2] = (byte) (i >> 8);
                p.getBuffer()[3] = (byte) i;
                ptx.protectRtp(p);
            }
            protect[round] = (System.nanoTime() - start) / 1000.0 / n;
            rx.close();
            tx.close();
            ptx.close();
        }
        // the first two rounds warm the JIT up
        print("transform_relay", Arrays.copyOfRange(ours, 2, rounds));
        print("transform_relay_jitsi", Arrays.copyOfRange(jitsi, 2, rounds));
        print("transform_protect", Arrays.copyOfRange(protect, 2, rounds));
    }

    static void print(String name, double[] us) {
        Arrays.sort(us);
        System.out.printf("media.%s: %.3f us/packet%n", name, us[0]);
        System.err.printf("media: %s median %.3f us/packet (rounds %s)%n", name, us[us.length / 2], Arrays.toString(us));
    }

    /** Udp RcvbufErrors from /proc/net/snmp (Linux; -1 elsewhere): where a lost packet was dropped. */
    static long udpReceiveBufferErrors() {
        try {
            List<String> lines = java.nio.file.Files.readAllLines(Path.of("/proc/net/snmp"));
            for (int i = 0; i + 1 < lines.size(); i++) {
                if (lines.get(i).startsWith("Udp:") && lines.get(i + 1).startsWith("Udp:")) {
                    List<String> names = Arrays.asList(lines.get(i).split("\\s+"));
                    return Long.parseLong(lines.get(i + 1).split("\\s+")[names.indexOf("RcvbufErrors")]);
                }
            }
        } catch (Exception e) {
            // not Linux
        }
        return -1;
    }

    /** Sends the packets of one rate step; returns the rate achieved. */
    interface Generator extends AutoCloseable {
        double step(int rate, long packets) throws Exception;

        @Override
        default void close() throws Exception {
        }
    }

    static void relay(int sessions, double stepSeconds, String[] rates) throws Exception {
        InetAddress lo = InetAddress.getLoopbackAddress();
        RelayEngine engine = RelayEngine.start(
                new RelayConfig(lo, lo, 34000, 34000 + sessions * 4 + 8, 1, Duration.ofMinutes(5), false, 1500),
                MediaEventListener.NONE);
        DatagramChannel sink = DatagramChannel.open().bind(new InetSocketAddress(lo, 0));
        sink.setOption(StandardSocketOptions.SO_RCVBUF, 8 << 20);
        InetSocketAddress sinkAddr = (InetSocketAddress) sink.getLocalAddress();
        // the generator's address is learnt by latching: the SDP address here is only a placeholder
        InetSocketAddress genAddr = new InetSocketAddress(lo, 9);
        SrtpSuite suite = SrtpSuite.AES_CM_128_HMAC_SHA1_80;
        int[] ports = new int[sessions];
        MasterKey[] keys = new MasterKey[sessions];
        List<RelaySession> open = new ArrayList<>();
        for (int i = 0; i < sessions; i++) {
            RelaySession s = engine.openSession(SdesConfig.DEFAULT, SdesConfig.DEFAULT);
            open.add(s);
            CryptoAttribute aKey = SdesKeys.fresh(1, suite, SessionParams.NONE);
            s.a().answerOffer(RemoteMedia.of(genAddr, true, true, List.of(aKey.toSdpValue())));
            SdesOffer offer = s.b().createOffer();
            CryptoAttribute bKey = SdesKeys.fresh(1, suite, SessionParams.NONE);
            s.b().acceptAnswer(offer, RemoteMedia.of(sinkAddr, true, true, List.of(bKey.toSdpValue())));
            ports[i] = s.a().localRtp().getPort();
            keys[i] = aKey.key();
        }
        String mode = System.getProperty("generator", "process");
        Generator gen = mode.equals("thread") ? threadGenerator(ports, keys, sessions) : processGenerator(ports, keys);
        System.err.println("media: generator in a " + (mode.equals("thread") ? "thread of the relay's JVM" : "separate JVM"));
        var threads = ManagementFactory.getThreadMXBean();
        long relayTid = Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals("media-io-0"))
                .findFirst().orElseThrow().getId();
        // the sink: latency from the send time the generator put in the RTP timestamp (us, low 32 bits;
        // System.nanoTime is CLOCK_MONOTONIC on Linux, shared by both JVMs)
        Thread sinkThread = new Thread(() -> {
            ByteBuffer in = ByteBuffer.allocate(2048);
            try {
                while (true) {
                    in.clear();
                    sink.receive(in);
                    int now = (int) (System.nanoTime() / 1000);
                    Step st = current;
                    if (st == null) {
                        continue;
                    }
                    if (st.latCount < st.lat.length) {
                        st.lat[st.latCount++] = (now - in.getInt(4)) & 0xffffffffL;
                    }
                    st.received++;
                }
            } catch (Exception e) {
                // sink closed: benchmark over
            }
        }, "sink");
        sinkThread.setDaemon(true);
        sinkThread.start();
        double bestPerCore = 0;
        String summary = null;
        for (String r : rates) {
            int rate = Integer.parseInt(r);
            long packets = (long) (rate * stepSeconds);
            Step st = new Step((int) packets);
            current = st;
            long cpu0 = threads.getThreadCpuTime(relayTid);
            long drops0 = udpReceiveBufferErrors();
            double achieved = gen.step(rate, packets);
            // wait for stragglers until none has come for a second: late packets count in the latency, not as lost
            int seen = -1;
            long quietSince = System.nanoTime();
            while (st.received < packets && System.nanoTime() - quietSince < 1_000_000_000L) {
                if (st.received != seen) {
                    seen = st.received;
                    quietSince = System.nanoTime();
                }
                Thread.sleep(1);
            }
            long cpu = threads.getThreadCpuTime(relayTid) - cpu0;
            int received = st.received;
            long lost = packets - received;
            long drops = udpReceiveBufferErrors() - drops0;
            long[] l = Arrays.copyOf(st.lat, st.latCount);
            Arrays.sort(l);
            double p50 = l.length == 0 ? -1 : l[l.length / 2];
            double p99 = l.length == 0 ? -1 : l[(int) (l.length * 0.99)];
            double perCore = received / (cpu / 1e9);
            System.err.printf("media: offered %d pps (achieved %.0f) over %d sessions: received %d, lost %d (%.3f%%), "
                    + "p50 %.0f us, p99 %.0f us, relay thread CPU %.2f s -> %.0f pps per core; kernel UDP receive-buffer "
                    + "drops (whole machine) %d%n", rate, achieved, sessions,
                    received, lost, 100.0 * lost / packets, p50, p99, cpu / 1e9, perCore, drops);
            if (lost == 0 && perCore > bestPerCore) {
                bestPerCore = perCore;
            }
            summary = String.format("media.relay_offered: %d packets/s%nmedia.relay_achieved: %.0f packets/s%n"
                    + "media.relay_lost: %d packets%nmedia.relay_latency_p50: %.0f us%nmedia.relay_latency_p99: %.0f us%n"
                    + "media.relay_per_core: %.0f packets/s", rate, achieved, lost, p50, p99, perCore);
            if (lost * 100 > packets) {
                break; // more than 1 % lost: the top step is reached
            }
        }
        System.out.println(summary);
        System.out.printf("media.relay_per_core_zero_loss: %.0f packets/s%n", bestPerCore);
        System.out.printf("media.sessions: %d sessions%n", sessions);
        current = null;
        gen.close();
        sink.close();
        for (RelaySession s : open) {
            s.close();
        }
        engine.close();
    }

    /** The generator as a thread of this JVM (the figures before the generator moved out). */
    static Generator threadGenerator(int[] ports, MasterKey[] keys, int sessions) throws Exception {
        InetAddress lo = InetAddress.getLoopbackAddress();
        DatagramChannel gen = DatagramChannel.open().bind(new InetSocketAddress(lo, 0));
        gen.setOption(StandardSocketOptions.SO_SNDBUF, 4 << 20);
        SrtpStream[] senders = new SrtpStream[sessions];
        InetSocketAddress[] target = new InetSocketAddress[sessions];
        for (int i = 0; i < sessions; i++) {
            senders[i] = SrtpStream.sender(SrtpSuite.AES_CM_128_HMAC_SHA1_80, keys[i], SessionParams.NONE);
            target[i] = new InetSocketAddress(lo, ports[i]);
        }
        int[] seq = new int[sessions];
        PacketBuffer p = new PacketBuffer(2048);
        ByteBuffer out = ByteBuffer.wrap(p.getBuffer());
        return (rate, packets) -> {
            long start = System.nanoTime();
            long interval = 1_000_000_000L / rate;
            for (long n = 0; n < packets; n++) {
                int i = (int) (n % sessions);
                long due = start + n * interval;
                while (System.nanoTime() < due) {
                    Thread.onSpinWait();
                }
                p.load(rtp(seq[i]++ & 0xffff, i), 0, LEN);
                senders[i].protectRtp(p);
                out.clear();
                out.limit(p.getLength());
                gen.send(out, target[i]);
            }
            return packets / ((System.nanoTime() - start) / 1e9);
        };
    }

    /** The generator in its own JVM, driven over its standard input (ports and throw-away keys, then steps). */
    static Generator processGenerator(int[] ports, MasterKey[] keys) throws Exception {
        String javaExe = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(javaExe, "-Xmx256m", "-Djava.util.logging.config.file=/dev/null", "-cp",
                System.getProperty("java.class.path"), System.getProperty("bench.source"), "generator")
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        var toGen = new java.io.PrintWriter(new java.io.OutputStreamWriter(p.getOutputStream(),
                java.nio.charset.StandardCharsets.US_ASCII), true);
        var fromGen = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(),
                java.nio.charset.StandardCharsets.US_ASCII));
        HexFormat hex = HexFormat.of();
        toGen.println(ports.length);
        for (int i = 0; i < ports.length; i++) {
            toGen.println(ports[i] + " " + hex.formatHex(keys[i].key()) + " " + hex.formatHex(keys[i].salt()));
        }
        return new Generator() {
            @Override
            public double step(int rate, long packets) throws Exception {
                toGen.println(rate + " " + packets);
                String line = fromGen.readLine();
                if (line == null) {
                    throw new IllegalStateException("generator process ended");
                }
                return Double.parseDouble(line);
            }

            @Override
            public void close() throws Exception {
                toGen.println("0 0");
                p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
                p.destroyForcibly();
            }
        };
    }

    /** Child side of {@link #processGenerator}. */
    static void generator() throws Exception {
        var in = new java.io.BufferedReader(new java.io.InputStreamReader(System.in, java.nio.charset.StandardCharsets.US_ASCII));
        int sessions = Integer.parseInt(in.readLine().trim());
        int[] ports = new int[sessions];
        MasterKey[] keys = new MasterKey[sessions];
        HexFormat hex = HexFormat.of();
        for (int i = 0; i < sessions; i++) {
            String[] f = in.readLine().split(" ");
            ports[i] = Integer.parseInt(f[0]);
            keys[i] = new MasterKey(hex.parseHex(f[1]), hex.parseHex(f[2]), 0, 0, 0);
        }
        Generator g = threadGenerator(ports, keys, sessions);
        String line;
        while ((line = in.readLine()) != null) {
            String[] f = line.split(" ");
            int rate = Integer.parseInt(f[0]);
            if (rate == 0) {
                break;
            }
            double achieved = g.step(rate, Long.parseLong(f[1]));
            System.out.println(achieved);
            System.out.flush();
        }
    }
}
