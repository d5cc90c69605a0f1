// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.server.container;

import gov.nist.javax.sip.ThreadAffinityIdentifier;
import gov.nist.javax.sip.stack.SIPTransactionStack;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The worker threads that process every SIP message read from a TCP or TLS connection, with the messages of one
 * Call-ID always on the same thread, in the order they were read.
 *
 * <p>JAIN-SIP 1.3.0-91 hands each message its NIO stream parser has framed to one static executor
 * ({@code SIPTransactionStack.selfRoutingThreadpoolExecutor}), a set of single-thread executors that keeps a task on
 * one thread only when the task names a key ({@link ThreadAffinityIdentifier}); the parser's task does not, so it goes
 * round robin. Two messages of one connection and one dialog were then handled on two threads at once, in either
 * order: a callee's 183 and 200 sent back to back could reach the B2BUA as 200 first (the caller then got the 200
 * before its reliable 183), an ACK could be handled after the BYE behind it. This executor takes the Call-ID from the
 * parser's task (a field read once per message) and keeps each Call-ID on one thread, as TCP delivered them. The
 * messages are framed by {@link StreamFramer} now ({@link FramedChannels}), which hands on the same task.
 *
 * <p>Installed in place of JAIN-SIP's before the stack starts ({@link #install}); the stack shuts it down when it
 * stops. Tasks without a key are spread round robin, as before.
 */
public final class CallOrderedExecutor implements ScheduledExecutorService {

    static final String PARSER_TASK = "gov.nist.javax.sip.parser.NioPipelineParser$Dispatch";

    private final ScheduledThreadPoolExecutor[] lanes;
    private final AtomicInteger next = new AtomicInteger();
    private final Class<?> parserTask;
    private final Field parserTaskCallId;

    public CallOrderedExecutor(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, was " + threads);
        }
        try {
            parserTask = Class.forName(PARSER_TASK, false, SIPTransactionStack.class.getClassLoader());
            parserTaskCallId = parserTask.getDeclaredField("callId");
            parserTaskCallId.setAccessible(true);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("this JAIN-SIP has no " + PARSER_TASK + ".callId: the SIP message order "
                    + "per call cannot be kept (Palisade is built for jain-sip-ri 1.3.0-91)", e);
        }
        AtomicInteger n = new AtomicInteger();
        ThreadFactory factory = r -> {
            Thread t = new Thread(r, "palisade-sip-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        lanes = new ScheduledThreadPoolExecutor[threads];
        for (int i = 0; i < threads; i++) {
            lanes[i] = new ScheduledThreadPoolExecutor(1, factory);
            lanes[i].setRemoveOnCancelPolicy(true);
        }
    }

    /**
     * Puts an executor of {@code threads} threads in JAIN-SIP's place; call before the stack reads its first message.
     * The executor it replaces, if one was made already, is shut down.
     */
    public static CallOrderedExecutor install(int threads) {
        CallOrderedExecutor executor = new CallOrderedExecutor(threads);
        try {
            Field f = SIPTransactionStack.class.getDeclaredField("selfRoutingThreadpoolExecutor");
            f.setAccessible(true);
            Object old = f.get(null);
            f.set(null, executor);
            if (old instanceof ScheduledExecutorService s && old != executor) {
                s.shutdown();
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            executor.shutdownNow();
            throw new IllegalStateException("could not install the per-call ordered SIP executor into JAIN-SIP", e);
        }
        return executor;
    }

    /** The lane a task runs on: its Call-ID's (or other affinity key's) lane, else the next one round robin. */
    int laneOf(Runnable task) {
        Object key = null;
        if (task instanceof ThreadAffinityIdentifier t) {
            key = t.getThreadHash();
        } else if (parserTask.isInstance(task)) {
            try {
                key = parserTaskCallId.get(task);
            } catch (IllegalAccessException e) {
                key = null;
            }
        }
        if (key == null) {
            return Math.floorMod(next.getAndIncrement(), lanes.length);
        }
        return Math.floorMod(key.hashCode(), lanes.length);
    }

    int lanes() {
        return lanes.length;
    }

    @Override
    public void execute(Runnable command) {
        lanes[laneOf(command)].execute(command);
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        return lanes[laneOf(command)].schedule(command, delay, unit);
    }

    @Override
    public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
        return lanes[roundRobin()].schedule(callable, delay, unit);
    }

    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
        return lanes[laneOf(command)].scheduleAtFixedRate(command, initialDelay, period, unit);
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
        return lanes[laneOf(command)].scheduleWithFixedDelay(command, initialDelay, delay, unit);
    }

    @Override
    public Future<?> submit(Runnable task) {
        return lanes[laneOf(task)].submit(task);
    }

    @Override
    public <T> Future<T> submit(Runnable task, T result) {
        return lanes[laneOf(task)].submit(task, result);
    }

    @Override
    public <T> Future<T> submit(Callable<T> task) {
        return lanes[roundRobin()].submit(task);
    }

    @Override
    public <T> List<Future<T>> invokeAll(Collection<? extends Callable<T>> tasks) throws InterruptedException {
        List<Future<T>> futures = new ArrayList<>(tasks.size());
        for (Callable<T> c : tasks) {
            futures.add(submit(c));
        }
        for (Future<T> f : futures) {
            try {
                f.get();
            } catch (ExecutionException e) {
                // reported through the future, as ExecutorService.invokeAll does
            }
        }
        return futures;
    }

    @Override
    public <T> List<Future<T>> invokeAll(Collection<? extends Callable<T>> tasks, long timeout, TimeUnit unit) {
        throw new UnsupportedOperationException("JAIN-SIP does not use invokeAll with a timeout");
    }

    @Override
    public <T> T invokeAny(Collection<? extends Callable<T>> tasks) {
        throw new UnsupportedOperationException("JAIN-SIP does not use invokeAny");
    }

    @Override
    public <T> T invokeAny(Collection<? extends Callable<T>> tasks, long timeout, TimeUnit unit)
            throws TimeoutException {
        throw new UnsupportedOperationException("JAIN-SIP does not use invokeAny");
    }

    @Override
    public void shutdown() {
        for (ScheduledThreadPoolExecutor lane : lanes) {
            lane.shutdown();
        }
    }

    @Override
    public List<Runnable> shutdownNow() {
        List<Runnable> pending = new ArrayList<>();
        for (ScheduledThreadPoolExecutor lane : lanes) {
            pending.addAll(lane.shutdownNow());
        }
        return pending;
    }

    @Override
    public boolean isShutdown() {
        for (ScheduledThreadPoolExecutor lane : lanes) {
            if (!lane.isShutdown()) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean isTerminated() {
        for (ScheduledThreadPoolExecutor lane : lanes) {
            if (!lane.isTerminated()) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        for (ScheduledThreadPoolExecutor lane : lanes) {
            if (!lane.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                return false;
            }
        }
        return true;
    }

    private int roundRobin() {
        return Math.floorMod(next.getAndIncrement(), lanes.length);
    }
}
