// Copyright (C) the Palisade authors. SPDX-License-Identifier: AGPL-3.0-or-later
//
// Concurrent anchored SRTP calls through Palisade's B2BUA (run by bench/srtp-calls/run, which starts and stops the
// server). This program is the load: N callers and N callees, SIP over TLS (JSSE, trusting only the server's
// certificate), digest authentication, SDES keys of its own per endpoint and call, and SRTP G.711 (PCMU, 20 ms,
// 160-byte payload, 50 packets/s) in both directions of every call, protected and verified with the media module's
// SRTP classes. Each step sets up N calls, holds them with media for a fixed window, stops the media, drains, hangs
// every call up (BYE) and checks the server let go of every call and relay port before the next step.
//
// Nothing here prints SDP bodies, keys, nonces or Authorization values.
import io.palisade.media.sdes.CryptoAttribute;
import io.palisade.media.sdes.CryptoParse;
import io.palisade.media.sdes.CryptoParser;
import io.palisade.media.sdes.SdesKeys;
import io.palisade.media.sdes.SessionParams;
import io.palisade.media.sdes.SrtpSuite;
import io.palisade.media.srtp.PacketBuffer;
import io.palisade.media.srtp.SrtpStatus;
import io.palisade.media.srtp.SrtpStream;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

public class SrtpCallsBenchmark {
    static final SrtpSuite SUITE = SrtpSuite.AES_CM_128_HMAC_SHA1_80;
    static final int PAYLOAD = 160;          // G.711 at 8 kHz, 20 ms
    static final int PTIME_MS = 20;
    static final int USERS_PER_CONNECTION = 100;
    static final SecureRandom RNG = new SecureRandom();
    static final AtomicLong IDS = new AtomicLong();

    static String host;
    static int port;
    static String domain;
    static String password;
    static SSLContext tls;
    static long serverPid;
    static long clockTicks;
    static List<String> callsListCommand;

    static void say(String fmt, Object... args) {
        System.err.printf("srtp-calls: " + fmt + "%n", args);
    }

