// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.core.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class AnsweredRequestsTest {
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    private final AtomicLong now = new AtomicLong(1_000 * SECOND);

    private AnsweredRequests<String> cache(int max) {
        return new AnsweredRequests<>(32 * SECOND, 32, max, now::get, UTF8);
    }

    private static final AnsweredRequests.Codec<String> UTF8 = new AnsweredRequests.Codec<>() {
        @Override
        public byte[] encode(String answer) {
            return answer.getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public String decode(byte[] bytes, int offset, int length) {
            return new String(bytes, offset, length, StandardCharsets.UTF_8);
        }
    };

    @Test
    void forgettingSomeKeysLeavesEveryOtherOneWhereItWas() {
        AnsweredRequests<String> c = cache(100_000);
        int keys = 20_000; // the table grows several times on the way
        for (int k = 0; k < keys; k++) {
            c.begin("k" + k);
            if (k % 3 != 0) {
                c.answered("k" + k, "answer " + k + " " + "x".repeat(k % 200));
            }
        }
        for (int k = 0; k < keys; k += 3) {
            c.forget("k" + k);
        }
        assertEquals(keys - (keys + 2) / 3, c.size());
        for (int k = 0; k < keys; k++) {
            AnsweredRequests.Seen<String> seen = c.begin("k" + k);
            if (k % 3 == 0) {
                assertInstanceOf(AnsweredRequests.New.class, seen, "forgotten k" + k);
            } else {
                assertEquals(new AnsweredRequests.Answered<>("answer " + k + " " + "x".repeat(k % 200)), seen);
            }
        }
    }

    @Test
    void answersSpanningManyBlocksAndGenerationsReadBackIntact() {
        AnsweredRequests<String> c = cache(1_000_000);
        for (int second = 0; second < 40; second++) { // more than Timer J: slots are reused
            for (int i = 0; i < 2_000; i++) {
                String key = second + "/" + i;
                c.begin(key);
                c.answered(key, key + ":" + "y".repeat(100 + i % 300));
            }
            for (int i = 0; i < 2_000; i += 97) {
                String key = second + "/" + i;
                assertEquals(Optional.of(key + ":" + "y".repeat(100 + i % 300)), c.answerOf(key));
            }
            now.addAndGet(SECOND);
        }
        assertInstanceOf(AnsweredRequests.New.class, c.begin("0/5"), "the first second is past Timer J");
        assertInstanceOf(AnsweredRequests.Answered.class, c.begin("39/5"));
    }

    @Test
    void aRetransmissionIsAbsorbedWhileWorkedOnThenGetsTheSameAnswer() {
        AnsweredRequests<String> c = cache(100);
        assertInstanceOf(AnsweredRequests.New.class, c.begin("k"));
        assertInstanceOf(AnsweredRequests.InProgress.class, c.begin("k"));
        c.answered("k", "SIP/2.0 200 OK");
        now.addAndGet(5 * SECOND);
        AnsweredRequests.Seen<String> again = c.begin("k");
        assertEquals(new AnsweredRequests.Answered<>("SIP/2.0 200 OK"), again);
        assertInstanceOf(AnsweredRequests.New.class, c.begin("other"));
    }

    @Test
    void anAnswerIsKeptForTimerJAndThenForgotten() {
        AnsweredRequests<String> c = cache(100);
        c.begin("k");
        c.answered("k", "answer");
        now.addAndGet(31 * SECOND);
        assertInstanceOf(AnsweredRequests.Answered.class, c.begin("k"), "still within 32 s");
        now.addAndGet(3 * SECOND);
        assertInstanceOf(AnsweredRequests.New.class, c.begin("k"), "after Timer J the request is new again");
    }

    @Test
    void aForgottenRequestIsNewAgain() {
        AnsweredRequests<String> c = cache(100);
        c.begin("k");
        c.forget("k");
        assertEquals(0, c.size());
        assertInstanceOf(AnsweredRequests.New.class, c.begin("k"));
    }

    @Test
    void theNumberOfRememberedRequestsIsBounded() {
        AnsweredRequests<String> c = cache(1_000);
        for (int second = 0; second < 100; second++) {
            for (int i = 0; i < 300; i++) {
                String key = second + "/" + i;
                c.begin(key);
                c.answered(key, "a");
            }
            assertTrue(c.size() <= 1_000, "size " + c.size() + " after second " + second);
            now.addAndGet(SECOND);
        }
        // the newest answers are the ones kept
        now.addAndGet(-SECOND);
        assertInstanceOf(AnsweredRequests.Answered.class, c.begin("99/299"));
        // one burst larger than the bound within one generation: worked on, not remembered beyond it
        for (int i = 0; i < 5_000; i++) {
            c.begin("burst/" + i);
        }
        assertTrue(c.size() <= 1_000, "size " + c.size() + " after a burst");
    }

    @Test
    void twoCopiesArrivingTogetherAreWorkedOnOnce() throws Exception {
        AnsweredRequests<String> c = cache(100_000);
        int threads = 4;
        int keys = 5_000;
        AtomicInteger firsts = new AtomicInteger();
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> all = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread th = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                for (int k = 0; k < keys; k++) {
                    if (c.begin("k" + k) instanceof AnsweredRequests.New<String>) {
                        firsts.incrementAndGet();
                        c.answered("k" + k, "a" + k);
                    }
                }
            });
            th.start();
            all.add(th);
        }
        go.countDown();
        for (Thread th : all) {
            th.join(TimeUnit.SECONDS.toMillis(30));
        }
        assertEquals(keys, firsts.get(), "each request is new exactly once");
        assertEquals(keys, c.size());
        assertEquals("a42", c.answerOf("k42").orElseThrow());
    }
}
