package io.palisade.core.config;

import io.palisade.core.net.Cidr;
import io.palisade.core.net.NetworkList;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Reads {@link PalisadeConfig} from, in rising precedence: built-in defaults, a properties file, environment
 * variables ({@code PALISADE_} + the key upper-cased with {@code .} and {@code -} as {@code _}, e.g.
 * {@code PALISADE_SIP_TLS_PORT}), and explicit overrides (command-line flags). Every problem is collected and
 * reported at once, each naming its key; unknown keys in the file are an error so typos do not pass silently.
 */
public final class ConfigLoader {

    /** Every key Palisade understands, with its default ({@code null} = unset). */
    public static final Map<String, String> KEYS;

    static {
        Map<String, String> k = new LinkedHashMap<>();
        k.put("data.dir", "palisade-data");
        k.put("sip.domain", null);
        k.put("auth.realm", null);
        k.put("sip.address", "0.0.0.0");
        k.put("sip.tls.port", "5061");
        k.put("sip.udp.port", null);
        k.put("sip.tcp.port", null);
        k.put("sip.trusted-networks", "");
        k.put("sip.plain-register-networks", "");
        k.put("tls.certificate", null);
        k.put("tls.private-key", null);
        k.put("tls.keystore", null);
        k.put("tls.keystore-password", null);
        k.put("tls.client-ca", null);
        k.put("tls.client-auth", null);
        k.put("auth.algorithms", "SHA-256,MD5");
        k.put("auth.md5-only-user-agents", "baresip");
        k.put("auth.nonce-lifetime", "300");
        k.put("registrar.min-expires", "60");
        k.put("registrar.max-expires", "3600");
        k.put("registrar.default-expires", "3600");
        k.put("registrar.max-contacts", "10");
        // unset: on with the embedded database, off with database.url (other nodes write the same table and must see
        // each other's bindings, so this node writes through)
        k.put("registrar.write-back", null);
        k.put("registrar.write-back-interval", "1");
        // Measured on 2 cores: 4 SIP worker threads gave 1,260 registrations/s, 16 gave 510/s, 64 collapsed at
        // 2,000/s offered (lock convoys on the PRNG and the connection pool). So: a few per core.
        k.put("sip.threads", Integer.toString(2 * Runtime.getRuntime().availableProcessors()));
        // JAIN-SIP gives every UDP datagram a buffer of this size, and a server transaction keeps it for Timer J
        // (32 s): at 64 KiB that was most of the heap under load. Larger messages belong on TCP/TLS anyway
        // (RFC 3261 section 18.1.1).
        k.put("sip.max-message-size", "8192");
        k.put("overload.max-server-transactions", "200000");
        k.put("overload.heap-percent", "85");
        k.put("edge.max-headers", "100");
        k.put("edge.max-header-length", "4096");
        k.put("edge.max-vias", "70");
        k.put("edge.limit.address-requests", "200/s burst 400");
        k.put("edge.limit.address-registers", "100/s burst 400");
        k.put("edge.limit.address-invites", "20/s burst 40");
        k.put("edge.limit.user-registers", "2/s burst 10");
        k.put("edge.ban.address-failures", "10");
        k.put("edge.ban.user-failures", "30");
        k.put("edge.ban.failure-window", "300");
        k.put("edge.ban.duration", "600");
        k.put("edge.ban.max-duration", "86400");
        k.put("edge.ban.offence-memory", "604800");
        k.put("edge.scanner.user-agents", String.join(",", io.palisade.core.edge.EdgeConfig.DEFAULT_SCANNERS));
        k.put("edge.scanner.unknown-users", "5");
        k.put("edge.exempt-networks", "");
        k.put("edge.deny-networks", "");
        k.put("edge.tls.allow-networks", "");
        k.put("edge.max-tracked-sources", "100000");
        k.put("edge.security-log", null);
        k.put("database.url", null);
        k.put("database.user", null);
        k.put("database.password", null);
        k.put("log.level", "INFO");
        k.put("admin.enabled", "true");
        // loopback by default: the console is reached through an SSH tunnel or a reverse proxy unless opened up
        k.put("admin.address", "127.0.0.1");
        k.put("admin.port", "8443");
        k.put("admin.initial-password", null);
        k.put("admin.session-idle-timeout", "900");
        k.put("admin.session-max-age", "28800");
        k.put("media.address", null);
        k.put("media.public-address", null);
        k.put("media.port-min", "16384");
        k.put("media.port-max", "32767");
        k.put("media.timeout", "60");
        k.put("call.max-duration", "14400");
        k.put("call.no-answer-timeout", "60");
        k.put("call.session-expires", "1800");
        k.put("call.min-session-expires", "90");
        k.put("call.max-redirects", "3");
        KEYS = java.util.Collections.unmodifiableMap(k);
    }

