package io.palisade.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A flood over UDP beyond what the node admits: the excess is refused with 503 + Retry-After before any transaction
 * exists, the process stays up, and once the flood's transactions have ended a normal registration succeeds again
 * (the spike saw the UDP listener die silently at 2,500 REGISTER/s). The flood is OPTIONS: each one answered keeps
 * its server transaction for Timer J. REGISTERs would not do: the edge challenges them and answers the authenticated
 * ones itself, with no transaction at all (the second test).
 */
class OverloadIT {
    @TempDir
    Path tmp;

    @Test
    void floodIsShedWith503AndTheServerRecovers() throws Exception {
        Path data = tmp.resolve("data");
        Map<String, String> cfg = PalisadeProcess.defaults(data);
        cfg.put("overload.max-server-transactions", "200");
        try (PalisadeProcess server = PalisadeProcess.start(data, cfg);
             DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            assertEquals(0, server.cli("pw\n", "user", "add", "hank", "--password-stdin").exitCode());
            AtomicInteger answered = new AtomicInteger();
            AtomicInteger shed = new AtomicInteger();
            AtomicInteger retryAfter = new AtomicInteger();
            s.setSoTimeout(3_000);
            s.setReceiveBufferSize(4 << 20);
            Thread receiver = new Thread(() -> {
                byte[] buf = new byte[8192];
                while (true) {
                    DatagramPacket p = new DatagramPacket(buf, buf.length);
                    try {
                        s.receive(p);
                    } catch (SocketTimeoutException e) {
                        return; // quiet for 3 s: the flood's answers are all in
                    } catch (java.io.IOException e) {
                        return;
                    }
                    String m = new String(buf, 0, p.getLength(), StandardCharsets.UTF_8);
                    if (m.startsWith("SIP/2.0 200")) {
                        answered.incrementAndGet();
                    } else if (m.startsWith("SIP/2.0 503")) {
                        shed.incrementAndGet();
                        if (m.contains("Retry-After:")) {
                            retryAfter.incrementAndGet();
                        }
                    }
                }
            });
            receiver.start();
            InetSocketAddress target = new InetSocketAddress("127.0.0.1", server.udpPort);
            // Sent in bursts, each waiting for most of the previous one's answers: a UDP flood faster than the
            // server reads is dropped by the kernel (a loaded machine then shows no overload at all), whereas every
            // answered OPTIONS keeps its server transaction for Timer J (32 s): 1,000 of them pass the limit of 200.
            int sent = 1000;
            for (int i = 0; i < sent; i++) {
                if (i > 0 && i % 50 == 0) {
                    int expected = i - 50;
                    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                    while (answered.get() + shed.get() < expected && System.nanoTime() < until) {
                        TimeUnit.MILLISECONDS.sleep(5); // poll interval
                    }
                }
                String msg = "OPTIONS sip:127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:" + s.getLocalPort()
                        + ";branch=z9hG4bKflood" + i + "\r\nMax-Forwards: 70\r\nFrom: <sip:flood" + i + "@127.0.0.1>;tag=" + i
                        + "\r\nTo: <sip:127.0.0.1>\r\nCall-ID: flood-" + i + "@test\r\nCSeq: 1 OPTIONS\r\n"
                        + "Content-Length: 0\r\n\r\n";
                byte[] b = msg.getBytes(StandardCharsets.UTF_8);
                s.send(new DatagramPacket(b, b.length, target));
            }
            receiver.join(120_000);
            assertTrue(shed.get() > 0, "some of the flood was refused with 503 (200: " + answered + ")");
            assertTrue(answered.get() > 0, "the admitted part was answered normally");
            assertEquals(shed.get(), retryAfter.get(), "every 503 carries Retry-After");
            assertTrue(server.isAlive());

            // the node recovers by itself: a real registration over TLS succeeds once the flood's transactions end
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            int last = 0;
            while (System.nanoTime() < deadline) {
                try (SipTestClient c = SipTestClient.tls(server.tlsPort, data.resolve("tls/server-cert.pem"))) {
                    last = c.register("hank", "pw", "127.0.0.1",
                            List.of("<sips:hank@127.0.0.1:" + c.localPort + ";transport=tls>"), 600).status();
                }
                if (last == 200) {
                    break;
                }
                assertEquals(503, last, "while recovering the only other answer is 503");
                TimeUnit.MILLISECONDS.sleep(500); // poll interval within the deadline above
            }
            assertEquals(200, last, "registration works again after the flood");
            assertTrue(server.output().lines().noneMatch(l -> l.contains("OutOfMemoryError")), server.output());
            String log = java.nio.file.Files.readString(data.resolve("security.log"));
            assertTrue(log.contains("\"event\":\"overload_on\""), "overload is reported:\n" + log);
            assertTrue(log.contains("\"event\":\"overload_off\""), "and its end:\n" + log);
        }
    }

    @Test
    void registrationsOverUdpHoldNoTransactionsSoTheTransactionLimitDoesNotShedThem() throws Exception {
        // The edge answers a REGISTER with credentials itself and keeps only its encoded answer for retransmissions;
        // as a SIP stack transaction, each one answered over UDP counted against the limit for 32 s (Timer J).
        Path data = tmp.resolve("data");
        Map<String, String> cfg = PalisadeProcess.defaults(data);
        cfg.put("overload.max-server-transactions", "100"); // the lowest allowed
        cfg.put("sip.plain-register-networks", "127.0.0.2/32");
        cfg.put("edge.limit.user-registers", "1000/s burst 1000");
        cfg.put("edge.limit.address-requests", "1000/s burst 2000");
        cfg.put("edge.limit.address-registers", "1000/s burst 2000");
        try (PalisadeProcess server = PalisadeProcess.start(data, cfg)) {
            assertEquals(0, server.cli("pw\n", "user", "add", "ivan", "--password-stdin").exitCode());
            try (SipTestClient c = SipTestClient.udpFrom("127.0.0.2", server.udpPort)) {
                String contact = "<sip:ivan@127.0.0.2:" + c.localPort + ">";
                for (int i = 0; i < 300; i++) {
                    SipTestClient.Response r = c.register("ivan", "pw", "127.0.0.1", List.of(contact), 600);
                    assertEquals(200, r.status(), "registration " + (i + 1) + ": " + r.raw());
                }
            }
            assertTrue(server.isAlive());
        }
    }
}
