// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.core.call;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** RFC 4028 decisions and timing of {@link SessionTimer}. */
class SessionTimerTest {
    private static final long S = 1_000_000_000L;

    @Test
    void parsesDeltaSecondsAndTheRefresher() {
        assertEquals(new SessionTimer.SessionExpires(1800, Optional.of(SessionTimer.Refresher.UAC)),
                SessionTimer.parse("1800;refresher=uac").orElseThrow());
        assertEquals(new SessionTimer.SessionExpires(90, Optional.empty()), SessionTimer.parse(" 90 ").orElseThrow());
        assertEquals(Optional.of(SessionTimer.Refresher.UAS), SessionTimer.parse("600 ; Refresher=UAS").orElseThrow().refresher());
        assertEquals("1800;refresher=uas", SessionTimer.parse("1800;refresher=uas").orElseThrow().headerValue());
    }

    @Test
    void malformedValuesAreEmptyNeverExceptions() {
        for (String bad : new String[] {null, "", ";", "abc", "-5", "0", "99999999999", "1800;refresher=both", "1e3", "18 00"}) {
            assertTrue(SessionTimer.parse(bad).isEmpty(), String.valueOf(bad));
        }
    }

    @Test
    void section7_4_a422IsRetriedWithItsMinSeOnlyWhenThatIsLargerAndSane() {
        assertEquals(java.util.OptionalInt.of(3600), SessionTimer.retryInterval("3600", 1800));
        assertEquals(java.util.OptionalInt.of(86_400), SessionTimer.retryInterval(" 86400 ", 1800));
        for (String useless : new String[] {null, "", "abc", "1800", "900", "86401", "3600;refresher=uac", "-1"}) {
            assertTrue(SessionTimer.retryInterval(useless, 1800).isEmpty(), String.valueOf(useless));
        }
    }

    @Test
    void section9_tooSmallIsRejectedWith422WhenTheUacSupportsTimer() {
        var d = SessionTimer.asUas("30", true, true, 90);
        assertEquals(new SessionTimer.UasDecision.Reject(90), d);
    }

    @Test
    void tooSmallFromAUacWithoutTheExtensionIsRaisedToOurMinimumAndWeRefresh() {
        var d = assertInstanceOf(SessionTimer.UasDecision.Use.class, SessionTimer.asUas("30", false, true, 90));
        assertEquals(90, d.value().seconds());
        assertFalse(d.peerRefreshes());
    }

    @Test
    void theUacRefreshesUnlessItAskedUsTo() {
        var d = assertInstanceOf(SessionTimer.UasDecision.Use.class, SessionTimer.asUas("1800", true, false, 90));
        assertEquals("1800;refresher=uac", d.value().headerValue());
        assertTrue(d.peerRefreshes());
        var us = assertInstanceOf(SessionTimer.UasDecision.Use.class,
                SessionTimer.asUas("1800;refresher=uas", true, true, 90));
        assertFalse(us.peerRefreshes());
    }

    @Test
    void withoutUpdateWeCannotRefreshSoNoTimer() {
        assertInstanceOf(SessionTimer.UasDecision.None.class, SessionTimer.asUas("1800;refresher=uas", true, false, 90));
        assertInstanceOf(SessionTimer.UasDecision.None.class, SessionTimer.asUas(null, true, true, 90));
        assertInstanceOf(SessionTimer.UasDecision.None.class, SessionTimer.asUas("junk", true, true, 90));
    }

    @Test
    void asUacFollowsTheResponse() {
        assertTrue(SessionTimer.asUac(null, true, 0).isEmpty());
        SessionTimer peer = SessionTimer.asUac("1800;refresher=uas", false, 0).orElseThrow();
        assertTrue(peer.peerRefreshes());
        SessionTimer us = SessionTimer.asUac("1800;refresher=uac", true, 0).orElseThrow();
        assertFalse(us.peerRefreshes());
        assertTrue(SessionTimer.asUac("1800;refresher=uac", false, 0).isEmpty(), "no UPDATE: we cannot refresh");
    }

    @Test
    void section10_theNonRefresherEndsTheSessionAThirdOrAtMost32SecondsEarly() {
        SessionTimer t = new SessionTimer(90, true, 0);
        assertFalse(t.expired(59 * S));
        assertTrue(t.expired(60 * S)); // 90 - min(32, 30)
        SessionTimer longer = new SessionTimer(1800, true, 0);
        assertFalse(longer.expired(1767 * S));
        assertTrue(longer.expired(1768 * S)); // 1800 - 32
        longer.refreshed(1000 * S);
        assertFalse(longer.expired(2767 * S));
        assertFalse(longer.refreshDue(2767 * S), "the peer refreshes, not us");
    }

    @Test
    void section7_4_theRefresherRefreshesAtHalfTheInterval() {
        SessionTimer t = new SessionTimer(90, false, 0);
        assertFalse(t.refreshDue(44 * S));
        assertTrue(t.refreshDue(45 * S));
        t.refreshed(45 * S);
        assertFalse(t.refreshDue(89 * S));
        assertFalse(t.expired(134 * S));
        assertTrue(t.expired(135 * S), "our refreshes went unanswered for the whole interval");
    }
}
