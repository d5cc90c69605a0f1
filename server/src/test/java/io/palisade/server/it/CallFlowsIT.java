package io.palisade.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The B2BUA's mid-call and edge flows between SIPp agents over TCP: re-INVITE forwarded both ways (hold, resume),
 * glare, early media, a late 2xx of a losing branch, late offer, session timers (expiry and 422), a 3xx to another
 * of our users, and reliable provisionals (PRACK). Every message each side sees is scanned for the other leg's
 * Call-ID, ports and identity (topology hiding). MD5 only: Debian's SIPp has no SHA-256 digest.
 */
class CallFlowsIT {
    @TempDir
    static Path tmp;
    static PalisadeProcess server;
    static SippCallRig rig;

    @BeforeAll
    static void start() throws Exception {
        Path data = tmp.resolve("data");
        Map<String, String> cfg = PalisadeProcess.defaults(data);
        cfg.put("auth.algorithms", "MD5");
        cfg.put("call.min-session-expires", "20"); // below RFC 4028's 90 s so that the expiry test is short
        cfg.put("call.session-expires", "1800");
        server = PalisadeProcess.start(data, cfg);
        StringBuilder users = new StringBuilder("user,password\nalice,alice-secret\n");
        for (int i = 1; i <= 15; i++) {
            users.append("bob").append(i).append(",bob-secret\n");
        }
        Path csv = tmp.resolve("users.csv");
        Files.writeString(csv, users);
        PalisadeProcess.Cli imported = server.cli(null, "user", "import", csv.toString());
        assertEquals(0, imported.exitCode(), imported.out());
        rig = new SippCallRig(server, tmp, "127.0.0.1:" + server.tcpPort);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static int count(String haystack, String needle) {
        return haystack.split(Pattern.quote(needle), -1).length - 1;
    }

    @Test
    void holdAndResumeAreForwardedToTheOtherPartyBothWays() throws Exception {
        SippCallRig.Callee bob = rig.callee("bob1", "callee-answer-reinvite.xml", 8000);
        SippCallRig.Caller alice = rig.call("call-uac-hold.xml", "bob1", 300);
        String seen = bob.received();
        // the scenarios check the directions: sendonly reaches bob, his recvonly reaches alice, his sendrecv reaches her
        rig.assertSucceeded(alice);
        assertEquals(2, count(seen, "INVITE sip:bob1@") + count(seen, "INVITE sip:127.0.0.1"),
                "the initial INVITE and the forwarded re-INVITE:\n" + seen);
        Matcher offers = Pattern.compile("m=audio (\\d+) RTP/AVP").matcher(seen);
        while (offers.find()) {
            int port = Integer.parseInt(offers.group(1));
            assertTrue(port == bob.mediaPort() || port >= 16384 && port <= 32767, "not the relay's port: " + port);
        }
        assertEquals(2, count(alice.log(), "INVITE sip:alice@") + count(alice.log(), "INVITE sip:127.0.0.1"),
                "alice's INVITE... and bob's resume forwarded to her:\n" + alice.log());
        SippCallRig.assertHidden(alice, seen, bob);
        rig.assertRecord("bob1", "caller BYE");
    }

    @Test
    void glareIsAnsweredWith491AndTheCallGoesOn() throws Exception {
        SippCallRig.Callee bob = rig.callee("bob2", "callee-answer-glare.xml", 8000);
        SippCallRig.Caller alice = rig.call("call-uac-glare.xml", "bob2", 300);
        String seen = bob.received();
        rig.assertSucceeded(alice);
        assertTrue(seen.contains("SIP/2.0 491"), "bob's re-INVITE during alice's must get 491:\n" + seen);
        assertTrue(alice.log().contains("SIP/2.0 491"), "bob's 491 must reach alice:\n" + alice.log());
        SippCallRig.assertHidden(alice, seen, bob);
        rig.assertRecord("bob2", "caller BYE");
    }

    @Test
    void earlyMediaIn183IsRewrittenAndRelayed() throws Exception {
        SippCallRig.Callee bob = rig.callee("bob3", "callee-early-media.xml", 8000);
        SippCallRig.Caller alice = rig.call("call-uac.xml", "bob3", 300);
        String seen = bob.received();
        rig.assertSucceeded(alice);
        Matcher early = Pattern.compile("SIP/2\\.0 183 [^\\n]*\\n(?:[^\\n]*\\n)*?\\s*c=IN IP4 (\\S+)\\s*\\n(?:[^\\n]*\\n)*?\\s*m=audio (\\d+) RTP/AVP")
                .matcher(alice.log());
        assertTrue(early.find(), "a 183 with SDP must reach alice:\n" + alice.log());
        assertEquals("127.0.0.1", early.group(1));
        int port = Integer.parseInt(early.group(2));
        assertTrue(port >= 16384 && port <= 32767, "early media not anchored in the relay: " + port);
        SippCallRig.assertHidden(alice, seen, bob);
        String record = rig.assertRecord("bob3", "caller BYE");
        // bob's early RTP went into the relay's callee leg and out of its caller leg
        Matcher legs = Pattern.compile("TCP/RTP (\\d+)/(\\d+)\\s+TCP/RTP (\\d+)/(\\d+)").matcher(record);
        assertTrue(legs.find(), "no packet counters in the record: " + record);
        assertTrue(Long.parseLong(legs.group(3)) > 0, "no early media from bob reached the relay: " + record);
        assertTrue(Long.parseLong(legs.group(2)) > 0, "no early media went on to alice: " + record);
    }

    @Test
    void aLate2xxOfALosingBranchIsAcknowledgedAndHungUp() throws Exception {
        SippCallRig.Callee late = rig.callee("bob4", "callee-answer-late.xml", 8000);
        SippCallRig.Callee first = rig.callee("bob4", "callee-answer.xml", 8000);
        SippCallRig.Caller alice = rig.call("call-uac.xml", "bob4", 500);
        String lateSaw = late.received();
        String firstSaw = first.received();
        rig.assertSucceeded(alice);
        assertTrue(firstSaw.contains("BYE sip:"), firstSaw);
        int ok = lateSaw.indexOf("SIP/2.0 200 OK", lateSaw.indexOf("CANCEL sip:"));
        assertTrue(lateSaw.contains("CANCEL sip:") && ok > 0, lateSaw);
        // the scenario only ends after the B2BUA's ACK and BYE for the late 2xx
        assertTrue(lateSaw.indexOf("ACK sip:", ok) > 0 && lateSaw.indexOf("BYE sip:", ok) > 0, lateSaw);
        rig.assertRecord("bob4", "caller BYE");
    }

    @Test
    void aLateOfferIsAnsweredInTheAck() throws Exception {
        SippCallRig.Callee bob = rig.callee("bob5", "callee-answer.xml", 6000);
        SippCallRig.Caller alice = rig.call("call-uac-late-offer.xml", "bob5", 300);
        String seen = bob.received();
        rig.assertSucceeded(alice);
        String invite = seen.substring(seen.indexOf("INVITE sip:bob5@"));
        invite = invite.substring(0, invite.indexOf("\n\n") > 0 ? invite.indexOf("\n\n") : invite.length());
        assertFalse(invite.contains("application/sdp"), "the INVITE to bob must have no offer either:\n" + seen);
        Matcher ack = Pattern.compile("ACK sip:[^\\n]*\\n(?:[^\\n]*\\n)*?\\s*m=audio (\\d+) RTP/AVP").matcher(seen);
        assertTrue(ack.find(), "bob's offer must be answered in the ACK:\n" + seen);
        int port = Integer.parseInt(ack.group(1));
        assertTrue(port >= 16384 && port <= 32767, "answer not anchored in the relay: " + port);
        SippCallRig.assertHidden(alice, seen, bob);
        rig.assertRecord("bob5", "caller BYE");
    }

    @Test
    void aSessionThatIsNotRefreshedIsEndedOnBothLegs() throws Exception {
        SippCallRig.Callee bob = rig.callee("bob6", "callee-answer.xml", 25_000);
        // Session-Expires 20 s, the caller refreshes (refresher=uac) and never does: BYE after 20 - 20/3 = 14 s
        long t0 = System.nanoTime();
        SippCallRig.Caller alice = rig.call("call-uac-timer.xml", "bob6", 0, "se", "20");
        String seen = bob.received();
        rig.assertSucceeded(alice);
        long seconds = (System.nanoTime() - t0) / 1_000_000_000L;
        assertTrue(seconds >= 13, "ended after " + seconds + " s, before the session expired");
        assertTrue(alice.log().contains("Session-Expires: 20;refresher=uac"), alice.log());
        assertTrue(seen.contains("BYE sip:"), seen);
        assertTrue(seen.contains("Session-Expires: 1800;refresher=uas"), "bob's leg negotiates its own timer:\n" + seen);
        rig.assertRecord("bob6", "session expired");
    }

    @Test
    void aTooSmallSessionExpiresGets422WithMinSe() throws Exception {
        SippCallRig.Caller alice = rig.call("call-uac-timer.xml", "bob7", 0, "se", "10");
        rig.assertSucceeded(alice);
        assertTrue(alice.log().contains("SIP/2.0 422"), alice.log());
        assertTrue(alice.log().contains("Min-SE: 20"), alice.log());
    }

    @Test
    void aCalleeThatWantsALongerSessionIntervalIsRungAgainWithItsMinSe() throws Exception {
        // bob13 answers 422 Min-SE: 3600 to the B2BUA's 1800 s; RFC 4028 section 7.4: ask again with 3600
        SippCallRig.Callee bob = rig.callee("bob13", "callee-session-interval.xml", 6000);
        SippCallRig.Caller alice = rig.call("call-uac.xml", "bob13", 300);
        String seen = bob.received();
        rig.assertSucceeded(alice);
        assertEquals(1, count(seen, "SIP/2.0 422"), seen);
        assertTrue(seen.contains("Session-Expires: 1800;refresher=uas") && seen.contains("Session-Expires: 3600;refresher=uas"),
                "the second INVITE asks for the callee's Min-SE:\n" + seen);
        assertFalse(alice.log().contains("SIP/2.0 422") || alice.log().contains("Min-SE"), "the callee leg's interval stays inside the B2BUA:\n" + alice.log());
        rig.assertRecord("bob13", "caller BYE");
    }

    @Test
    void aCallerThatNeverAcksOrNeverPracksIsHungUpAfterTheRetransmissions() throws Exception {
        // two calls side by side, each waiting out the 64*T1 (32 s) of retransmissions
        SippCallRig.Callee bob = rig.callee("bob14", "callee-answer.xml", 45_000);
        SippCallRig.Callee early = rig.callee("bob15", "callee-early-answer.xml", 45_000);
        java.util.concurrent.CompletableFuture<SippCallRig.Caller> noPrack = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return rig.call("call-uac-100rel-no-prack.xml", "bob15", 300);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        SippCallRig.Caller noAck = rig.call("call-uac-no-ack.xml", "bob14", 300);
        // RFC 3261 13.3.1.4: the caller without ACK gets a BYE (its scenario requires it), and so does the callee
        rig.assertSucceeded(noAck);
        assertTrue(bob.received().contains("BYE sip:"), "the callee's leg ended too");
        rig.assertRecord("bob14", "no ACK");
        // RFC 3262 section 3: the caller without PRACK gets 500 (its scenario requires it); the callee, who had
        // answered while the B2BUA waited for that PRACK, gets a BYE
        rig.assertSucceeded(noPrack.get(90, java.util.concurrent.TimeUnit.SECONDS));
        String seen = early.received();
        assertTrue(seen.contains("BYE sip:"), seen);
        rig.assertRecord("bob15", "no PRACK");
    }

    @Test
    void aRedirectToAnotherOfOurUsersIsFollowed() throws Exception {
        SippCallRig.Callee moved = rig.callee("bob8", "callee-redirect.xml", 6000, "target", "bob9");
        SippCallRig.Callee bob = rig.callee("bob9", "callee-answer.xml", 6000);
        SippCallRig.Caller alice = rig.call("call-uac.xml", "bob8", 300);
        String movedSaw = moved.received();
        String seen = bob.received();
        rig.assertSucceeded(alice);
        assertTrue(movedSaw.contains("SIP/2.0 302"), movedSaw);
        assertTrue(seen.contains("INVITE sip:bob9@") && seen.contains("BYE sip:"), seen);
        // a status line, not the digits: SIPp's log timestamps have microseconds (19:25:24.302205 once failed this)
        assertFalse(alice.log().contains("SIP/2.0 302") || alice.log().contains("Moved"),
                "the redirect stays inside the B2BUA:\n" + alice.log());
        SippCallRig.assertHidden(alice, seen, bob);
        rig.assertRecord("bob8", "caller BYE");
    }

    @Test
    void aCallerThatSupports100relGetsReliableProvisionalsAndPracksThem() throws Exception {
        // bob answers at once after his 183: the 200 must wait for alice's PRACK (the scenario expects that order)
        SippCallRig.Callee bob = rig.callee("bob10", "callee-early-answer.xml", 8000);
        SippCallRig.Caller alice = rig.call("call-uac-100rel.xml", "bob10", 300);
        String seen = bob.received();
        rig.assertSucceeded(alice);
        assertTrue(alice.log().contains("RSeq:"), alice.log());
        assertFalse(seen.contains("100rel"), "the callee's leg does not use 100rel:\n" + seen);
        SippCallRig.assertHidden(alice, seen, bob);
        rig.assertRecord("bob10", "caller BYE");
    }
}
