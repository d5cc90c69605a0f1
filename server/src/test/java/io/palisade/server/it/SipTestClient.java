package io.palisade.server.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * A deliberately small SIP user agent for tests: writes requests as text, reads responses, and answers digest
 * challenges (RFC 3261 section 22, RFC 7616) on its own, so each test states the message it means.
 */
final class SipTestClient implements AutoCloseable {
    private final String transport;
    private final Socket socket;
    private final DatagramSocket udp;
    private final InetSocketAddress server;
    private final InputStream in;
    private final OutputStream out;
    final String localAddress;
    final int localPort;
    final String callId = UUID.randomUUID() + "@palisade.test";
    final String fromTag = Long.toHexString(Double.doubleToLongBits(Math.random()));
    private long cseq = 1;

    private SipTestClient(String transport, Socket socket, DatagramSocket udp, InetSocketAddress server) throws IOException {
        this(transport, socket, udp, server, "127.0.0.1");
    }

    private SipTestClient(String transport, Socket socket, DatagramSocket udp, InetSocketAddress server, String local)
            throws IOException {
        this.transport = transport;
        this.socket = socket;
        this.udp = udp;
        this.server = server;
        this.in = socket == null ? null : socket.getInputStream();
        this.out = socket == null ? null : socket.getOutputStream();
        this.localAddress = local;
        this.localPort = socket != null ? socket.getLocalPort() : udp.getLocalPort();
    }

    static SipTestClient tls(int port, Path serverCertPem) throws Exception {
        SSLContext ctx = trusting(serverCertPem);
        SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", port);
        s.setSoTimeout(10_000);
        s.startHandshake();
        return new SipTestClient("TLS", s, null, new InetSocketAddress("127.0.0.1", port));
    }

    static SipTestClient tcp(int port) throws IOException {
        Socket s = new Socket("127.0.0.1", port);
        s.setSoTimeout(10_000);
        return new SipTestClient("TCP", s, null, new InetSocketAddress("127.0.0.1", port));
    }

