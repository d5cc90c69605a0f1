// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.core.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class AnsweredRequestsTest {
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    private final AtomicLong now = new AtomicLong(1_000 * SECOND);

    private AnsweredRequests<String> cache(int max) {
        return new AnsweredRequests<>(32 * SECOND, 32, max, now::get);
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