    private static final Set<String> SECRET_KEYS = Set.of("tls.keystore-password", "database.password",
            "admin.initial-password");

    /** Keys whose values are secrets: shown as {@code ****} wherever configuration is displayed. */
    public static boolean isSecret(String key) {
        return SECRET_KEYS.contains(key);
    }
    private static final Pattern DOMAIN = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?|\\[?[0-9A-Fa-f:.]+]?");
    private static final Set<String> LOG_LEVELS = Set.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "OFF");

    private ConfigLoader() {
    }

    public static String envName(String key) {
        return "PALISADE_" + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /**
     * @param file      properties file, or empty for none (a named file that does not exist is an error)
     * @param env       the process environment
     * @param overrides values that beat everything else (command-line flags), keyed like the file
     */
    public static PalisadeConfig load(Optional<Path> file, Map<String, String> env, Map<String, String> overrides) {
        List<String> problems = new ArrayList<>();
        Map<String, String> raw = new LinkedHashMap<>(KEYS);
        if (file.isPresent()) {
            Path f = file.get();
            if (!Files.isRegularFile(f)) {
                throw new ConfigException(List.of("config file " + f + ": not found or not a regular file"));
            }
            Properties p = new Properties();
            try (Reader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
                p.load(r);
            } catch (IOException | IllegalArgumentException e) {
                throw new ConfigException(List.of("config file " + f + ": cannot be read (" + e.getMessage() + ")"));
            }
            for (String key : new TreeSet<>(p.stringPropertyNames())) {
                if (!KEYS.containsKey(key)) {
                    problems.add(key + ": unknown setting (in " + f + ")");
                } else {
                    raw.put(key, p.getProperty(key).trim());
                }
            }
        }
        for (String key : KEYS.keySet()) {
            String v = env.get(envName(key));
            if (v != null) {
                raw.put(key, v.trim());
            }
        }
        for (Map.Entry<String, String> e : overrides.entrySet()) {
            if (!KEYS.containsKey(e.getKey())) {
                problems.add(e.getKey() + ": unknown setting");
            } else {
                raw.put(e.getKey(), e.getValue());
            }
        }
        Parser in = new Parser(raw, problems);
        Path dataDir = Path.of(in.required("data.dir")).toAbsolutePath().normalize();
        List<String> domains = in.list("sip.domain");
        for (String d : domains) {
            if (!DOMAIN.matcher(d).matches()) {
                problems.add("sip.domain: '" + d + "' is not a host name or IP address");
            }
        }
        Optional<String> realm = in.optional("auth.realm");
        String address = in.required("sip.address");
        if (Cidr.parse(address).isEmpty() || address.contains("/")) {
            problems.add("sip.address: '" + address + "' is not an IP address");
        }
        int tlsPort = in.port("sip.tls.port").orElse(5061);
        OptionalInt udp = in.port("sip.udp.port");
        OptionalInt tcp = in.port("sip.tcp.port");
        if (udp.isPresent() && udp.getAsInt() == tlsPort) {
            problems.add("sip.udp.port: must differ from sip.tls.port");
        }
        if (tcp.isPresent() && tcp.getAsInt() == tlsPort) {
            problems.add("sip.tcp.port: must differ from sip.tls.port");
        }
        NetworkList trusted = in.networks("sip.trusted-networks");
        NetworkList plainRegister = in.networks("sip.plain-register-networks");
        TlsConfig tls = tls(in, problems);
        List<String> algorithms = in.list("auth.algorithms");
        if (algorithms.isEmpty()) {
            problems.add("auth.algorithms: at least one of SHA-256, MD5 is required");
        }
        for (String a : algorithms) {
            if (!a.equalsIgnoreCase("SHA-256") && !a.equalsIgnoreCase("MD5")) {
                problems.add("auth.algorithms: '" + a + "' is not supported (use SHA-256 and/or MD5)");
            }
        }
        if (algorithms.stream().map(a -> a.toUpperCase(Locale.ROOT)).distinct().count() != algorithms.size()) {
            problems.add("auth.algorithms: lists an algorithm twice");
        }
        int nonceLifetime = in.intIn("auth.nonce-lifetime", 10, 86_400);
        int minExpires = in.intIn("registrar.min-expires", 1, 86_400);
        int maxExpires = in.intIn("registrar.max-expires", 1, 7 * 86_400);
        int defaultExpires = in.intIn("registrar.default-expires", 1, 7 * 86_400);
        if (minExpires > maxExpires) {
            problems.add("registrar.min-expires: must not exceed registrar.max-expires");
        }
        if (defaultExpires < minExpires || defaultExpires > maxExpires) {
            problems.add("registrar.default-expires: must lie between registrar.min-expires and registrar.max-expires");
        }
        int maxContacts = in.intIn("registrar.max-contacts", 1, 1000);
        boolean writeBack = in.bool("registrar.write-back", in.optional("database.url").isEmpty());
        Duration writeBackInterval = Duration.ofSeconds(in.intIn("registrar.write-back-interval", 1, 60));
        int threads = in.intIn("sip.threads", 1, 512);
        int maxMessage = in.intIn("sip.max-message-size", 2048, 65535);
        int maxTx = in.intIn("overload.max-server-transactions", 100, 10_000_000);
        int heapPercent = in.intIn("overload.heap-percent", 10, 99);
        io.palisade.core.edge.EdgeConfig edge = edge(in, problems);
        Optional<Path> securityLog = in.optional("edge.security-log").map(v -> Path.of(v).toAbsolutePath().normalize());
        AdminConfig admin = admin(in, problems, address, tlsPort, udp, tcp);
        String level = in.required("log.level").toUpperCase(Locale.ROOT);
        if (!LOG_LEVELS.contains(level)) {
            problems.add("log.level: '" + level + "' is not one of " + new TreeSet<>(LOG_LEVELS));
        }
        int portMin = in.intIn("media.port-min", 1024, 65535);
        int portMax = in.intIn("media.port-max", 1024, 65535);
        if (portMax - portMin < 3) {
            problems.add("media.port-max: the media port range must hold at least two port pairs");
        }
        MediaSettings media = new MediaSettings(in.optional("media.address"), in.optional("media.public-address"),
                portMin, portMax, Duration.ofSeconds(in.intIn("media.timeout", 5, 3600)));
        int sessionExpires = in.intIn("call.session-expires", 10, 86_400);
        // RFC 4028 section 4 puts the floor at 90 s; smaller values exist for labs and tests only
        int minSessionExpires = in.intIn("call.min-session-expires", 10, 86_400);
        if (sessionExpires < minSessionExpires) {
            problems.add("call.session-expires: must not be below call.min-session-expires");
            sessionExpires = minSessionExpires;
        }
        io.palisade.core.call.CallConfig call = new io.palisade.core.call.CallConfig(
                Duration.ofSeconds(in.intIn("call.max-duration", 10, 7 * 86_400)),
                Duration.ofSeconds(in.intIn("call.no-answer-timeout", 5, 3600)),
                Duration.ofSeconds(sessionExpires), Duration.ofSeconds(minSessionExpires),
                in.intIn("call.max-redirects", 0, 10));
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return new PalisadeConfig(dataDir, domains, realm, address, tlsPort, udp, tcp, trusted, plainRegister, tls,
                algorithms.stream().map(a -> a.toUpperCase(Locale.ROOT)).toList(), in.list("auth.md5-only-user-agents"),
                Duration.ofSeconds(nonceLifetime),
                minExpires, maxExpires, defaultExpires, maxContacts, writeBack, writeBackInterval, threads, maxMessage,
                maxTx, heapPercent,
                in.optional("database.url"), in.optional("database.user"), in.optional("database.password"), level,
                edge, securityLog.orElse(dataDir.resolve("security.log")), admin, media, call);
    }

    /**
     * Parses the {@code edge.*} keys of {@code raw} (missing keys take their defaults) with the same rules as at
     * start-up, for changes made at run time.
     *
     * @throws ConfigException listing each problem as {@code key: message}
     */
    public static io.palisade.core.edge.EdgeConfig edge(Map<String, String> raw) {
        List<String> problems = new ArrayList<>();
        Map<String, String> all = new LinkedHashMap<>(KEYS);
        for (Map.Entry<String, String> e : raw.entrySet()) {
            if (!e.getKey().startsWith("edge.") || !KEYS.containsKey(e.getKey())) {
                problems.add(e.getKey() + ": unknown setting");
            } else {
                all.put(e.getKey(), e.getValue() == null ? "" : e.getValue().trim());
            }
        }
        io.palisade.core.edge.EdgeConfig edge = edge(new Parser(all, problems), problems);
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return edge;
    }

    private static io.palisade.core.edge.EdgeConfig edge(Parser in, List<String> problems) {
        int banSeconds = in.intIn("edge.ban.duration", 1, 365 * 86_400);
        int maxBanSeconds = in.intIn("edge.ban.max-duration", 1, 365 * 86_400);
        if (maxBanSeconds < banSeconds) {
            problems.add("edge.ban.max-duration: must not be shorter than edge.ban.duration");
            maxBanSeconds = banSeconds;
        }
        return new io.palisade.core.edge.EdgeConfig(
                in.intIn("edge.max-headers", 10, 1000),
                in.intIn("edge.max-header-length", 256, 65_535),
                in.intIn("edge.max-vias", 1, 100),
                in.rate("edge.limit.address-requests"),
                in.rate("edge.limit.address-registers"),
                in.rate("edge.limit.address-invites"),
                in.rate("edge.limit.user-registers"),
                in.intIn("edge.ban.address-failures", 1, 1_000_000),
                in.intIn("edge.ban.user-failures", 1, 1_000_000),
                Duration.ofSeconds(in.intIn("edge.ban.failure-window", 1, 86_400)),
                Duration.ofSeconds(banSeconds), Duration.ofSeconds(maxBanSeconds),
                Duration.ofSeconds(in.intIn("edge.ban.offence-memory", 0, 365 * 86_400)),
                in.list("edge.scanner.user-agents"),
                in.intIn("edge.scanner.unknown-users", 1, 1_000_000),
                in.networks("edge.exempt-networks"),
                in.networks("edge.deny-networks"),
                in.networks("edge.tls.allow-networks"),
                in.intIn("edge.max-tracked-sources", 1_000, 10_000_000));
    }

    private static AdminConfig admin(Parser in, List<String> problems, String sipAddress, int tlsPort, OptionalInt udp,
            OptionalInt tcp) {
        String enabledValue = in.required("admin.enabled").toLowerCase(Locale.ROOT);
        boolean enabled = enabledValue.equals("true");
        if (!enabled && !enabledValue.equals("false")) {
            problems.add("admin.enabled: expected true or false, got '" + enabledValue + "'");
        }
        String address = in.required("admin.address");
        if (Cidr.parse(address).isEmpty() || address.contains("/")) {
            problems.add("admin.address: '" + address + "' is not an IP address");
        }
        int port = in.port("admin.port").orElse(8443);
        if (enabled && (port == tlsPort || (tcp.isPresent() && tcp.getAsInt() == port))) {
            problems.add("admin.port: must differ from the SIP ports");
        }
        Optional<String> initial = in.optional("admin.initial-password");
        if (initial.isPresent() && initial.get().length() < 12) {
            problems.add("admin.initial-password: use at least 12 characters");
        }
        int idle = in.intIn("admin.session-idle-timeout", 60, 86_400);
        int maxAge = in.intIn("admin.session-max-age", 300, 7 * 86_400);
        if (idle > maxAge) {
            problems.add("admin.session-idle-timeout: must not exceed admin.session-max-age");
        }
        return new AdminConfig(enabled, address, port, initial, Duration.ofSeconds(idle), Duration.ofSeconds(maxAge));
    }

    private static TlsConfig tls(Parser in, List<String> problems) {
        Optional<Path> cert = in.existingFile("tls.certificate");
        Optional<Path> key = in.existingFile("tls.private-key");
        Optional<Path> keystore = in.existingFile("tls.keystore");
        Optional<String> ksPassword = in.optional("tls.keystore-password");
        Optional<Path> clientCa = in.existingFile("tls.client-ca");
        if (in.optional("tls.certificate").isPresent() != in.optional("tls.private-key").isPresent()) {
            problems.add("tls.certificate: tls.certificate and tls.private-key must be given together");
        }
        if (in.optional("tls.keystore").isPresent() && in.optional("tls.certificate").isPresent()) {
            problems.add("tls.keystore: give either tls.keystore or tls.certificate + tls.private-key, not both");
        }
        if (in.optional("tls.keystore").isPresent() && ksPassword.isEmpty()) {
            problems.add("tls.keystore-password: required with tls.keystore");
        }
        TlsConfig.ClientAuth auth = TlsConfig.ClientAuth.NONE;
        Optional<String> ca = in.optional("tls.client-auth");
        if (ca.isPresent()) {
            try {
                auth = TlsConfig.ClientAuth.valueOf(ca.get().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                problems.add("tls.client-auth: '" + ca.get() + "' is not one of none, want, need");
            }
        } else if (clientCa.isPresent()) {
            auth = TlsConfig.ClientAuth.NEED;
        }
        if (auth != TlsConfig.ClientAuth.NONE && in.optional("tls.client-ca").isEmpty()) {
            problems.add("tls.client-auth: needs tls.client-ca (the CA that signs client certificates)");
        }
        return new TlsConfig(cert, key, keystore, ksPassword, clientCa, auth);
    }

    /** Typed access to the raw values; each failure adds a problem naming the key and returns a fallback. */
    private record Parser(Map<String, String> raw, List<String> problems) {
        Optional<String> optional(String key) {
            String v = raw.get(key);
            return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.trim());
        }

        String required(String key) {
            Optional<String> v = optional(key);
            if (v.isEmpty()) {
                problems.add(key + ": must not be empty");
                return KEYS.get(key) == null ? "" : KEYS.get(key);
            }
            return v.get();
        }

        List<String> list(String key) {
            return optional(key).map(v -> java.util.Arrays.stream(v.split(",")).map(String::trim)
                    .filter(s -> !s.isEmpty()).toList()).orElse(List.of());
        }

        /** {@code true} or {@code false} (any case); unset gives {@code fallback}. */
        boolean bool(String key, boolean fallback) {
            Optional<String> v = optional(key);
            if (v.isEmpty()) {
                return fallback;
            }
            String b = v.get().toLowerCase(Locale.ROOT);
            if (!b.equals("true") && !b.equals("false")) {
                problems.add(key + ": expected true or false, got '" + v.get() + "'");
                return fallback;
            }
            return b.equals("true");
        }

        OptionalInt port(String key) {
            Optional<String> v = optional(key);
            if (v.isEmpty() || v.get().equals("0") || v.get().equalsIgnoreCase("off")) {
                return OptionalInt.empty();
            }
            try {
                int p = Integer.parseInt(v.get());
                if (p >= 1 && p <= 65535) {
                    return OptionalInt.of(p);
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            problems.add(key + ": expected a port number 1-65535 (or off), got '" + shown(key, v.get()) + "'");
            return OptionalInt.empty();
        }

        int intIn(String key, int min, int max) {
            String v = required(key);
            try {
                int n = Integer.parseInt(v);
                if (n >= min && n <= max) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            problems.add(key + ": expected a whole number from " + min + " to " + max + ", got '" + v + "'");
            return Integer.parseInt(KEYS.get(key));
        }

        /** {@code N/s} or {@code N/s burst M} (burst defaults to N, at least 1). */
        io.palisade.core.edge.EdgeConfig.Rate rate(String key) {
            String v = required(key);
            java.util.regex.Matcher m = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*/\\s*s(?:\\s+burst\\s+(\\d+))?")
                    .matcher(v.trim());
            if (m.matches()) {
                double per = Double.parseDouble(m.group(1));
                int burst = m.group(2) == null ? (int) Math.max(1, Math.ceil(per)) : Integer.parseInt(m.group(2));
                if (per > 0 && per <= 1_000_000 && burst >= 1 && burst <= 10_000_000) {
                    return new io.palisade.core.edge.EdgeConfig.Rate(per, burst);
                }
            }
            problems.add(key + ": expected a rate like '20/s' or '20/s burst 40', got '" + v + "'");
            return new io.palisade.core.edge.EdgeConfig.Rate(1, 1);
        }

        NetworkList networks(String key) {
            List<Cidr> out = new ArrayList<>();
            for (String item : list(key)) {
                Optional<Cidr> c = Cidr.parse(item);
                if (c.isEmpty()) {
                    problems.add(key + ": '" + item + "' is not a network in CIDR form (like 10.0.0.0/8)");
                } else {
                    out.add(c.get());
                }
            }
            return new NetworkList(out);
        }

        Optional<Path> existingFile(String key) {
            Optional<String> v = optional(key);
            if (v.isEmpty()) {
                return Optional.empty();
            }
            Path p = Path.of(v.get()).toAbsolutePath().normalize();
            if (!Files.isReadable(p) || !Files.isRegularFile(p)) {
                problems.add(key + ": file " + p + " does not exist or cannot be read");
                return Optional.empty();
            }
            return Optional.of(p);
        }

        private static String shown(String key, String value) {
            return SECRET_KEYS.contains(key) ? "****" : value;
        }
    }
}