    /** A UDP client on another loopback address (127.0.0.2, ...), to act as a separate source. */
    static SipTestClient udpFrom(String local, int port) throws IOException {
        DatagramSocket d = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(local), 0));
        d.setSoTimeout(3_000);
        return new SipTestClient("UDP", null, d, new InetSocketAddress("127.0.0.1", port), local);
    }

    /** A TLS client on another loopback address. */
    static SipTestClient tlsFrom(String local, int port, Path serverCertPem) throws Exception {
        SSLSocket s = (SSLSocket) trusting(serverCertPem).getSocketFactory().createSocket("127.0.0.1", port,
                InetAddress.getByName(local), 0);
        s.setSoTimeout(10_000);
        s.startHandshake();
        return new SipTestClient("TLS", s, null, new InetSocketAddress("127.0.0.1", port), local);
    }

    /** Shortens how long reads wait (for "no answer" checks). */
    void readTimeout(int millis) throws IOException {
        if (udp != null) {
            udp.setSoTimeout(millis);
        } else {
            socket.setSoTimeout(millis);
        }
    }

    static SipTestClient udp(int port) throws IOException {
        DatagramSocket d = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        d.setSoTimeout(3_000);
        return new SipTestClient("UDP", null, d, new InetSocketAddress("127.0.0.1", port));
    }

    static SSLContext trusting(Path certPem) throws Exception {
        KeyStore ts = KeyStore.getInstance("PKCS12");
        ts.load(null, null);
        try (InputStream cert = java.nio.file.Files.newInputStream(certPem)) {
            ts.setCertificateEntry("palisade", (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(cert));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ts);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    String transport() {
        return transport;
    }

    /** A response as received. Header names are matched case-insensitively; values keep their order. */
    record Response(int status, String reason, Map<String, List<String>> headers, String raw) {
        List<String> all(String name) {
            return headers.getOrDefault(name.toLowerCase(Locale.ROOT), List.of());
        }

        Optional<String> first(String name) {
            List<String> v = all(name);
            return v.isEmpty() ? Optional.empty() : Optional.of(v.get(0));
        }
    }

    /** Builds and sends a REGISTER; {@code extra} are full header lines. */
    void sendRegister(String user, String domain, List<String> contacts, Integer expires, List<String> extra) throws IOException {
        String scheme = transport.equals("TLS") ? "sips" : "sip";
        StringBuilder m = new StringBuilder();
        m.append("REGISTER ").append(scheme).append(':').append(domain).append(" SIP/2.0\r\n");
        m.append("Via: SIP/2.0/").append(transport).append(' ').append(localAddress).append(':').append(localPort)
                .append(";branch=z9hG4bK").append(UUID.randomUUID().toString().replace("-", "")).append(";rport\r\n");
        m.append("Max-Forwards: 70\r\n");
        m.append("From: <").append(scheme).append(':').append(user).append('@').append(domain).append(">;tag=").append(fromTag).append("\r\n");
        m.append("To: <").append(scheme).append(':').append(user).append('@').append(domain).append(">\r\n");
        m.append("Call-ID: ").append(callId).append("\r\n");
        m.append("CSeq: ").append(cseq++).append(" REGISTER\r\n");
        for (String c : contacts) {
            m.append("Contact: ").append(c).append("\r\n");
        }
        if (expires != null) {
            m.append("Expires: ").append(expires).append("\r\n");
        }
        m.append("User-Agent: palisade-test\r\n");
        for (String h : extra) {
            m.append(h).append("\r\n");
        }
        m.append("Content-Length: 0\r\n\r\n");
        send(m.toString());
    }

    /** REGISTER with digest authentication: sends, answers a 401 once, returns the final response. */
    Response register(String user, String password, String domain, List<String> contacts, Integer expires) throws IOException {
        return register(user, user, password, domain, contacts, expires, "SHA-256");
    }

    Response register(String toUser, String authUser, String password, String domain, List<String> contacts,
                      Integer expires, String algorithm) throws IOException {
        sendRegister(toUser, domain, contacts, expires, List.of());
        Response r = read();
        if (r.status() != 401) {
            return r;
        }
        String auth = authorization(r, authUser, password, "REGISTER",
                (transport.equals("TLS") ? "sips:" : "sip:") + domain, algorithm, 1);
        sendRegister(toUser, domain, contacts, expires, List.of("Authorization: " + auth));
        return read();
    }

    private static final Pattern PARAM = Pattern.compile("(\\w+)=(\"([^\"]*)\"|[^,\\s]+)");

    static Map<String, String> challengeParams(String value) {
        Map<String, String> p = new LinkedHashMap<>();
        Matcher m = PARAM.matcher(value.replaceFirst("(?i)^\\s*Digest\\s+", ""));
        while (m.find()) {
            p.put(m.group(1).toLowerCase(Locale.ROOT), m.group(3) != null ? m.group(3) : m.group(2));
        }
        return p;
    }

    /** Computes an Authorization value for the challenge in {@code r} that offers {@code algorithm}. */
    static String authorization(Response r, String user, String password, String method, String uri, String algorithm,
                                int nc) {
        String challenge = r.all("WWW-Authenticate").stream()
                .filter(v -> challengeParams(v).getOrDefault("algorithm", "MD5").equalsIgnoreCase(algorithm))
                .findFirst().orElseThrow(() -> new AssertionError("no " + algorithm + " challenge in " + r.raw()));
        Map<String, String> c = challengeParams(challenge);
        String realm = c.get("realm");
        String nonce = c.get("nonce");
        String cnonce = UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        String ncHex = String.format("%08x", nc);
        String ha1 = hash(algorithm, user + ":" + realm + ":" + password);
        String ha2 = hash(algorithm, method + ":" + uri);
        String response = hash(algorithm, ha1 + ":" + nonce + ":" + ncHex + ":" + cnonce + ":auth:" + ha2);
        return "Digest username=\"" + user + "\", realm=\"" + realm + "\", nonce=\"" + nonce + "\", uri=\"" + uri
                + "\", response=\"" + response + "\", algorithm=" + algorithm + ", cnonce=\"" + cnonce
                + "\", qop=auth, nc=" + ncHex;
    }

    static String hash(String algorithm, String s) {
        try {
            MessageDigest md = MessageDigest.getInstance(algorithm.equalsIgnoreCase("MD5") ? "MD5" : "SHA-256");
            return HexFormat.of().formatHex(md.digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The last message {@link #send} sent, to retransmit it byte for byte. */
    String lastSent;

    void send(String message) throws IOException {
        lastSent = message;
        byte[] b = message.getBytes(StandardCharsets.UTF_8);
        if (udp != null) {
            udp.send(new DatagramPacket(b, b.length, server));
        } else {
            out.write(b);
            out.flush();
        }
    }

    void sendRaw(byte[] b) throws IOException {
        if (udp != null) {
            udp.send(new DatagramPacket(b, b.length, server));
        } else {
            out.write(b);
            out.flush();
        }
    }

    /** Reads the next final response (skips 1xx). */
    Response read() throws IOException {
        while (true) {
            Response r = readAny();
            if (r.status() >= 200) {
                return r;
            }
        }
    }

    Response readAny() throws IOException {
        String raw;
        if (udp != null) {
            byte[] buf = new byte[65_535];
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            udp.receive(p);
            if (!server.equals(p.getSocketAddress())) {
                // a phone behind NAT hears only the address it sent to (RFC 3261 section 18.2.2: answers leave from the
                // port the request came in on)
                throw new IOException("answer from " + p.getSocketAddress() + ", not from the server's " + server);
            }
            raw = new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8);
        } else {
            raw = readStreamMessage();
        }
        return parse(raw);
    }

    /** Reads raw bytes available within the socket timeout (for keep-alive checks). */
    byte[] readBytes(int max) throws IOException {
        byte[] buf = new byte[max];
        int n = in.read(buf);
        if (n < 0) {
            throw new IOException("connection closed by server");
        }
        return java.util.Arrays.copyOf(buf, n);
    }

    private String readStreamMessage() throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int state = 0;
        while (state < 4) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("connection closed by server");
            }
            if (head.size() == 0 && (c == '\r' || c == '\n')) {
                continue; // keep-alive CRLFs between messages
            }
            head.write(c);
            state = (c == '\r' && (state == 0 || state == 2)) || (c == '\n' && (state == 1 || state == 3)) ? state + 1 : (c == '\r' ? 1 : 0);
        }
        String h = head.toString(StandardCharsets.UTF_8);
        Matcher m = Pattern.compile("(?im)^(Content-Length|l)\\s*:\\s*(\\d+)").matcher(h);
        int len = m.find() ? Integer.parseInt(m.group(2)) : 0;
        byte[] body = in.readNBytes(len);
        return h + new String(body, StandardCharsets.UTF_8);
    }

    static Response parse(String raw) {
        String[] lines = raw.split("\r\n");
        String[] status = lines[0].split(" ", 3);
        if (!status[0].equals("SIP/2.0")) {
            throw new IllegalStateException("not a response: " + lines[0]);
        }
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length && !lines[i].isEmpty(); i++) {
            int colon = lines[i].indexOf(':');
            String name = expand(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT));
            String value = lines[i].substring(colon + 1).trim();
            List<String> values = headers.computeIfAbsent(name, k -> new ArrayList<>());
            if (name.equals("contact") && !value.contains("\"")) {
                for (String part : value.split(",(?=\\s*<)")) {
                    values.add(part.trim());
                }
            } else {
                values.add(value);
            }
        }
        return new Response(Integer.parseInt(status[1]), status.length > 2 ? status[2] : "", headers, raw);
    }

    private static String expand(String compact) {
        return switch (compact) {
            case "m" -> "contact";
            case "v" -> "via";
            case "f" -> "from";
            case "t" -> "to";
            case "i" -> "call-id";
            case "l" -> "content-length";
            default -> compact;
        };
    }

    boolean isClosedByServer() {
        try {
            socket.setSoTimeout(3_000);
            return in.read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        if (socket != null) {
            socket.close();
        }
        if (udp != null) {
            udp.close();
        }
    }
}
