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
        double stepSeconds = Double.parseDouble(System.getProperty("step", "5"));
        String[] rates = System.getProperty("rates", "50000 100000 120000 150000").split(" ");
        if (Boolean.parseBoolean(System.getProperty("transform", "true"))) {
            transform();
        }
        relay(sessions, stepSeconds, rates);
    }

    static byte[] rtp(int seq, int ssrc) {
        byte[] p = new byte[LEN];
        p[0] = (byte) 0x80;
        stamp(p, seq, ssrc);
        return p;
    }

    /** Sequence number, the time now (us, in the RTP timestamp: the relay passes it through) and SSRC. */
    static void stamp(byte[] p, int seq, int ssrc) {
        p[2] = (byte) (seq >> 8);
        p[3] = (byte) seq;
        int us = (int) (System.nanoTime() / 1000);
        p[4] = (byte) (us >> 24); p[5] = (byte) (us >> 16); p[6] = (byte) (us >> 8); p[7] = (byte) us;
        p[8] = (byte) (ssrc >> 24); p[9] = (byte) (ssrc >> 16); p[10] = (byte) (ssrc >> 8); p[11] = (byte) ssrc;
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

    /** What the load side saw in one rate step. */
    record StepResult(double achieved, int received, int[] latUs, int secondHalfFrom, double loadCpuSeconds) {
        /** The latency at quantile q (us) of the packets from index {@code from} on, in arrival order. */
        double quantile(double q, int from) {
            if (latUs.length - from <= 0) {
                return -1;
            }
            int[] l = Arrays.copyOfRange(latUs, from, latUs.length);
            Arrays.sort(l);
            return l[Math.min(l.length - 1, (int) (l.length * q))];
        }
    }

    /** Sends the packets of one rate step and receives what the relay forwards. */
    interface Load extends AutoCloseable {
        StepResult step(int rate, long packets) throws Exception;

        @Override
        default void close() throws Exception {
        }
    }

    static void relay(int sessions, double stepSeconds, String[] rates) throws Exception {
        InetAddress lo = InetAddress.getLoopbackAddress();
        int ioThreads = Integer.getInteger("ioThreads", 1);
        RelayEngine engine = RelayEngine.start(
                new RelayConfig(lo, lo, 34000, 34000 + sessions * 4 + 8, ioThreads, Duration.ofMinutes(5), false, 1500),
                MediaEventListener.NONE);
        // the sink's socket lives here only to be bound before the sessions name it; the load side receives on it
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
        Load load;
        if (mode.equals("thread")) {
            load = threadLoad(ports, keys, sink);
        } else {
            sink.close(); // the load process binds the same port
            load = processLoad(ports, keys, sinkAddr.getPort());
        }
        System.err.println("media: load (generator + sink) in a " + (mode.equals("thread") ? "thread of the relay's JVM"
                : "separate JVM") + ", relay JVM on CPUs " + System.getProperty("relayCpus", "any") + ", load on CPUs "
                + System.getProperty("loadCpus", "any") + ", " + ioThreads + " relay I/O thread(s)");
        var threads = ManagementFactory.getThreadMXBean();
        long[] relayTids = Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("media-io-"))
                .mapToLong(Thread::getId).toArray();
        double warmup = Double.parseDouble(System.getProperty("warmup", "2"));
        if (warmup > 0) {
            int rate = Integer.parseInt(rates[0]);
            load.step(rate, (long) (rate * warmup)); // JIT and page faults, not reported
        }
        double bestPerCore = 0;
        int bestRateUnder1ms = 0;
        String summary = null;
        StringBuilder perStep = new StringBuilder();
        for (String r : rates) {
            int rate = Integer.parseInt(r);
            long packets = (long) (rate * stepSeconds);
            long cpu0 = cpu(threads, relayTids);
            long drops0 = udpReceiveBufferErrors();
            long wall0 = System.nanoTime();
            StepResult st = load.step(rate, packets);
            double wall = (System.nanoTime() - wall0) / 1e9;
            long cpu = cpu(threads, relayTids) - cpu0;
            int received = st.received();
            long lost = packets - received;
            long drops = udpReceiveBufferErrors() - drops0;
            double p50 = st.quantile(0.5, 0);
            double p99 = st.quantile(0.99, 0);
            double p999 = st.quantile(0.999, 0);
            double max = st.quantile(1.0, 0);
            double p99late = st.quantile(0.99, st.secondHalfFrom());
            double perCore = received / (cpu / 1e9);
            System.err.printf("media: offered %d pps (achieved %.0f) over %d sessions: received %d, lost %d (%.3f%%), "
                    + "p50 %.0f us, p99 %.0f us (second half of the step %.0f us), p99.9 %.0f us, max %.0f us; "
                    + "relay I/O CPU %.2f s of %.2f s wall (%.0f%% busy) -> %.0f pps per core; load CPU %.2f s; "
                    + "kernel UDP receive-buffer drops (whole machine) %d%n", rate, st.achieved(), sessions,
                    received, lost, 100.0 * lost / packets, p50, p99, p99late, p999, max, cpu / 1e9, wall,
                    100 * cpu / 1e9 / wall / relayTids.length, perCore, st.loadCpuSeconds(), drops);
            perStep.append(String.format("media.relay_at_%d_p50: %.0f us%nmedia.relay_at_%d_p99: %.0f us%n"
                    + "media.relay_at_%d_lost: %d packets%nmedia.relay_at_%d_io_busy: %.0f %%%n", rate, p50, rate, p99, rate,
                    lost, rate, 100 * cpu / 1e9 / wall / relayTids.length));
            if (lost == 0 && perCore > bestPerCore) {
                bestPerCore = perCore;
            }
            if (lost == 0 && p99 < 1000 && rate > bestRateUnder1ms) {
                bestRateUnder1ms = rate;
            }
            summary = String.format("media.relay_offered: %d packets/s%nmedia.relay_achieved: %.0f packets/s%n"
                    + "media.relay_lost: %d packets%nmedia.relay_latency_p50: %.0f us%nmedia.relay_latency_p99: %.0f us%n"
                    + "media.relay_latency_p999: %.0f us%nmedia.relay_per_core: %.0f packets/s%n"
                    + "media.relay_io_busy: %.0f %%", rate, st.achieved(), lost, p50, p99, p999, perCore,
                    100 * cpu / 1e9 / wall / relayTids.length);
            if (lost * 100 > packets) {
                break; // more than 1 % lost: the top step is reached
            }
        }
        System.out.print(perStep);
        System.out.println(summary);
        System.out.printf("media.relay_per_core_zero_loss: %.0f packets/s%n", bestPerCore);
        System.out.printf("media.relay_rate_zero_loss_p99_under_1ms: %d packets/s%n", bestRateUnder1ms);
        System.out.printf("media.sessions: %d sessions%n", sessions);
        System.out.printf("media.io_threads: %d threads%n", ioThreads);
        load.close();
        for (RelaySession s : open) {
            s.close();
        }
        engine.close();
    }

    static long cpu(java.lang.management.ThreadMXBean threads, long[] tids) {
        long sum = 0;
        for (long t : tids) {
            sum += threads.getThreadCpuTime(t);
        }
        return sum;
    }

    /**
     * The load: a generator thread and a sink thread. The generator sleeps between ticks and sends every packet due by
     * then (a busy-waiting generator took a whole core from the relay on a 2-core machine), each stamped with the time
     * it was built, just before it is protected and sent; the sink takes each relayed packet's latency as its receive
     * time minus that stamp (System.nanoTime is CLOCK_MONOTONIC on Linux, shared by all JVMs).
     */
    static Load threadLoad(int[] ports, MasterKey[] keys, DatagramChannel sink) throws Exception {
        int sessions = ports.length;
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
        // packets are built in place: no allocation per packet, so no collection pauses the sink during a step
        byte[] template = rtp(0, 0);
        PacketBuffer p = new PacketBuffer(2048);
        ByteBuffer out = ByteBuffer.wrap(p.getBuffer());
        long tick = Long.getLong("tickNanos", 50_000);
        var threads = ManagementFactory.getThreadMXBean();
        Thread sinkThread = new Thread(() -> {
            ByteBuffer in = ByteBuffer.allocateDirect(2048);
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
        long genTid = Thread.currentThread().getId();
        return new Load() {
            @Override
            public StepResult step(int rate, long packets) throws Exception {
                Step st = new Step((int) packets);
                current = st;
                long cpu0 = threads.getThreadCpuTime(genTid) + threads.getThreadCpuTime(sinkThread.getId());
                long start = System.nanoTime();
                long n = 0;
                while (n < packets) {
                    long due = Math.min(packets, (System.nanoTime() - start) * rate / 1_000_000_000L + 1);
                    for (; n < due; n++) {
                        int i = (int) (n % sessions);
                        p.load(template, 0, LEN);
                        stamp(p.getBuffer(), seq[i]++ & 0xffff, i);
                        senders[i].protectRtp(p);
                        out.clear();
                        out.limit(p.getLength());
                        gen.send(out, target[i]);
                    }
                    if (n < packets) {
                        java.util.concurrent.locks.LockSupport.parkNanos(tick);
                    }
                }
                double achieved = packets / ((System.nanoTime() - start) / 1e9);
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
                current = null;
                int count = st.latCount;
                int[] lat = new int[count];
                for (int k = 0; k < count; k++) {
                    lat[k] = (int) Math.min(Integer.MAX_VALUE, st.lat[k]);
                }
                long cpu = threads.getThreadCpuTime(genTid) + threads.getThreadCpuTime(sinkThread.getId()) - cpu0;
                return new StepResult(achieved, st.received, lat, count / 2, cpu / 1e9);
            }
        };
    }

    /**
     * The load in its own JVM (pinned by bench/media/run to other CPUs than the relay's), driven over its standard
     * input (sink port, ports and throw-away keys, then steps); it answers each step with one line: achieved rate,
     * packets received, load CPU seconds, then a file of latencies.
     */
    static Load processLoad(int[] ports, MasterKey[] keys, int sinkPort) throws Exception {
        String javaExe = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>();
        String loadCpus = System.getProperty("loadCpus", "");
        if (!loadCpus.isEmpty()) {
            cmd.addAll(List.of("taskset", "-c", loadCpus));
        }
        cmd.addAll(List.of(javaExe, "-Xms256m", "-Xmx256m", "-Djava.util.logging.config.file=/dev/null", "-cp",
                System.getProperty("java.class.path"), System.getProperty("bench.source"), "generator"));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        var toGen = new java.io.PrintWriter(new java.io.OutputStreamWriter(p.getOutputStream(),
                java.nio.charset.StandardCharsets.US_ASCII), true);
        var fromGen = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(),
                java.nio.charset.StandardCharsets.US_ASCII));
        HexFormat hex = HexFormat.of();
        toGen.println(ports.length + " " + sinkPort);
        for (int i = 0; i < ports.length; i++) {
            toGen.println(ports[i] + " " + hex.formatHex(keys[i].key()) + " " + hex.formatHex(keys[i].salt()));
        }
        Path latFile = java.nio.file.Files.createTempFile("media-bench-lat", ".bin");
        return new Load() {
            @Override
            public StepResult step(int rate, long packets) throws Exception {
                toGen.println(rate + " " + packets + " " + latFile);
                String line = fromGen.readLine();
                if (line == null) {
                    throw new IllegalStateException("load process ended");
                }
                String[] f = line.split(" ");
                var data = new java.io.DataInputStream(new java.io.BufferedInputStream(java.nio.file.Files.newInputStream(latFile)));
                int n = data.readInt();
                int[] lat = new int[n];
                for (int i = 0; i < n; i++) {
                    lat[i] = data.readInt();
                }
                data.close();
                return new StepResult(Double.parseDouble(f[0]), Integer.parseInt(f[1]), lat, n / 2, Double.parseDouble(f[2]));
            }

            @Override
            public void close() throws Exception {
                toGen.println("0 0 -");
                p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
                p.destroyForcibly();
                java.nio.file.Files.deleteIfExists(latFile);
            }
        };
    }

    /** Child side of {@link #processLoad}. */
    static void generator() throws Exception {
        var in = new java.io.BufferedReader(new java.io.InputStreamReader(System.in, java.nio.charset.StandardCharsets.US_ASCII));
        String[] head = in.readLine().trim().split(" ");
        int sessions = Integer.parseInt(head[0]);
        InetAddress lo = InetAddress.getLoopbackAddress();
        DatagramChannel sink = DatagramChannel.open().bind(new InetSocketAddress(lo, Integer.parseInt(head[1])));
        sink.setOption(StandardSocketOptions.SO_RCVBUF, 8 << 20);
        int[] ports = new int[sessions];
        MasterKey[] keys = new MasterKey[sessions];
        HexFormat hex = HexFormat.of();
        for (int i = 0; i < sessions; i++) {
            String[] f = in.readLine().split(" ");
            ports[i] = Integer.parseInt(f[0]);
            keys[i] = new MasterKey(hex.parseHex(f[1]), hex.parseHex(f[2]), 0, 0, 0);
        }
        Load g = threadLoad(ports, keys, sink);
        String line;
        while ((line = in.readLine()) != null) {
            String[] f = line.split(" ");
            int rate = Integer.parseInt(f[0]);
            if (rate == 0) {
                break;
            }
            StepResult r = g.step(rate, Long.parseLong(f[1]));
            try (var outData = new java.io.DataOutputStream(new java.io.BufferedOutputStream(
                    java.nio.file.Files.newOutputStream(Path.of(f[2]))))) {
                outData.writeInt(r.latUs().length);
                for (int v : r.latUs()) {
                    outData.writeInt(v);
                }
            }
            System.out.println(r.achieved() + " " + r.received() + " " + r.loadCpuSeconds());
            System.out.flush();
        }
        sink.close();
    }
}
