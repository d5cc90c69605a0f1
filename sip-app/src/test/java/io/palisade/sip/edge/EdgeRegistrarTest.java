// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.sip.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.palisade.sip.RegisterFlow;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the edge registrar keeps of an answer for retransmissions reads back as the same answer. */
class EdgeRegistrarTest {
    private static RegisterFlow.Answer roundTrip(RegisterFlow.Answer a) {
        byte[] kept = EdgeRegistrar.ANSWER_BYTES.encode(a);
        byte[] inABlock = new byte[kept.length + 10];
        System.arraycopy(kept, 0, inABlock, 7, kept.length);
        return EdgeRegistrar.ANSWER_BYTES.decode(inABlock, 7, kept.length);
    }

    @Test
    void answersReadBackAsKept() {
        for (RegisterFlow.Answer a : List.of(
                new RegisterFlow.Answer(200, null, List.of(new RegisterFlow.Header("Contact",
                        "<sip:alice@192.0.2.10:5060>;expires=600;q=1.0"), new RegisterFlow.Header("Contact",
                        "<sip:alice@[2001:db8::1]:5062;transport=tcp>;expires=12;q=0.5"))),
                new RegisterFlow.Answer(401, null, List.of(new RegisterFlow.Header("WWW-Authenticate",
                        "Digest realm=\"ré\", nonce=\"abc\", algorithm=MD5, qop=\"auth\", stale=true"))),
                new RegisterFlow.Answer(423, "Interval Too Brief", List.of(new RegisterFlow.Header("Min-Expires", "60"))),
                new RegisterFlow.Answer(503, "Service Unavailable: overloaded", List.of()))) {
            assertEquals(a, roundTrip(a));
        }
    }

    @Test
    void anAnswerTooLongToKeepIsRefusedNotCut() {
        RegisterFlow.Answer huge = new RegisterFlow.Answer(200, null,
                List.of(new RegisterFlow.Header("Contact", "<sip:" + "a".repeat(70_000) + "@example.com>")));
        assertThrows(IllegalArgumentException.class, () -> EdgeRegistrar.ANSWER_BYTES.encode(huge));
        RegisterFlow.Answer justFits = new RegisterFlow.Answer(200, null,
                List.of(new RegisterFlow.Header("Contact", "é".repeat(0xFFFF / 2))));
        assertEquals(justFits, roundTrip(justFits));
    }
}
