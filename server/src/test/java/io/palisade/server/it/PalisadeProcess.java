package io.palisade.server.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The server as a user runs it: {@code java -jar server/target/palisade.jar} in its own process with a fresh data
 * directory and a configuration file, stopped with SIGTERM.
 */
final class PalisadeProcess implements AutoCloseable {
    static final Path JAR = Path.of(System.getProperty("palisade.jar", "target/palisade.jar")).toAbsolutePath();
    static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();

    final Path dataDir;
    final Path configFile;
    final int tlsPort;
    final int tcpPort;
    final int udpPort;
    final int adminPort;
    private final Process process;
    private final List<String> output = new CopyOnWriteArrayList<>();
    private final Thread reader;

    private PalisadeProcess(Path dataDir, Path configFile, int tlsPort, int tcpPort, int udpPort, int adminPort,
            Process process) {
        this.dataDir = dataDir;
        this.configFile = configFile;
        this.tlsPort = tlsPort;
        this.tcpPort = tcpPort;
        this.udpPort = udpPort;
        this.adminPort = adminPort;
        this.process = process;
        this.reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    output.add(line);
                }
            } catch (IOException e) {
                // process gone
            }
        }, "palisade-output");
        reader.setDaemon(true);
        reader.start();
    }

    /** Writes a config with loopback listeners on free ports (TLS, and TCP/UDP trusted for 127.0.0.0/8). */
    static Map<String, String> defaults(Path dataDir) {
        Map<String, String> cfg = new TreeMap<>();
        cfg.put("sip.address", "127.0.0.1");
        cfg.put("sip.tls.port", Integer.toString(freePort()));
        cfg.put("sip.tcp.port", Integer.toString(freePort()));
        cfg.put("sip.udp.port", Integer.toString(freePort()));
        cfg.put("sip.trusted-networks", "127.0.0.0/8");
        cfg.put("sip.plain-register-networks", "127.0.0.0/8");
        // the tests' main client address is exempt from rate limits and bans; the edge tests use 127.0.0.2 and up
        cfg.put("edge.exempt-networks", "127.0.0.1/32");
        cfg.put("sip.domain", "127.0.0.1");
        cfg.put("auth.realm", "palisade.test");
        cfg.put("admin.port", Integer.toString(freePort())); // never the default 8443: tests run side by side
        return cfg;
    }

    static PalisadeProcess start(Path dataDir, Map<String, String> config) throws IOException {
        Files.createDirectories(dataDir);
        Path cfgFile = dataDir.resolveSibling(dataDir.getFileName() + ".properties");
        writeConfig(cfgFile, config);
        List<String> cmd = new ArrayList<>(List.of(JAVA, "-Xmx512m", "-jar", JAR.toString(),
                "--config", cfgFile.toString(), "--data-dir", dataDir.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        PalisadeProcess pp = new PalisadeProcess(dataDir, cfgFile, port(config, "sip.tls.port"),
                port(config, "sip.tcp.port"), port(config, "sip.udp.port"), port(config, "admin.port"), p);
        if (!pp.awaitOutput(l -> l.startsWith("Palisade ready"), Duration.ofSeconds(60))) {
            String log = pp.output();
            pp.close();
            throw new IllegalStateException("Palisade did not become ready; its output:\n" + log);
        }
        return pp;
    }

    static void writeConfig(Path file, Map<String, String> config) throws IOException {
        StringBuilder sb = new StringBuilder();
        config.forEach((k, v) -> sb.append(k).append('=').append(v).append('\n'));
        Files.writeString(file, sb.toString());
    }

    private static int port(Map<String, String> config, String key) {
        String v = config.get(key);
        return v == null ? -1 : Integer.parseInt(v);
    }

    /** A port free on loopback for both TCP and UDP right now. */
    static int freePort() {
        for (int i = 0; i < 100; i++) {
            // below Linux's ephemeral range (32768-60999), so no client socket or auto-bound listener can take it
            int port = ThreadLocalRandom.current().nextInt(10_000, 32_000);
            try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress());
                 DatagramSocket d = new DatagramSocket(port, InetAddress.getLoopbackAddress())) {
                return port;
            } catch (IOException e) {
                // taken: try another
            }
        }
        throw new IllegalStateException("no free port");
    }

    boolean awaitOutput(Predicate<String> line, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            boolean alive = process.isAlive();
            if (output.stream().anyMatch(line)) {
                return true;
            }
            if (!alive) {
                return false;
            }
            pause();
        }
        return false;
    }

    private static void pause() {
        try {
            TimeUnit.MILLISECONDS.sleep(50); // polling interval of a wait that has its own deadline
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    String output() {
        return String.join("\n", output);
    }

    List<String> lines() {
        return List.copyOf(output);
    }

    long pid() {
        return process.pid();
    }

    /**
     * Heap in use after a full collection, in bytes, read with the JDK's {@code jcmd} (GC.run, then GC.heap_info):
     * what the server retains, as opposed to garbage it has not collected yet.
     */
    long retainedHeapBytes() throws IOException, InterruptedException {
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        jcmdOutput(jcmd, "GC.run");
        String info = jcmdOutput(jcmd, "GC.heap_info");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("heap\\s+total[^\\n]*?used (\\d+)K").matcher(info);
        if (!m.find()) {
            throw new IllegalStateException("no heap figures in jcmd GC.heap_info:\n" + info);
        }
        return Long.parseLong(m.group(1)) * 1024;
    }

    private String jcmdOutput(String jcmd, String command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(jcmd, Long.toString(pid()), command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException("jcmd " + command + " failed:\n" + out);
        }
        return out;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** SIGTERM, then wait; returns the exit code. */
    int stop(Duration timeout) throws InterruptedException {
        // Through the handle: Process.destroy() would also close our end of its output, losing the last lines.
        process.toHandle().destroy();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
            throw new IllegalStateException("Palisade did not stop within " + timeout + " of SIGTERM:\n" + output());
        }
        reader.join(10_000); // everything the process wrote before it ended is in output()
        return process.exitValue();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Result of a CLI run. */
    record Cli(int exitCode, String out) {
    }

    /** Runs {@code java -jar palisade.jar --config ... --data-dir ... ARGS} with {@code stdin}. */
    static Cli cli(Path dataDir, Path configFile, String stdin, String... args) {
        List<String> cmd = new ArrayList<>(List.of(JAVA, "-jar", JAR.toString()));
        if (configFile != null) {
            cmd.addAll(List.of("--config", configFile.toString()));
        }
        if (dataDir != null) {
            cmd.addAll(List.of("--data-dir", dataDir.toString()));
        }
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            try (OutputStream in = p.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("CLI did not finish: " + cmd);
            }
            return new Cli(p.exitValue(), out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    Cli cli(String stdin, String... args) {
        return cli(dataDir, configFile, stdin, args);
    }

    /**
     * {@code registrations list} until its output satisfies {@code shown}, for at most 20 s: the CLI reads the
     * database, which the server's registration write-back updates once per interval (README,
     * {@code registrar.write-back}). Returns the last run.
     */
    Cli registrationsUntil(java.util.function.Predicate<String> shown) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        Cli list = cli(null, "registrations", "list");
        while (!(list.exitCode() == 0 && shown.test(list.out())) && System.nanoTime() < deadline) {
            list = cli(null, "registrations", "list"); // a JVM start each time: the runs are their own pacing
        }
        return list;
    }
}
