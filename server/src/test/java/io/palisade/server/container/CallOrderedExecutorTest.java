package io.palisade.server.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gov.nist.javax.sip.ThreadAffinityTask;
import gov.nist.javax.sip.stack.SIPTransactionStack;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Messages of one call stay on one thread in arrival order; different calls spread over the threads. */
class CallOrderedExecutorTest {

    /** JAIN-SIP's own task for a framed TCP/TLS message, made without its parser (never run here). */
    private static Runnable parserTask(String callId) throws Exception {
        Class<?> type = Class.forName(CallOrderedExecutor.PARSER_TASK);
        Field unsafeField = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
        unsafeField.setAccessible(true);
        sun.misc.Unsafe unsafe = (sun.misc.Unsafe) unsafeField.get(null);
        Object task = unsafe.allocateInstance(type);
        Field f = type.getDeclaredField("callId");
        f.setAccessible(true);
        f.set(task, callId);
        return (Runnable) task;
    }

    @Test
    void framedMessagesOfOneCallIdAlwaysGetTheSameLaneAndCallsSpread() throws Exception {
        CallOrderedExecutor executor = new CallOrderedExecutor(8);
        try {
            Set<Integer> lanesUsed = new HashSet<>();
            for (int call = 0; call < 64; call++) {
                String callId = "a84b4c76e66710@pc" + call + ".example.com";
                int lane = executor.laneOf(parserTask(callId));
                for (int message = 0; message < 5; message++) {
                    assertEquals(lane, executor.laneOf(parserTask(callId)), "message " + message + " of " + callId);
                }
                lanesUsed.add(lane);
            }
            assertTrue(lanesUsed.size() >= 6, "64 calls use most of the 8 threads, used " + lanesUsed);
        } finally {
            executor.shutdownNow();
        }
    }

    @Test
    void tasksOfOneCallRunInSubmissionOrderOnOneThreadWhileOthersRunBeside() throws Exception {
        CallOrderedExecutor executor = new CallOrderedExecutor(4);
        int calls = 20;
        int perCall = 200;
        Map<String, List<Integer>> seen = new ConcurrentHashMap<>();
        Map<String, Set<String>> threads = new ConcurrentHashMap<>();
        CountDownLatch done = new CountDownLatch(calls * perCall);
        try {
            for (int i = 0; i < perCall; i++) {
                for (int c = 0; c < calls; c++) {
                    String callId = "call-" + c;
                    int seq = i;
                    executor.execute(new ThreadAffinityTask() {
                        @Override
                        public Object getThreadHash() {
                            return callId;
                        }

                        @Override
                        public void run() {
                            seen.computeIfAbsent(callId, k -> new CopyOnWriteArrayList<>()).add(seq);
                            threads.computeIfAbsent(callId, k -> ConcurrentHashMap.newKeySet())
                                    .add(Thread.currentThread().getName());
                            done.countDown();
                        }
                    });
                }
            }
            assertTrue(done.await(30, TimeUnit.SECONDS), "every task ran");
            List<Integer> expected = new ArrayList<>();
            for (int i = 0; i < perCall; i++) {
                expected.add(i);
            }
            for (int c = 0; c < calls; c++) {
                assertEquals(expected, seen.get("call-" + c), "order of call-" + c);
                assertEquals(1, threads.get("call-" + c).size(), "threads of call-" + c);
            }
            Set<String> all = new HashSet<>();
            threads.values().forEach(all::addAll);
            assertTrue(all.size() > 1, "calls ran on several threads: " + all);
        } finally {
            executor.shutdownNow();
        }
    }

    @Test
    void installPutsItWhereJainSipLooksForItsExecutor() throws Exception {
        Field f = SIPTransactionStack.class.getDeclaredField("selfRoutingThreadpoolExecutor");
        f.setAccessible(true);
        Object before = f.get(null);
        CallOrderedExecutor installed = CallOrderedExecutor.install(3);
        try {
            assertSame(installed, f.get(null));
            assertEquals(3, installed.lanes());
        } finally {
            installed.shutdown();
            assertTrue(installed.awaitTermination(5, TimeUnit.SECONDS));
            f.set(null, before);
        }
    }
}