    public static void main(String[] args) throws Exception {
        host = System.getProperty("host", "127.0.0.1");
        port = Integer.getInteger("port", 5201);
        domain = System.getProperty("domain", "127.0.0.1");
        password = System.getProperty("password", "secret");
        serverPid = Long.getLong("server.pid", -1);
        clockTicks = Long.getLong("clock.ticks", 100);
        callsListCommand = List.of(System.getProperty("calls.list", "").trim().split("\\s+"));
        int stepSeconds = Integer.getInteger("step.seconds", 20);
        double setupRate = Double.parseDouble(System.getProperty("setup.rate", "100"));
        double lossLimit = Double.parseDouble(System.getProperty("loss.limit", "0.1"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Long.getLong("budget.seconds", 500));
        List<Integer> steps = new ArrayList<>();
        for (String s : System.getProperty("steps", "50 100 200 300 400 600 800 1000").trim().split("\\s+")) {
            steps.add(Integer.parseInt(s));
        }
        int maxCalls = steps.stream().mapToInt(Integer::intValue).max().orElseThrow();
        tls = trusting(Path.of(System.getProperty("cert")));
        windowSeconds = stepSeconds;

        // callees register once, for the largest step, 100 per connection (as phones behind one office SBC would)
        List<Conn> calleeConns = new ArrayList<>();
        Callees callees = new Callees();
        for (int i = 0; i < maxCalls; i += USERS_PER_CONNECTION) {
            Conn c = new Conn("callee-conn-" + calleeConns.size(), callees::onMessage);
            calleeConns.add(c);
        }
        long t0 = System.nanoTime();
        registerAll(calleeConns, maxCalls);
        say("registered %d callees over %d TLS connections in %.1f s", maxCalls, calleeConns.size(),
                (System.nanoTime() - t0) / 1e9);
        List<Conn> callerConns = new ArrayList<>();
        Callers callers = new Callers();
        for (int i = 0; i < maxCalls; i += USERS_PER_CONNECTION) {
            callerConns.add(new Conn("caller-conn-" + callerConns.size(), callers::onMessage));
        }
        int baselineUdp = serverUdpSockets();
        say("server UDP sockets before the first step: %d", baselineUdp);

        // a hard stop a little after the budget: whatever step is running, the figures so far are printed
        Thread watchdog = new Thread(() -> {
            long wait = deadline + TimeUnit.SECONDS.toNanos(15) - System.nanoTime();
            LockSupport.parkNanos(Math.max(1, wait));
            if (System.nanoTime() >= deadline) {
                say("time budget exceeded during a step: reporting the steps done so far");
                printFigures("the time budget, during a step (calls of that step were left to the server's shutdown)");
                Runtime.getRuntime().halt(0);
            }
        }, "watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        String stopReason = "the top of the ramp passed (the figure is a lower bound)";
        double setupSecondsPerCall = 1 / setupRate;
        for (int n : steps) {
            // a step needs its set-up, its hold, the drain, its hang-up and the checks: about this long
            double needed = n * setupSecondsPerCall + stepSeconds + n / 200.0 + 25;
            double left = (deadline - System.nanoTime()) / 1e9;
            if (needed > left) {
                stopReason = String.format(Locale.ROOT, "the time budget: step %d needs about %.0f s, %.0f s left "
                        + "(the figure is a lower bound)", n, needed, left);
                break;
            }
            StepResult r = runStep(n, stepSeconds, setupRate, callerConns, callees, callers, baselineUdp);
            setupSecondsPerCall = Math.max(setupSecondsPerCall, r.setupSeconds / n);
            String fault = r.fault(lossLimit);
            String client = r.clientLimit();
            if (client != null) {
                // the machine ran out before the server: the step measures the load client, not Palisade
                say("step %d: NOT COUNTED: %s%s", n, client, fault == null ? "" : "; and " + fault);
                stopReason = "the load client at step " + n + " (" + client + "); the figure is a lower bound";
                break;
            }
            say("step %d: %s", n, fault == null ? "passed" : "FAILED: " + fault);
            if (fault != null) {
                stopReason = "the server at step " + n + ": " + fault;
                break;
            }
            best = r;
        }
        say("ramp ended: %s", stopReason);
        printFigures(stopReason);
        for (Conn c : callerConns) {
            c.close();
        }
        // no un-REGISTER: the server is stopped next; closing the flows is enough
        for (Conn c : calleeConns) {
            c.close();
        }
    }

    static volatile StepResult best;
    static volatile int windowSeconds;
    static boolean printed;

    static synchronized void printFigures(String stopReason) {
        if (printed) {
            return;
        }
        printed = true;
        StepResult fig = best;
        System.out.printf(Locale.ROOT, "srtp-calls.concurrent_calls: %d calls%n", fig == null ? 0 : fig.calls);
        if (fig != null) {
            System.out.printf(Locale.ROOT, "srtp-calls.relayed_pps: %.0f packets/s (received by the endpoints during the"
                    + " %d s window at %d calls)%n", fig.relayedPps, windowSeconds, fig.calls);
            System.out.printf(Locale.ROOT, "srtp-calls.loss_at_max: %.4f %%%n", fig.lossPercent());
            System.out.printf(Locale.ROOT, "srtp-calls.auth_failures_at_max: %d packets%n", fig.authFail);
            System.out.printf(Locale.ROOT, "srtp-calls.latency_p50_at_max: %.2f ms%n", fig.latP50 / 1000.0);
            System.out.printf(Locale.ROOT, "srtp-calls.latency_p99_at_max: %.2f ms (one way through the relay, "
                    + "client scheduling included)%n", fig.latP99 / 1000.0);
            System.out.printf(Locale.ROOT, "srtp-calls.sender_lateness_p99_at_max: %.2f ms (how late the load client "
                    + "sent against the 20 ms clock)%n", fig.lateP99 / 1000.0);
            System.out.printf(Locale.ROOT, "srtp-calls.server_cpu_at_max: %.0f %% of one core (relay I/O threads %.0f %%)%n",
                    fig.serverCpu, fig.relayCpu);
            System.out.printf(Locale.ROOT, "srtp-calls.relay_per_core_at_max: %.0f packets/s (relayed per CPU second of "
                    + "the relay I/O threads; compare media.relay_per_core from bench/run media)%n", fig.relayPerCore);
            System.out.printf(Locale.ROOT, "srtp-calls.client_cpu_at_max: %.0f %% of one core%n", fig.clientCpu);
        }
        System.out.printf(Locale.ROOT, "srtp-calls.stopped_by: %s%n", stopReason);
        System.out.flush();
    }

    // ------------------------------------------------------------------------------------------ one step

    static final class StepResult {
        int calls;
        int setUp;
        int setupFailed;
        int hungUp;
        long windowSent;
        long windowReceived;
        long lifeSent;
        long lifeReceived;
        long authFail;
        long replay;
        long invalid;
        long early;
        long earlyAtCallees;
        long silentStreams;
        double relayedPps;
        double latP50;
        double latP99;
        double latMax;
        double lateP99;
        double serverCpu;
        double relayCpu;
        double clientCpu;
        double relayPerCore;
        int callsLeft = -1;
        int udpLeft;
        double setupSeconds;
        long nominal;                  // packets the window should carry: 2 streams x 50 packets/s per call
        long relayDrops;               // datagrams the kernel dropped at the relay's sockets (full receive buffer)
        long clientDrops;              // ... and at the load client's sockets
        String setupFailures = "";

        /** Why the load client did not offer or take the whole load (then the step says nothing of the server). */
        String clientLimit() {
            if (windowSent < 0.995 * nominal) {
                return String.format(Locale.ROOT, "the load client sent only %.1f %% of the %d packets due",
                        100.0 * windowSent / nominal, nominal);
            }
            if (lossPercent() > 0 && clientDrops > relayDrops && clientDrops >= windowSent - windowReceived) {
                return clientDrops + " packet(s) dropped at the load client's own sockets";
            }
            return null;
        }

        double lossPercent() {
            return windowSent == 0 ? 100 : 100.0 * (windowSent - windowReceived) / windowSent;
        }

        String fault(double lossLimit) {
            if (setUp < calls) {
                return (calls - setUp) + " call(s) not set up (" + setupFailures + ")";
            }
            if (authFail > 0) {
                return authFail + " SRTP authentication failure(s) at the endpoints";
            }
            if (lossPercent() > lossLimit) {
                return String.format(Locale.ROOT, "loss %.3f %% > %.3f %% (kernel drops at the relay's sockets %d, "
                        + "at the client's %d)", lossPercent(), lossLimit, relayDrops, clientDrops);
            }
            if (silentStreams > 0) {
                return silentStreams + " stream(s) received nothing";
            }
            if (hungUp < calls) {
                return (calls - hungUp) + " call(s) not hung up cleanly";
            }
            if (callsLeft != 0) {
                return "server still lists " + callsLeft + " call(s) in progress after hang-up";
            }
            if (udpLeft != 0) {
                return "server still holds " + udpLeft + " relay UDP socket(s) after hang-up";
            }
            return null;
        }
    }

    static StepResult runStep(int n, int stepSeconds, double setupRate, List<Conn> callerConns, Callees callees,
            Callers callers, int baselineUdp) throws Exception {
        StepResult r = new StepResult();
        r.calls = n;
        Media media = new Media(n);
        callees.step = media;
        callers.step = media;
        List<Call> calls = new ArrayList<>(n);
        Map<Integer, AtomicInteger> failures = new ConcurrentHashMap<>();
        try {
            // ---- set-up, paced, at most 100 set-ups in flight
            long t0 = System.nanoTime();
            Semaphore window = new Semaphore(100);
            for (int i = 0; i < n; i++) {
                long due = t0 + (long) (i * 1e9 / setupRate);
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                if (!window.tryAcquire(15, TimeUnit.SECONDS)) {
                    break;
                }
                Call c = new Call(i, callerConns.get(i / USERS_PER_CONNECTION), media.callers[i]);
                calls.add(c);
                c.up.whenComplete((ok, e) -> window.release());
                callers.start(c);
            }
            long setupDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            for (Call c : calls) {
                try {
                    c.up.get(Math.max(1, setupDeadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                    r.setUp++;
                } catch (Exception e) {
                    failures.computeIfAbsent(c.failure, k -> new AtomicInteger()).incrementAndGet();
                }
            }
            StringBuilder fs = new StringBuilder();
            failures.forEach((code, count) -> fs.append(fs.length() == 0 ? "" : ", ").append(count).append(" x ")
                    .append(code == 0 ? "no final response within 15 s" : "final " + code));
            r.setupFailures = fs.toString();
            r.setupFailed = n - r.setUp;
            r.setupSeconds = (System.nanoTime() - t0) / 1e9;
            say("step %d: %d/%d calls set up in %.1f s%s", n, r.setUp, n, (System.nanoTime() - t0) / 1e9,
                    r.setupFailed > 0 ? " (" + r.setupFailures + ")" : "");
            int udpDuring = serverUdpSockets();

            // ---- the measured window: every call that is up sends and receives; packets stamped inside count
            Thread.sleep(1000); // the last calls' first packets are through
            media.latency.reset();
            media.lateness.reset();
            // the window opens a little later, so that both ends see its bounds before the first packet inside it
            long w0 = System.nanoTime() + 50_000_000L;
            media.windowEnd = w0 + TimeUnit.SECONDS.toNanos(stepSeconds);
            media.windowStart = w0;
            while (System.nanoTime() < w0) {
                Thread.sleep(1);
            }
            long[] cpu0 = serverCpu();
            long client0 = ticks(Path.of("/proc/self/stat"));
            long[] drops0 = {udpDrops(serverPid), udpDrops(ProcessHandle.current().pid())};
            Thread.sleep(TimeUnit.SECONDS.toMillis(stepSeconds));
            while (System.nanoTime() < media.windowEnd) {
                Thread.sleep(1);
            }
            long[] cpu1 = serverCpu();
            long client1 = ticks(Path.of("/proc/self/stat"));
            double secs = (System.nanoTime() - w0) / 1e9;

            // ---- stop the media, let stragglers arrive (quiet for a second, at most 5 s), then count
            media.stopSending();
            long quietSince = System.nanoTime();
            long seen = -1;
            long drainEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (System.nanoTime() < drainEnd && System.nanoTime() - quietSince < 1_000_000_000L) {
                long now = media.lifeReceived();
                if (now != seen) {
                    seen = now;
                    quietSince = System.nanoTime();
                }
                Thread.sleep(5);
            }
            r.relayDrops = udpDrops(serverPid) - drops0[0];
            r.clientDrops = udpDrops(ProcessHandle.current().pid()) - drops0[1];
            r.nominal = 2L * r.setUp * (1000 / PTIME_MS) * stepSeconds;
            r.windowSent = media.windowSent.get();
            r.windowReceived = media.windowReceived.get();
            for (Endpoint e : media.callees) {
                r.earlyAtCallees += e.early;
            }
            for (Endpoint e : media.all()) {
                r.lifeSent += e.sent;
                r.lifeReceived += e.received;
                r.authFail += e.authFail;
                r.replay += e.replay;
                r.invalid += e.invalid;
                r.early += e.early;
                if (e.sending && e.received == 0) {
                    r.silentStreams++;
                }
            }
            r.relayedPps = r.windowReceived / (double) stepSeconds;
            r.latP50 = media.latency.percentile(0.50);
            r.latP99 = media.latency.percentile(0.99);
            r.latMax = media.latency.max;
            r.lateP99 = media.lateness.percentile(0.99);
            double tick = clockTicks;
            r.serverCpu = 100.0 * (cpu1[0] - cpu0[0]) / tick / secs;
            r.relayCpu = 100.0 * (cpu1[1] - cpu0[1]) / tick / secs;
            r.clientCpu = 100.0 * (client1 - client0) / tick / secs;
            r.relayPerCore = cpu1[1] > cpu0[1] ? r.windowReceived / ((cpu1[1] - cpu0[1]) / tick) : 0;
            say("step %d: window %d s: sent %d, received %d, lost %d (%.4f %%); whole calls: sent %d, received %d; "
                    + "SRTP auth failures %d, replays %d, invalid %d, before the key %d (at callees %d); "
                    + "streams with nothing received %d; "
                    + "kernel drops at the relay's sockets %d, at the client's %d",
                    n, stepSeconds, r.windowSent, r.windowReceived, r.windowSent - r.windowReceived, r.lossPercent(),
                    r.lifeSent, r.lifeReceived, r.authFail, r.replay, r.invalid, r.early, r.earlyAtCallees, r.silentStreams,
                    r.relayDrops, r.clientDrops);
            say("step %d: relayed %.0f packets/s; one-way latency through the relay p50 %.2f ms, p99 %.2f ms, max %.2f ms;"
                    + " sender lateness p99 %.2f ms; server CPU %.0f %% of a core (relay I/O threads %.0f %%, %.0f packets"
                    + " per relay-core second), load client CPU %.0f %%; server UDP sockets %d (%d before); load average %s",
                    n, r.relayedPps, r.latP50 / 1000, r.latP99 / 1000, r.latMax / 1000, r.lateP99 / 1000, r.serverCpu,
                    r.relayCpu, r.relayPerCore, r.clientCpu, udpDuring, baselineUdp, loadAverage());

            // ---- hang up: BYE from every caller whose call is up, paced; the callee must see its BYE too
            long h0 = System.nanoTime();
            Semaphore byeWindow = new Semaphore(100);
            List<Call> up = new ArrayList<>();
            for (Call c : calls) {
                if (c.up.isDone() && !c.up.isCompletedExceptionally()) {
                    byeWindow.acquire();
                    c.byeDone.whenComplete((ok, e) -> byeWindow.release());
                    callers.hangUp(c);
                    up.add(c);
                } else {
                    callers.abandon(c);
                }
            }
            long byeDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            for (Call c : up) {
                try {
                    c.byeDone.get(Math.max(1, byeDeadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                    Endpoint callee = media.callees[c.index];
                    while (!callee.byeReceived && System.nanoTime() < byeDeadline) {
                        Thread.sleep(1);
                    }
                    if (callee.byeReceived) {
                        r.hungUp++;
                    }
                } catch (Exception e) {
                    // counted as not hung up
                }
            }
            say("step %d: %d/%d calls hung up (200 to the caller's BYE, BYE at the callee) in %.1f s", n, r.hungUp,
                    r.setUp, (System.nanoTime() - h0) / 1e9);
        } finally {
            media.close();
            callees.step = null;
            callers.step = null;
        }
        // ---- the server must have let go of everything: no call in progress, relay sockets back to the baseline
        long checkEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        do {
            r.udpLeft = serverUdpSockets() - baselineUdp;
            if (r.udpLeft == 0) {
                break;
            }
            Thread.sleep(200);
        } while (System.nanoTime() < checkEnd);
        r.callsLeft = callsInProgress();
        say("step %d: after hang-up the server lists %d call(s) in progress and holds %d relay UDP socket(s) more than "
                + "before the first step", n, r.callsLeft, r.udpLeft);
        return r;
    }

    // ------------------------------------------------------------------------------------------ media

    /** One RTP endpoint of one call: its own UDP socket, its own key, the relay's key for what it receives. */
    static final class Endpoint {
        final DatagramChannel channel;
        final int localPort;
        final int ssrc = RNG.nextInt();
        final CryptoAttribute own = SdesKeys.fresh(1, SUITE, SessionParams.NONE);
        volatile InetSocketAddress remote;
        volatile SrtpStream tx;       // used by the sender thread only once published through 'sending'
        volatile SrtpStream rx;       // used by the receiver thread only
        volatile boolean sending;
        volatile boolean byeReceived;
        int seq = RNG.nextInt(0x10000);
        int timestamp = RNG.nextInt();
        volatile long sent;
        volatile long received;
        volatile long authFail;
        volatile long replay;
        volatile long invalid;
        volatile long early;

        Endpoint() throws IOException {
            channel = DatagramChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            channel.setOption(StandardSocketOptions.SO_RCVBUF, 256 << 10);
            channel.configureBlocking(false);
            localPort = ((InetSocketAddress) channel.getLocalAddress()).getPort();
        }

        /**
         * The relay's address and key for this endpoint are known. The socket is connected to the relay's port (the
         * relay sends from the port it receives on): the kernel skips a route lookup per packet and nothing else
         * reaches the endpoint.
         */
        void peer(InetSocketAddress relay, CryptoAttribute relayKey) throws IOException {
            channel.connect(relay);
            remote = relay;
            tx = SrtpStream.sender(SUITE, own.key(), SessionParams.NONE);
            rx = SrtpStream.receiver(relayKey.suite(), relayKey.key(), relayKey.params());
        }

        void close() {
            try {
                channel.close();
            } catch (IOException e) {
                // closing
            }
            SrtpStream t = tx;
            SrtpStream x = rx;
            if (t != null) {
                t.close();
            }
            if (x != null) {
                x.close();
            }
            own.destroy();
        }
    }

    /** Histogram in microseconds (10 us buckets to 2 s, then one overflow bucket), single writer. */
    static final class Histogram {
        final long[] buckets = new long[200_001];
        volatile long count;
        long max;

        void record(long us) {
            if (us < 0) {
                us = 0;
            }
            if (us > max) {
                max = us;
            }
            buckets[(int) Math.min(us / 10, buckets.length - 1)]++;
            count++;
        }

        void reset() {
            java.util.Arrays.fill(buckets, 0);
            max = 0;
            count = 0;
        }

        double percentile(double q) {
            long total = 0;
            for (long b : buckets) {
                total += b;
            }
            long want = (long) Math.ceil(total * q);
            long acc = 0;
            for (int i = 0; i < buckets.length; i++) {
                acc += buckets[i];
                if (acc >= want && acc > 0) {
                    return i * 10 + 5;
                }
            }
            return -1;
        }
    }

    /** The media of one step: 2N endpoints, one sender thread (20 time slots of 1 ms), one receiver thread. */
    static final class Media {
        final Endpoint[] callers;
        final Endpoint[] callees;
        final List<List<Endpoint>> slots = new ArrayList<>();
        final Selector selector;
        final Histogram latency = new Histogram();
        final Histogram lateness = new Histogram();
        final AtomicLong windowSent = new AtomicLong();
        final AtomicLong windowReceived = new AtomicLong();
        volatile long windowStart = Long.MAX_VALUE;
        volatile long windowEnd = Long.MAX_VALUE;
        volatile boolean running = true;
        volatile boolean sendingAllowed = true;
        final Thread sender;
        final Thread receiver;

        Media(int n) throws IOException {
            callers = new Endpoint[n];
            callees = new Endpoint[n];
            selector = Selector.open();
            for (int i = 0; i < PTIME_MS; i++) {
                slots.add(new ArrayList<>());
            }
            for (int i = 0; i < n; i++) {
                callers[i] = new Endpoint();
                callees[i] = new Endpoint();
                // spread the streams evenly over the 20 ms period
                slots.get((2 * i) % PTIME_MS).add(callers[i]);
                slots.get((2 * i + 1) % PTIME_MS).add(callees[i]);
                callers[i].channel.register(selector, SelectionKey.OP_READ, callers[i]);
                callees[i].channel.register(selector, SelectionKey.OP_READ, callees[i]);
            }
            sender = new Thread(this::sendLoop, "rtp-sender");
            receiver = new Thread(this::receiveLoop, "rtp-receiver");
            sender.setPriority(Thread.MAX_PRIORITY);
            sender.start();
            receiver.start();
        }

        List<Endpoint> all() {
            List<Endpoint> l = new ArrayList<>(callers.length * 2);
            l.addAll(List.of(callers));
            l.addAll(List.of(callees));
            return l;
        }

        long lifeReceived() {
            long s = 0;
            for (Endpoint e : callers) {
                s += e.received;
            }
            for (Endpoint e : callees) {
                s += e.received;
            }
            return s;
        }

        void stopSending() throws InterruptedException {
            sendingAllowed = false;
            // the sender finishes the tick it is in
            Thread.sleep(30);
        }

        void sendLoop() {
            PacketBuffer p = new PacketBuffer(2048);
            byte[] b = p.getBuffer();
            ByteBuffer out = ByteBuffer.wrap(b);
            long start = System.nanoTime();
            long tick = 0;
            while (running) {
                long due = start + tick * 1_000_000L;
                long now = System.nanoTime();
                if (now < due) {
                    LockSupport.parkNanos(due - now);
                    continue;
                }
                if (!sendingAllowed) {
                    tick++;
                    continue;
                }
                List<Endpoint> slot = slots.get((int) (tick % PTIME_MS));
                boolean any = false;
                for (Endpoint e : slot) {
                    if (!e.sending) {
                        continue;
                    }
                    any = true;
                    long t = System.nanoTime();
                    b[0] = (byte) 0x80;
                    b[1] = 0; // PCMU
                    b[2] = (byte) (e.seq >> 8);
                    b[3] = (byte) e.seq;
                    b[4] = (byte) (e.timestamp >> 24);
                    b[5] = (byte) (e.timestamp >> 16);
                    b[6] = (byte) (e.timestamp >> 8);
                    b[7] = (byte) e.timestamp;
                    b[8] = (byte) (e.ssrc >> 24);
                    b[9] = (byte) (e.ssrc >> 16);
                    b[10] = (byte) (e.ssrc >> 8);
                    b[11] = (byte) e.ssrc;
                    // payload: the send time (ns, this JVM's monotonic clock) then PCMU silence
                    for (int k = 0; k < 8; k++) {
                        b[12 + k] = (byte) (t >> (56 - 8 * k));
                    }
                    java.util.Arrays.fill(b, 20, 12 + PAYLOAD, (byte) 0xFF);
                    p.set(0, 12 + PAYLOAD);
                    if (e.tx.protectRtp(p) != SrtpStatus.OK) {
                        continue;
                    }
                    out.clear();
                    out.limit(p.getLength());
                    try {
                        e.channel.write(out);
                    } catch (IOException ex) {
                        continue; // closed at the end of the step
                    }
                    e.seq = (e.seq + 1) & 0xffff;
                    e.timestamp += PAYLOAD;
                    e.sent++;
                    if (t >= windowStart && t < windowEnd) {
                        windowSent.incrementAndGet();
                    }
                }
                if (any && due >= windowStart && due < windowEnd) {
                    lateness.record((System.nanoTime() - due) / 1000);
                }
                tick++;
            }
        }

        void receiveLoop() {
            PacketBuffer p = new PacketBuffer(2048);
            byte[] b = p.getBuffer();
            ByteBuffer in = ByteBuffer.wrap(b);
            while (running) {
                try {
                    selector.select(100);
                } catch (IOException | java.nio.channels.ClosedSelectorException e) {
                    return;
                }
                for (SelectionKey k : selector.selectedKeys()) {
                    // one datagram per ready socket and select (at 50 packets/s a socket seldom holds two; a second
                    // read would mostly be a wasted system call, and the next select reports it again anyway)
                    Endpoint e = (Endpoint) k.attachment();
                    {
                        in.clear();
                        SrtpStream rx = e.rx;
                        try {
                            if (rx == null) {
                                if (e.channel.receive(in) != null) {
                                    e.early++; // media before the key was known: nothing to verify it with
                                }
                                continue;
                            }
                            if (e.channel.read(in) <= 0) {
                                continue;
                            }
                        } catch (IOException ex) {
                            continue;
                        }
                        long now = System.nanoTime();
                        p.set(0, in.position());
                        SrtpStatus st = rx.unprotectRtp(p);
                        if (st == SrtpStatus.OK) {
                            long t = 0;
                            for (int i = 0; i < 8; i++) {
                                t = (t << 8) | (b[12 + i] & 0xff);
                            }
                            if (t >= windowStart && t < windowEnd) {
                                latency.record((now - t) / 1000);
                                windowReceived.incrementAndGet();
                            }
                            e.received++;
                        } else if (st == SrtpStatus.AUTH_FAIL) {
                            e.authFail++;
                        } else if (st == SrtpStatus.REPLAY) {
                            e.replay++;
                        } else {
                            e.invalid++;
                        }
                    }
                }
                selector.selectedKeys().clear();
            }
        }

        void close() throws InterruptedException {
            running = false;
            sender.join(2000);
            selector.wakeup();
            receiver.join(2000);
            for (Endpoint e : all()) {
                e.close();
            }
            try {
                selector.close();
            } catch (IOException e) {
                // closing
            }
        }
    }

    // ------------------------------------------------------------------------------------------ SIP over TLS

    /** A SIP message as read from the stream: start line, header fields (names in canonical long form), body. */
    static final class Msg {
        final String first;
        final List<String[]> headers;
        final String body;

        Msg(String first, List<String[]> headers, String body) {
            this.first = first;
            this.headers = headers;
            this.body = body;
        }

        boolean isResponse() {
            return first.startsWith("SIP/2.0 ");
        }

        int status() {
            return Integer.parseInt(first.substring(8, 11));
        }

        String method() {
            return first.substring(0, first.indexOf(' '));
        }

        String requestUri() {
            return first.split(" ")[1];
        }

        String header(String name) {
            for (String[] h : headers) {
                if (h[0].equalsIgnoreCase(name)) {
                    return h[1];
                }
            }
            return null;
        }

        List<String> all(String name) {
            List<String> l = new ArrayList<>();
            for (String[] h : headers) {
                if (h[0].equalsIgnoreCase(name)) {
                    l.add(h[1]);
                }
            }
            return l;
        }

        String cseqMethod() {
            String c = header("CSeq");
            return c == null ? "" : c.trim().split("\\s+")[1];
        }

        String callId() {
            return header("Call-ID");
        }
    }

    static final Map<String, String> COMPACT = Map.of("i", "Call-ID", "f", "From", "t", "To", "v", "Via", "m",
            "Contact", "l", "Content-Length", "c", "Content-Type", "k", "Supported");

    /** One TLS connection to Palisade; a reader thread hands every message to the owner's handler. */
    static final class Conn {
        final String name;
        final SSLSocket socket;
        final OutputStream out;
        final InputStream in;
        final int localPort;
        final Consumer<Msg> handler;
        final Thread reader;
        volatile boolean closing;

        Conn(String name, java.util.function.BiConsumer<Conn, Msg> handler) throws IOException {
            this.name = name;
            socket = (SSLSocket) tls.getSocketFactory().createSocket(host, port);
            socket.setTcpNoDelay(true);
            socket.setEnabledProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
            socket.startHandshake();
            out = socket.getOutputStream();
            in = new BufferedInputStream(socket.getInputStream(), 65536);
            localPort = socket.getLocalPort();
            this.handler = m -> handler.accept(this, m);
            reader = new Thread(this::readLoop, name);
            reader.setDaemon(true);
            reader.start();
        }

        String via(String branch) {
            return "SIP/2.0/TLS 127.0.0.1:" + localPort + ";branch=" + branch + ";rport";
        }

        String contact(String user) {
            return "<sip:" + user + "@127.0.0.1:" + localPort + ";transport=tls>";
        }

        void send(String message) {
            byte[] b = message.getBytes(StandardCharsets.UTF_8);
            synchronized (out) {
                try {
                    out.write(b);
                    out.flush();
                } catch (IOException e) {
                    if (!closing) {
                        say("%s: send failed: %s", name, e);
                    }
                }
            }
        }

        void readLoop() {
            try {
                while (true) {
                    Msg m = read();
                    if (m == null) {
                        break;
                    }
                    try {
                        handler.accept(m);
                    } catch (RuntimeException e) {
                        say("%s: handling %s: %s", name, m.first, e);
                    }
                }
            } catch (IOException e) {
                if (!closing) {
                    say("%s: connection lost: %s", name, e);
                }
            }
            if (!closing) {
                say("%s: closed by the server", name);
            }
        }

        String line() throws IOException {
            ByteArrayOutputStream l = new ByteArrayOutputStream(128);
            int c;
            while ((c = in.read()) != -1) {
                if (c == '\n') {
                    String s = l.toString(StandardCharsets.UTF_8);
                    return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
                }
                l.write(c);
            }
            return null;
        }

        Msg read() throws IOException {
            String first;
            do {
                first = line(); // blank lines are keep-alives (RFC 5626 section 4.4.1)
                if (first == null) {
                    return null;
                }
            } while (first.isEmpty());
            List<String[]> headers = new ArrayList<>();
            String l;
            while ((l = line()) != null && !l.isEmpty()) {
                if ((l.startsWith(" ") || l.startsWith("\t")) && !headers.isEmpty()) {
                    String[] last = headers.get(headers.size() - 1);
                    last[1] = last[1] + " " + l.trim();
                    continue;
                }
                int colon = l.indexOf(':');
                if (colon < 0) {
                    continue;
                }
                String name = l.substring(0, colon).trim();
                name = COMPACT.getOrDefault(name.toLowerCase(Locale.ROOT), name);
                headers.add(new String[] {name, l.substring(colon + 1).trim()});
            }
            int length = 0;
            for (String[] h : headers) {
                if (h[0].equalsIgnoreCase("Content-Length")) {
                    length = Integer.parseInt(h[1].trim());
                }
            }
            String body = new String(in.readNBytes(length), StandardCharsets.UTF_8);
            return new Msg(first, headers, body);
        }

        void close() {
            closing = true;
            try {
                socket.close();
            } catch (IOException e) {
                // closing
            }
        }
    }

    static String token() {
        return Long.toHexString(RNG.nextLong() & Long.MAX_VALUE) + Long.toHexString(IDS.incrementAndGet());
    }

    static String branch() {
        return "z9hG4bK" + token();
    }

    static String user(String role, int index) {
        return String.format(Locale.ROOT, "%s%04d", role, index + 1);
    }

    // ------------------------------------------------------------------------------------------ digest (RFC 7616/8760)

    static final Pattern PARAM = Pattern.compile("([A-Za-z0-9-]+)\\s*=\\s*(\"([^\"]*)\"|[^\\s,]+)");

    static Map<String, String> params(String challenge) {
        Map<String, String> m = new ConcurrentHashMap<>();
        Matcher x = PARAM.matcher(challenge.replaceFirst("^\\s*Digest\\s+", ""));
        while (x.find()) {
            m.put(x.group(1).toLowerCase(Locale.ROOT), x.group(3) != null ? x.group(3) : x.group(2));
        }
        return m;
    }

    /** Credentials for the strongest challenge offered (SHA-256 over MD5), qop=auth. */
    static String credentials(List<String> challenges, String method, String uri, String user) throws Exception {
        Map<String, String> pick = null;
        for (String c : challenges) {
            Map<String, String> p = params(c);
            String alg = p.getOrDefault("algorithm", "MD5");
            if (alg.equalsIgnoreCase("SHA-256")) {
                pick = p;
                break;
            }
            if (alg.equalsIgnoreCase("MD5") && pick == null) {
                pick = p;
            }
        }
        if (pick == null) {
            throw new IllegalStateException("no usable digest challenge");
        }
        String alg = pick.getOrDefault("algorithm", "MD5");
        String jca = alg.equalsIgnoreCase("SHA-256") ? "SHA-256" : "MD5";
        String realm = pick.get("realm");
        String nonce = pick.get("nonce");
        String cnonce = token();
        String nc = "00000001";
        String ha1 = hex(jca, user + ":" + realm + ":" + password);
        String ha2 = hex(jca, method + ":" + uri);
        String response = hex(jca, ha1 + ":" + nonce + ":" + nc + ":" + cnonce + ":auth:" + ha2);
        StringBuilder sb = new StringBuilder("Digest username=\"").append(user).append("\", realm=\"").append(realm)
                .append("\", nonce=\"").append(nonce).append("\", uri=\"").append(uri).append("\", response=\"")
                .append(response).append("\", algorithm=").append(alg).append(", qop=auth, nc=").append(nc)
                .append(", cnonce=\"").append(cnonce).append('"');
        if (pick.containsKey("opaque")) {
            sb.append(", opaque=\"").append(pick.get("opaque")).append('"');
        }
        return sb.toString();
    }

    static String hex(String alg, String s) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance(alg).digest(s.getBytes(StandardCharsets.UTF_8)));
    }

    // ------------------------------------------------------------------------------------------ registration

    static void registerAll(List<Conn> conns, int n) throws Exception {
        Map<String, CompletableFuture<Integer>> pending = new ConcurrentHashMap<>();
        registrations = pending;
        Semaphore window = new Semaphore(50);
        List<CompletableFuture<Integer>> all = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            window.acquire();
            Conn c = conns.get(i / USERS_PER_CONNECTION);
            String u = user("callee", i);
            String callId = token() + "@reg";
            CompletableFuture<Integer> f = new CompletableFuture<>();
            f.whenComplete((x, e) -> window.release());
            pending.put(callId, f);
            all.add(f);
            c.send(register(c, u, callId, 1, null));
        }
        int failed = 0;
        for (CompletableFuture<Integer> f : all) {
            try {
                if (f.get(30, TimeUnit.SECONDS) != 200) {
                    failed++;
                }
            } catch (Exception e) {
                failed++;
            }
        }
        if (failed > 0) {
            throw new IllegalStateException(failed + " callee registration(s) failed");
        }
    }

    static volatile Map<String, CompletableFuture<Integer>> registrations = Map.of();

    static String register(Conn c, String user, String callId, int cseq, String authorization) {
        return "REGISTER sip:" + domain + " SIP/2.0\r\n"
                + "Via: " + c.via(branch()) + "\r\n"
                + "From: <sip:" + user + "@" + domain + ">;tag=" + token() + "\r\n"
                + "To: <sip:" + user + "@" + domain + ">\r\n"
                + "Call-ID: " + callId + "\r\n"
                + "CSeq: " + cseq + " REGISTER\r\n"
                + "Contact: " + c.contact(user) + "\r\n"
                + (authorization == null ? "" : "Authorization: " + authorization + "\r\n")
                + "Max-Forwards: 70\r\nExpires: 3600\r\nUser-Agent: Palisade bench srtp-calls\r\nContent-Length: 0\r\n\r\n";
    }

    /** The REGISTER exchange, on the callee connection's reader thread. */
    static void onRegisterResponse(Conn c, Msg m) throws Exception {
        CompletableFuture<Integer> f = registrations.get(m.callId());
        if (f == null || m.status() < 200) {
            return;
        }
        String to = m.header("To");
        String u = to.substring(to.indexOf("sip:") + 4, to.indexOf('@'));
        int cseq = Integer.parseInt(m.header("CSeq").trim().split("\\s+")[0]);
        if (m.status() == 401 && cseq == 1) {
            String auth = credentials(m.all("WWW-Authenticate"), "REGISTER", "sip:" + domain, u);
            c.send(register(c, u, m.callId(), 2, auth));
            return;
        }
        registrations.remove(m.callId());
        f.complete(m.status());
    }

    // ------------------------------------------------------------------------------------------ SDP

    record Sdp(InetSocketAddress media, CryptoAttribute crypto) {
    }

    static final CryptoParser CRYPTO = new CryptoParser();

    /** The address, port and our suite's a=crypto of the first audio stream; null when any is missing. */
    static Sdp sdp(String body) throws Exception {
        String addr = null;
        int mport = -1;
        CryptoAttribute crypto = null;
        for (String l : body.split("\r?\n")) {
            if (l.startsWith("c=IN IP4 ") || l.startsWith("c=IN IP6 ")) {
                addr = l.substring(9).trim();
            } else if (l.startsWith("m=audio ")) {
                mport = Integer.parseInt(l.split(" ")[1]);
            } else if (l.startsWith("a=crypto:") && crypto == null) {
                CryptoParse p = CRYPTO.parse(l.trim());
                if (p instanceof CryptoParse.Ok ok && ok.value().suite() == SUITE) {
                    crypto = ok.value();
                }
            }
        }
        if (addr == null || mport <= 0 || crypto == null) {
            return null;
        }
        return new Sdp(new InetSocketAddress(InetAddress.getByName(addr), mport), crypto);
    }

    static String sdpBody(String origin, Endpoint e, int cryptoTag) {
        String crypto = e.own.toSdpValue();
        if (cryptoTag != 1) {
            crypto = cryptoTag + crypto.substring(crypto.indexOf(' '));
        }
        return "v=0\r\n"
                + "o=" + origin + " " + (System.currentTimeMillis() / 1000) + " 1 IN IP4 127.0.0.1\r\n"
                + "s=-\r\n"
                + "c=IN IP4 127.0.0.1\r\n"
                + "t=0 0\r\n"
                + "m=audio " + e.localPort + " RTP/SAVP 0\r\n"
                + "a=rtpmap:0 PCMU/8000\r\n"
                + "a=ptime:20\r\n"
                + "a=crypto:" + crypto + "\r\n";
    }

    // ------------------------------------------------------------------------------------------ callers

    /** One call, as its caller sees it. */
    static final class Call {
        final int index;
        final Conn conn;
        final Endpoint endpoint;
        final String caller;
        final String callee;
        final String callId = token() + "@srtp-calls";
        final String fromTag = token();
        final CompletableFuture<Void> up = new CompletableFuture<>();
        final CompletableFuture<Void> byeDone = new CompletableFuture<>();
        volatile int failure;          // final status that failed the set-up (0: none seen)
        String firstBranch;
        String toHeader;               // the To of the 2xx (with the B2BUA's tag)
        String target;                 // the 2xx's Contact URI
        List<String> routes = List.of();
        volatile int state;            // 1 first INVITE, 2 INVITE with credentials, 3 up, 4 BYE sent, 5 over

        Call(int index, Conn conn, Endpoint endpoint) {
            this.index = index;
            this.conn = conn;
            this.endpoint = endpoint;
            this.caller = user("caller", index);
            this.callee = user("callee", index);
        }

        String from() {
            return "<sip:" + caller + "@" + domain + ">;tag=" + fromTag;
        }

        String invite(int cseq, String branch, String proxyAuthorization) {
            String body = sdpBody(caller, endpoint, 1);
            return "INVITE sip:" + callee + "@" + domain + " SIP/2.0\r\n"
                    + "Via: " + conn.via(branch) + "\r\n"
                    + "From: " + from() + "\r\n"
                    + "To: <sip:" + callee + "@" + domain + ">\r\n"
                    + "Call-ID: " + callId + "\r\n"
                    + "CSeq: " + cseq + " INVITE\r\n"
                    + "Contact: " + conn.contact(caller) + "\r\n"
                    + (proxyAuthorization == null ? "" : "Proxy-Authorization: " + proxyAuthorization + "\r\n")
                    + "Max-Forwards: 70\r\n"
                    + "User-Agent: Palisade bench srtp-calls\r\n"
                    + "Content-Type: application/sdp\r\n"
                    + "Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body;
        }

        String inDialog(String method, int cseq, String branch) {
            StringBuilder sb = new StringBuilder(method).append(' ').append(target).append(" SIP/2.0\r\n")
                    .append("Via: ").append(conn.via(branch)).append("\r\n");
            for (String r : routes) {
                sb.append("Route: ").append(r).append("\r\n");
            }
            return sb.append("From: ").append(from()).append("\r\n")
                    .append("To: ").append(toHeader).append("\r\n")
                    .append("Call-ID: ").append(callId).append("\r\n")
                    .append("CSeq: ").append(cseq).append(' ').append(method).append("\r\n")
                    .append("Max-Forwards: 70\r\nContent-Length: 0\r\n\r\n").toString();
        }
    }

    static final class Callers {
        final Map<String, Call> calls = new ConcurrentHashMap<>();
        volatile Media step;

        void start(Call c) {
            calls.put(c.callId, c);
            c.state = 1;
            c.firstBranch = branch();
            c.conn.send(c.invite(1, c.firstBranch, null));
        }

        void hangUp(Call c) {
            c.state = 4;
            c.conn.send(c.inDialog("BYE", 3, branch()));
        }

        void abandon(Call c) {
            calls.remove(c.callId);
            c.byeDone.completeExceptionally(new IllegalStateException("never up"));
        }

        void onMessage(Conn conn, Msg m) {
            Call c = calls.get(m.callId());
            if (!m.isResponse()) {
                // a request from the B2BUA on the caller's leg: only BYE is expected (a call ended by the server)
                conn.send(response(m, 200, "OK", null, null, null));
                if (c != null && m.method().equals("BYE")) {
                    say("%s: the server ended the call (BYE)", c.caller);
                    c.endpoint.sending = false;
                    c.state = 5;
                }
                return;
            }
            if (c == null) {
                return;
            }
            try {
                handle(c, m);
            } catch (Exception e) {
                say("%s: %s", c.caller, e);
                c.up.completeExceptionally(e);
            }
        }

        void handle(Call c, Msg m) throws Exception {
            int st = m.status();
            String method = m.cseqMethod();
            if (method.equals("BYE")) {
                if (st >= 200) {
                    calls.remove(c.callId);
                    c.state = 5;
                    if (st == 200) {
                        c.byeDone.complete(null);
                    } else {
                        c.byeDone.completeExceptionally(new IllegalStateException("BYE got " + st));
                    }
                }
                return;
            }
            if (!method.equals("INVITE") || st < 200) {
                return;
            }
            int cseq = Integer.parseInt(m.header("CSeq").trim().split("\\s+")[0]);
            if (st >= 300) {
                // ACK for a non-2xx final response: same branch, the To of the response (RFC 3261 17.1.1.3)
                String ack = "ACK sip:" + c.callee + "@" + domain + " SIP/2.0\r\n"
                        + "Via: " + m.header("Via") + "\r\n"
                        + "From: " + c.from() + "\r\n"
                        + "To: " + m.header("To") + "\r\n"
                        + "Call-ID: " + c.callId + "\r\n"
                        + "CSeq: " + cseq + " ACK\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n";
                c.conn.send(ack);
                if (st == 407 && cseq == 1 && c.state == 1) {
                    c.state = 2;
                    String auth = credentials(m.all("Proxy-Authenticate"), "INVITE",
                            "sip:" + c.callee + "@" + domain, c.caller);
                    c.conn.send(c.invite(2, branch(), auth));
                    return;
                }
                c.failure = st;
                calls.remove(c.callId);
                c.up.completeExceptionally(new IllegalStateException("final " + st));
                return;
            }
            // 2xx: the dialog is up (a retransmitted 2xx gets the same ACK again)
            if (c.state == 2) {
                c.toHeader = m.header("To");
                String contact = m.header("Contact");
                c.target = contact.substring(contact.indexOf('<') + 1, contact.indexOf('>'));
                List<String> rr = new ArrayList<>(m.all("Record-Route"));
                java.util.Collections.reverse(rr);
                c.routes = rr;
                Sdp answer = sdp(m.body);
                if (answer == null) {
                    c.conn.send(c.inDialog("ACK", cseq, branch()));
                    c.failure = 606;
                    c.up.completeExceptionally(new IllegalStateException("2xx without a usable SRTP answer"));
                    return;
                }
                // keys in place before the ACK: the callee starts sending when the B2BUA's ACK reaches it
                c.endpoint.peer(answer.media(), answer.crypto());
                c.endpoint.sending = true;
                c.state = 3;
                c.conn.send(c.inDialog("ACK", cseq, branch()));
                c.up.complete(null);
            } else if (c.state >= 3) {
                c.conn.send(c.inDialog("ACK", cseq, branch()));
            }
        }
    }

    /** A response to a request: Via, From, Call-ID and CSeq copied, To with our tag when given. */
    static String response(Msg req, int status, String reason, String toTag, String contact, String sdp) {
        StringBuilder sb = new StringBuilder("SIP/2.0 ").append(status).append(' ').append(reason).append("\r\n");
        for (String v : req.all("Via")) {
            sb.append("Via: ").append(v).append("\r\n");
        }
        for (String r : req.all("Record-Route")) {
            sb.append("Record-Route: ").append(r).append("\r\n");
        }
        String to = req.header("To");
        if (toTag != null && !to.contains(";tag=")) {
            to = to + ";tag=" + toTag;
        }
        sb.append("From: ").append(req.header("From")).append("\r\n")
                .append("To: ").append(to).append("\r\n")
                .append("Call-ID: ").append(req.callId()).append("\r\n")
                .append("CSeq: ").append(req.header("CSeq")).append("\r\n");
        if (contact != null) {
            sb.append("Contact: ").append(contact).append("\r\n");
        }
        if (sdp != null) {
            sb.append("Content-Type: application/sdp\r\n")
                    .append("Content-Length: ").append(sdp.getBytes(StandardCharsets.UTF_8).length).append("\r\n\r\n")
                    .append(sdp);
        } else {
            sb.append("Content-Length: 0\r\n\r\n");
        }
        return sb.toString();
    }

    // ------------------------------------------------------------------------------------------ callees

    static final class Callees {
        final Map<String, Endpoint> byCallId = new ConcurrentHashMap<>();
        final Map<String, String> tags = new ConcurrentHashMap<>();
        volatile Media step;

        void onMessage(Conn conn, Msg m) {
            try {
                if (m.isResponse()) {
                    onRegisterResponse(conn, m);
                    return;
                }
                switch (m.method()) {
                    case "INVITE" -> invite(conn, m);
                    case "ACK" -> {
                        Endpoint e = byCallId.get(m.callId());
                        if (e != null && e.remote != null && !e.sending && !e.byeReceived) {
                            e.sending = true; // the call is confirmed: the callee starts talking
                        }
                    }
                    case "BYE" -> {
                        Endpoint e = byCallId.remove(m.callId());
                        tags.remove(m.callId());
                        conn.send(response(m, 200, "OK", null, null, null));
                        if (e != null) {
                            e.byeReceived = true;
                        }
                    }
                    case "CANCEL" -> conn.send(response(m, 200, "OK", null, null, null));
                    default -> conn.send(response(m, 200, "OK", null, null, null));
                }
            } catch (Exception e) {
                say("%s: %s: %s", conn.name, m.first.split(" ")[0], e);
            }
        }

        void invite(Conn conn, Msg m) throws Exception {
            String uri = m.requestUri();
            String user = uri.substring(uri.indexOf(':') + 1, uri.indexOf('@'));
            Media media = step;
            int index = Integer.parseInt(user.substring("callee".length())) - 1;
            String contact = conn.contact(user);
            if (byCallId.containsKey(m.callId())) {
                // a re-INVITE (or a retransmission): answer with the same keys
                Endpoint e = byCallId.get(m.callId());
                conn.send(response(m, 200, "OK", tags.get(m.callId()), contact, sdpBody(user, e, 1)));
                return;
            }
            if (media == null || index < 0 || index >= media.callees.length) {
                conn.send(response(m, 486, "Busy Here", token(), null, null));
                return;
            }
            Sdp offer = sdp(m.body);
            if (offer == null) {
                conn.send(response(m, 488, "Not Acceptable Here", token(), null, null));
                return;
            }
            Endpoint e = media.callees[index];
            String tag = token();
            byCallId.put(m.callId(), e);
            tags.put(m.callId(), tag);
            e.peer(offer.media(), offer.crypto());
            conn.send(response(m, 180, "Ringing", tag, contact, null));
            conn.send(response(m, 200, "OK", tag, contact, sdpBody(user, e, offer.crypto().tag())));
        }
    }

    // ------------------------------------------------------------------------------------------ the server's side

    /** Trust exactly the server's certificate (its PEM from the data directory). */
    static SSLContext trusting(Path pem) throws Exception {
        KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
        ks.load(null, null);
        Collection<? extends java.security.cert.Certificate> certs;
        try (InputStream in = Files.newInputStream(pem)) {
            certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
        }
        int i = 0;
        for (var c : certs) {
            ks.setCertificateEntry("palisade-" + i++, (X509Certificate) c);
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), RNG);
        return ctx;
    }

    /** utime + stime of one /proc stat file, in clock ticks. */
    static long ticks(Path stat) {
        try {
            String s = Files.readString(stat);
            String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (Exception e) {
            return 0;
        }
    }

    /** The server's CPU ticks: the whole process, and its relay I/O threads (named media-io-N). */
    static long[] serverCpu() {
        if (serverPid <= 0) {
            return new long[] {0, 0};
        }
        long all = ticks(Path.of("/proc/" + serverPid + "/stat"));
        long relay = 0;
        try (var tasks = Files.list(Path.of("/proc/" + serverPid + "/task"))) {
            for (Path t : (Iterable<Path>) tasks::iterator) {
                try {
                    if (Files.readString(t.resolve("comm")).startsWith("media-io")) {
                        relay += ticks(t.resolve("stat"));
                    }
                } catch (IOException e) {
                    // the thread ended
                }
            }
        } catch (IOException e) {
            // the process ended
        }
        return new long[] {all, relay};
    }

    /** The machine's UDP sockets: inode -> datagrams dropped (the last column of /proc/net/udp). */
    static Map<String, Long> udpTable() {
        Map<String, Long> udp = new java.util.HashMap<>();
        for (String table : List.of("/proc/net/udp", "/proc/net/udp6")) {
            try {
                List<String> lines = Files.readAllLines(Path.of(table));
                for (int i = 1; i < lines.size(); i++) {
                    String[] f = lines.get(i).trim().split("\\s+");
                    if (f.length > 12) {
                        udp.put(f[9], Long.parseLong(f[12]));
                    }
                }
            } catch (IOException | NumberFormatException e) {
                // no IPv6, or another layout
            }
        }
        return udp;
    }

    /** The socket inodes a process holds. */
    static List<String> socketInodes(long pid) {
        List<String> l = new ArrayList<>();
        try (var fds = Files.list(Path.of("/proc/" + pid + "/fd"))) {
            for (Path fd : (Iterable<Path>) fds::iterator) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) {
                        l.add(target.substring(8, target.length() - 1));
                    }
                } catch (IOException e) {
                    // closed meanwhile
                }
            }
        } catch (IOException e) {
            return null;
        }
        return l;
    }

