// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.core.call;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class CallPolicyTest {
    @Test
    void onlyTlsLegsCarryKeys() {
        assertEquals(CallPolicy.LegSecurity.SRTP_REQUIRED, CallPolicy.legSecurity("TLS"));
        assertEquals(CallPolicy.LegSecurity.SRTP_REQUIRED, CallPolicy.legSecurity("tls"));
        assertEquals(CallPolicy.LegSecurity.RTP_ONLY, CallPolicy.legSecurity("TCP"));
        assertEquals(CallPolicy.LegSecurity.RTP_ONLY, CallPolicy.legSecurity("UDP"));
    }

    @Test
    void topologyHidingDropsIdentityAndAgentHeaders() {
        for (String h : List.of("User-Agent", "Server", "P-Asserted-Identity", "P-Preferred-Identity", "Supported",
                "Require", "X-Internal-Ip", "Organization", "Proxy-Authorization", "Authorization", "Record-Route")) {
            assertFalse(CallPolicy.copiesToCalleeLeg(h) && !CallPolicy.isSystemHeader(h), h);
        }
        assertTrue(CallPolicy.copiesToCalleeLeg("Content-Type"));
        assertTrue(CallPolicy.copiesToCalleeLeg("subject"));
        assertFalse(CallPolicy.copiesToCallerLeg("Server"));
        assertFalse(CallPolicy.copiesToCallerLeg("Contact"));
    }

    @Test
    void failuresTheCallerCanActOnPassOthersBecome480() {
        assertEquals(486, CallPolicy.callerStatusFor(486));
        assertEquals(488, CallPolicy.callerStatusFor(488));
        assertEquals(408, CallPolicy.callerStatusFor(408));
        assertEquals(480, CallPolicy.callerStatusFor(302));
        assertEquals(480, CallPolicy.callerStatusFor(407));
        assertEquals(480, CallPolicy.callerStatusFor(503));
        assertEquals(480, CallPolicy.callerStatusFor(422), "the callee leg's session interval is the B2BUA's business");
        assertEquals(480, CallPolicy.callerStatusFor(420));
        assertEquals(603, CallPolicy.callerStatusFor(603));
        assertEquals(603, CallPolicy.callerStatusFor(699));
    }

    @Test
    void bestFailureOfSeveralBranches() {
        assertEquals(486, CallPolicy.bestFailure(List.of(503, 486, 480)));
        assertEquals(603, CallPolicy.bestFailure(List.of(486, 603)));
        assertEquals(480, CallPolicy.bestFailure(List.of(503, 302)));
        assertEquals(488, CallPolicy.bestFailure(List.of(480, 488)));
        assertEquals(480, CallPolicy.bestFailure(List.of()));
    }

    @Test
    void assertedIdentityIsTheAuthenticatedUser() {
        assertEquals("<sip:alice@example.com>", CallPolicy.assertedIdentity("alice", "example.com"));
        assertEquals("sip:bob@example.com", CallPolicy.aor("bob", "EXAMPLE.com"));
    }
}
