// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.sip.edge;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import gov.nist.javax.sip.header.CSeq;
import gov.nist.javax.sip.header.CallID;
import gov.nist.javax.sip.header.ContentLength;
import gov.nist.javax.sip.header.From;
import gov.nist.javax.sip.header.RequestLine;
import gov.nist.javax.sip.header.StatusLine;
import gov.nist.javax.sip.header.To;
import gov.nist.javax.sip.header.Via;
import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.parser.ParseExceptionListener;
import gov.nist.javax.sip.parser.StringMsgParser;
import io.palisade.core.edge.Ban;
import io.palisade.core.edge.BanStore;
import io.palisade.core.edge.EdgeConfig;
import io.palisade.core.edge.EdgeGuard;
import io.palisade.core.edge.MessageFacts;
import io.palisade.core.edge.SecurityEvents;
import io.palisade.core.edge.Verdict;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Hostile input against the valve's parser entry points: the RFC 4475 / RFC 5118 corpus (the server module's
 * {@code src/test/resources/torture}) and typical REGISTER / INVITE messages, cut at every length, bit-flipped, with
 * bytes inserted and deleted, headers duplicated, values blown up and CR/LF injected, are parsed the way the stack
 * parses a datagram (the server's {@link StrictMessageParserFactory} around {@link StringMsgParser}, failing on a bad required header as {@code UDPMessageChannel} does), and
 * every request that parses goes through {@link RequestFacts#of} and {@link EdgeGuard#inspect}: nothing may escape,
 * and the verdict must be one the valve can act on. Seeded and bounded, so a failure is reproducible and the test
 * takes a few seconds.
 */
class EdgeValveFuzzTest {
    private static final long SEED = 4475_5118L;
    private static final gov.nist.javax.sip.parser.MessageParser PARSER =
            new StrictMessageParserFactory().createMessageParser(null);
    private static final int MUTANTS_PER_SEED = 600;
    private static final Set<Class<?>> REQUIRED = Set.of(From.class, To.class, CSeq.class, Via.class, CallID.class,
            ContentLength.class, RequestLine.class, StatusLine.class);

    static final String REGISTER = "REGISTER sip:127.0.0.1 SIP/2.0\r\n"
            + "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK776asdhds;rport\r\n"
            + "Max-Forwards: 70\r\n"
            + "To: <sip:alice@127.0.0.1>\r\n"
            + "From: <sip:alice@127.0.0.1>;tag=456248\r\n"
            + "Call-ID: 843817637684230@998sdasdh09\r\n"
            + "CSeq: 1826 REGISTER\r\n"
            + "Contact: <sip:alice@192.0.2.10:5060;transport=udp>;expires=600\r\n"
            + "Authorization: Digest username=\"alice\", realm=\"palisade.test\", nonce=\"abc\", uri=\"sip:127.0.0.1\", "
            + "response=\"0123456789abcdef0123456789abcdef\", algorithm=MD5, qop=auth, nc=00000001, cnonce=\"x\"\r\n"
            + "User-Agent: Polycom/5.0\r\n"
            + "Content-Length: 0\r\n\r\n";
    static final String SDP = "v=0\r\no=- 1 1 IN IP4 192.0.2.10\r\ns=-\r\nc=IN IP4 192.0.2.10\r\nt=0 0\r\n"
            + "m=audio 49170 RTP/SAVP 0\r\na=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz\r\n";
    static final String INVITE = "INVITE sip:bob@127.0.0.1 SIP/2.0\r\n"
            + "Via: SIP/2.0/TCP 192.0.2.10:5060;branch=z9hG4bKnashds8\r\n"
            + "Max-Forwards: 70\r\n"
            + "To: Bob <sip:bob@127.0.0.1>\r\n"
            + "From: Alice <sip:alice@127.0.0.1>;tag=1928301774\r\n"
            + "Call-ID: a84b4c76e66710@pc33.example.com\r\n"
            + "CSeq: 314159 INVITE\r\n"
            + "Contact: <sip:alice@192.0.2.10>\r\n"
            + "Content-Type: application/sdp\r\n"
            + "Content-Length: " + SDP.length() + "\r\n\r\n" + SDP;

    static EdgeGuard edge;
    static SecurityEvents events;
    static final Map<String, Integer> parserFailures = new TreeMap<>();

    @BeforeAll
    static void guard() {
        events = new SecurityEvents(List.of(), Clock.systemUTC());
        edge = new EdgeGuard(EdgeConfig.defaults(), new MemoryBans(), events, Clock.systemUTC(), System::nanoTime);
    }

    @AfterAll
    static void close() {
        events.close();
        if (!parserFailures.isEmpty()) {
            // JAIN-SIP's own parser throwing something other than ParseException: the stack's concern, reported here
            System.out.println("JAIN-SIP parser threw unchecked exceptions: " + parserFailures);
        }
    }

    static List<byte[]> seeds() throws IOException {
        List<byte[]> seeds = new ArrayList<>();
        seeds.add(REGISTER.getBytes(StandardCharsets.US_ASCII));
        seeds.add(INVITE.getBytes(StandardCharsets.US_ASCII));
        Path corpus = Path.of("..", "server", "src", "test", "resources", "torture");
        assertTrue(Files.isDirectory(corpus), "the torture corpus is at " + corpus.toAbsolutePath());
        try (Stream<Path> files = Files.list(corpus)) {
            for (Path p : files.filter(f -> f.toString().endsWith(".dat")).sorted().toList()) {
                seeds.add(Files.readAllBytes(p));
            }
        }
        return seeds;
    }

    @Test
    void everyCorpusMessageAndTypicalRequestIsInspectedWithoutAnEscape() throws IOException {
        int requests = 0;
        for (byte[] seed : seeds()) {
            if (check(seed)) {
                requests++;
            }
        }
        assertTrue(requests > 40, "most of the corpus parses as requests; only " + requests + " did");
    }

    @Test
    void truncatedAtEveryLength() throws IOException {
        List<byte[]> seeds = seeds();
        for (byte[] seed : List.of(seeds.get(0), seeds.get(1), corpus(seeds, "wsinv"), corpus(seeds, "mpart01"))) {
            for (int n = 0; n <= seed.length; n++) {
                check(Arrays.copyOf(seed, n));
            }
        }
    }

    @Test
    void mutants() throws IOException {
        Random rnd = new Random(SEED);
        int parsed = 0;
        int total = 0;
        for (byte[] seed : seeds()) {
            for (int i = 0; i < MUTANTS_PER_SEED; i++) {
                byte[] m = mutate(seed, rnd);
                total++;
                if (check(m)) {
                    parsed++;
                }
            }
        }
        assertTrue(parsed > total / 10, "the mutants should mostly still parse as requests: " + parsed + " of " + total);
    }

    private static byte[] corpus(List<byte[]> seeds, String name) {
        String callId = switch (name) {
            case "wsinv" -> "wsinv.ndaksdj@192.0.2.1";
            case "mpart01" -> "3d9485ad0c49859b@Zmx1ZmZ5LW1hYy0xNi5sb2NhbA..";
            default -> throw new IllegalArgumentException(name);
        };
        return seeds.stream().filter(s -> new String(s, StandardCharsets.ISO_8859_1).contains(callId)).findFirst()
                .orElseThrow();
    }

    /** Parses like the stack, and runs the edge on a request. True when it was a request. */
    static boolean check(byte[] message) {
        SIPMessage parsed;
        try {
            parsed = PARSER.parseSIPMessage(message, true, false, STACK_LIKE);
        } catch (ParseException e) {
            return false; // the stack drops it (or answers 400) before the valve sees it
        } catch (RuntimeException | StackOverflowError e) {
            parserFailures.merge(e.getClass().getSimpleName(), 1, Integer::sum);
            return false;
        }
        if (!(parsed instanceof SIPRequest request)) {
            return false;
        }
        for (String transport : List.of("UDP", "TCP", "TLS")) {
            Verdict v;
            try {
                MessageFacts facts = RequestFacts.of(request, transport, "192.0.2.77", edge.config().maxHeaderLength());
                assertNotNull(facts);
                v = edge.inspect(facts);
            } catch (RuntimeException e) {
                throw new AssertionError("escaped the valve's inspection for:\n"
                        + new String(message, StandardCharsets.ISO_8859_1), e);
            }
            assertNotNull(v);
            if (v instanceof Verdict.Reject r) {
                assertTrue(r.status() >= 400 && r.status() < 600, "status " + r.status());
                assertNotNull(r.reason());
                assertFalse(r.reason().isBlank(), "a refusal names its fault");
            } else if (!(v instanceof Verdict.Pass) && !(v instanceof Verdict.Drop)) {
                fail("unknown verdict " + v);
            }
        }
        return true;
    }

    /** As {@code UDPMessageChannel.handleException}: a bad required header fails the message, others are skipped. */
    private static final ParseExceptionListener STACK_LIKE = (ex, msg, headerClass, header, raw) -> {
        if (headerClass != null && REQUIRED.contains(headerClass)) {
            throw ex;
        }
    };

    static byte[] mutate(byte[] seed, Random rnd) {
        byte[] m = seed.clone();
        int rounds = 1 + rnd.nextInt(4);
        for (int r = 0; r < rounds && m.length > 0; r++) {
            switch (rnd.nextInt(8)) {
                case 0 -> { // bit flips
                    for (int k = 0; k < 1 + rnd.nextInt(8); k++) {
                        int i = rnd.nextInt(m.length);
                        m[i] ^= (byte) (1 << rnd.nextInt(8));
                    }
                }
                case 1 -> m = insert(m, rnd.nextInt(m.length + 1), new byte[] {(byte) rnd.nextInt(256)});
                case 2 -> m = delete(m, rnd.nextInt(m.length), 1 + rnd.nextInt(Math.min(16, m.length)));
                case 3 -> m = Arrays.copyOf(m, rnd.nextInt(m.length + 1));
                case 4 -> m = duplicateHeader(m, rnd);
                case 5 -> m = hugeValue(m, rnd);
                case 6 -> m = insert(m, rnd.nextInt(m.length + 1), switch (rnd.nextInt(4)) {
                    case 0 -> "\r\n".getBytes(StandardCharsets.US_ASCII);
                    case 1 -> "\r".getBytes(StandardCharsets.US_ASCII);
                    case 2 -> "\n".getBytes(StandardCharsets.US_ASCII);
                    default -> "\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
                });
                default -> m = insert(m, rnd.nextInt(m.length + 1), pick(rnd, ";", ",", "\"", "<", ">", ":", "@",
                        "%", "%00", "[", "]", "\\", " ", "\t", "=", "?", "&", "\u0000").getBytes(StandardCharsets.UTF_8));
            }
        }
        return m;
    }

    private static String pick(Random rnd, String... s) {
        return s[rnd.nextInt(s.length)];
    }

    private static byte[] insert(byte[] m, int at, byte[] what) {
        byte[] out = new byte[m.length + what.length];
        System.arraycopy(m, 0, out, 0, at);
        System.arraycopy(what, 0, out, at, what.length);
        System.arraycopy(m, at, out, at + what.length, m.length - at);
        return out;
    }

    private static byte[] delete(byte[] m, int at, int n) {
        int k = Math.min(n, m.length - at);
        byte[] out = new byte[m.length - k];
        System.arraycopy(m, 0, out, 0, at);
        System.arraycopy(m, at + k, out, at, m.length - at - k);
        return out;
    }

    /** The header lines of a message (between the start line and the blank line), as offsets. */
    private static List<int[]> headerLines(byte[] m) {
        List<int[]> lines = new ArrayList<>();
        int start = -1;
        for (int i = 0; i + 1 < m.length; i++) {
            if (m[i] == '\r' && m[i + 1] == '\n') {
                if (start >= 0) {
                    if (i == start) {
                        break; // blank line: end of headers
                    }
                    lines.add(new int[] {start, i + 2});
                }
                start = i + 2;
            }
        }
        return lines;
    }

    private static byte[] duplicateHeader(byte[] m, Random rnd) {
        List<int[]> lines = headerLines(m);
        if (lines.isEmpty()) {
            return m;
        }
        int[] l = lines.get(rnd.nextInt(lines.size()));
        byte[] line = Arrays.copyOfRange(m, l[0], l[1]);
        ByteArrayOutputStream copies = new ByteArrayOutputStream();
        int times = rnd.nextInt(10) == 0 ? 200 : 1 + rnd.nextInt(3);
        for (int i = 0; i < times; i++) {
            copies.writeBytes(line);
        }
        return insert(m, l[1], copies.toByteArray());
    }

    private static byte[] hugeValue(byte[] m, Random rnd) {
        List<int[]> lines = headerLines(m);
        if (lines.isEmpty()) {
            return m;
        }
        int[] l = lines.get(rnd.nextInt(lines.size()));
        int at = l[1] - 2; // before the line's CRLF
        String filler = pick(rnd, "9", "a", ";x", ",", "%41", "\"");
        return insert(m, at, filler.repeat(rnd.nextBoolean() ? 5_000 : 70_000).getBytes(StandardCharsets.US_ASCII));
    }

    /** Bans kept in memory: the fuzz source is never banned by content, and nothing here needs a database. */
    static final class MemoryBans implements BanStore {
        private final Map<String, Ban> bans = new ConcurrentHashMap<>();

        @Override
        public List<Ban> all() {
            return List.copyOf(bans.values());
        }

        @Override
        public Optional<Ban> find(String address) {
            return Optional.ofNullable(bans.get(address));
        }

        @Override
        public void save(Ban ban) {
            bans.put(ban.address(), ban);
        }

        @Override
        public int forgetEndedBefore(Instant cutoff) {
            int before = bans.size();
            bans.values().removeIf(b -> b.until().isBefore(cutoff));
            return before - bans.size();
        }

        @Override
        public List<FailureWindow> failureWindows() {
            return List.of();
        }

        @Override
        public void saveFailureWindows(List<FailureWindow> windows) {
            // not kept
        }
    }
}