    /** UDP sockets the server process holds (its relay ports; SIP itself is TLS only here). */
    static int serverUdpSockets() {
        if (serverPid <= 0) {
            return 0;
        }
        Map<String, Long> udp = udpTable();
        List<String> mine = socketInodes(serverPid);
        return mine == null ? -1 : (int) mine.stream().filter(udp::containsKey).count();
    }

    /** Datagrams the kernel dropped so far at the UDP sockets a process holds now. */
    static long udpDrops(long pid) {
        if (pid <= 0) {
            return 0;
        }
        Map<String, Long> udp = udpTable();
        List<String> mine = socketInodes(pid);
        return mine == null ? 0 : mine.stream().mapToLong(i -> udp.getOrDefault(i, 0L)).sum();
    }

    /** Calls in progress according to the server ({@code palisade calls list}); -1 when it cannot be read. */
    static int callsInProgress() {
        if (callsListCommand.isEmpty() || callsListCommand.get(0).isEmpty()) {
            return 0;
        }
        try {
            Process p = new ProcessBuilder(callsListCommand).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(30, TimeUnit.SECONDS);
            Matcher m = Pattern.compile("(\\d+) call\\(s\\) in progress").matcher(out);
            return m.find() ? Integer.parseInt(m.group(1)) : -1;
        } catch (Exception e) {
            return -1;
        }
    }

    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "unknown";
        }
    }
}
