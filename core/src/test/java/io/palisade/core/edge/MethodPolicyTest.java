package io.palisade.core.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MethodPolicyTest {
    private final MethodPolicy policy = new MethodPolicy(List.of("INVITE", "ACK", "CANCEL", "BYE", "OPTIONS", "REGISTER"));

    private int status(String method, boolean toTag, boolean contact) {
        return policy.decide(method, toTag, contact).map(Verdict.Reject::status).orElse(0);
    }

    @Test
    void registrationsCallsAndQueriesGoToTheApplication() {
        assertEquals(0, status("REGISTER", false, true));
        assertEquals(0, status("INVITE", false, true));
        assertEquals(0, status("OPTIONS", false, false));
        assertEquals(0, status("ACK", false, false));
        assertEquals(0, status("CANCEL", false, false));
    }

    @Test
    void everythingInADialogGoesOn() {
        for (String m : List.of("BYE", "INFO", "MESSAGE", "REFER", "NEWMETHOD", "UPDATE")) {
            assertEquals(0, status(m, true, false), m);
        }
    }

    /** RFC 3261 sections 8.2.1, 15.1.2 and 21.5.2: nothing is left for the container to proxy. */
    @Test
    void initialRequestsNoApplicationTakesAreAnsweredHere() {
        assertEquals(405, status("MESSAGE", false, true));
        assertEquals(405, status("SUBSCRIBE", false, true));
        assertEquals(481, status("BYE", false, true));
        assertEquals(481, status("NOTIFY", false, true));
        assertEquals(501, status("!interesting-Method0123456789_*+`.%indeed'~", false, true));
        assertEquals(501, status("NEWMETHOD", false, true));
        assertEquals("INVITE, ACK, CANCEL, BYE, OPTIONS, REGISTER", policy.allowHeader());
    }

    /** RFC 3261 section 8.1.1.8; RFC 4475 section 3.4.1 (an RFC 2543 INVITE without Contact). */
    @Test
    void anInviteWithoutContactIsRefusedWithAReason() {
        Optional<Verdict.Reject> r = policy.decide("INVITE", false, false);
        assertEquals(400, r.orElseThrow().status());
        assertEquals("Bad Request: an INVITE must carry a Contact", r.get().reason());
    }
}
