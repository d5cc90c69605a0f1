package io.palisade.core.edge;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;

/**
 * Decides when new work must be refused so that the process never runs out of memory: when the SIP stack holds
 * more server transactions than configured, or when the heap that survived the last collection passes a share of
 * the maximum. Refusal happens before a transaction exists (503 + Retry-After, RFC 3261 section 21.5.4), so
 * refused requests cost almost nothing. Requests inside an existing dialog are never shed here.
 */
public final class OverloadGuard {
    private final int maxServerTransactions;
    private final int heapPercent;
    private final IntSupplier serverTransactions;
    private final List<MemoryPoolMXBean> heapPools;
    private final LongAdder shed = new LongAdder();
    private volatile long heapCheckedAt;
    private volatile boolean heapHigh;
    private final java.util.concurrent.atomic.AtomicBoolean overloaded = new java.util.concurrent.atomic.AtomicBoolean();
    private final java.util.function.Consumer<String> onChange;

    public OverloadGuard(int maxServerTransactions, int heapPercent, IntSupplier serverTransactions) {
        this(maxServerTransactions, heapPercent, serverTransactions, s -> { });
    }

    /** @param onChange told "on: ..." when shedding starts and "off" when it stops (for security events) */
    public OverloadGuard(int maxServerTransactions, int heapPercent, IntSupplier serverTransactions,
                         java.util.function.Consumer<String> onChange) {
        this.onChange = onChange;
        this.maxServerTransactions = maxServerTransactions;
        this.heapPercent = heapPercent;
        this.serverTransactions = serverTransactions;
        this.heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(p -> p.getType() == MemoryType.HEAP && p.isCollectionUsageThresholdSupported()).toList();
    }

    /** True when a new (out-of-dialog) request must be refused now; counts each refusal. */
    public boolean shedNewRequest() {
        int tx = serverTransactions.getAsInt();
        boolean over = tx >= maxServerTransactions || heapHigh();
        if (over) {
            shed.increment();
        }
        if (overloaded.get() != over && overloaded.compareAndSet(!over, over)) {
            onChange.accept(over ? "on: " + tx + " server transactions, heap " + (heapHigh ? "above" : "below") + " "
                    + heapPercent + " %" : "off");
        }
        return over;
    }

    public long shedCount() {
        return shed.sum();
    }

    /** Seconds a refused client should wait; longer the deeper the overload. */
    public int retryAfterSeconds() {
        return serverTransactions.getAsInt() >= 2L * maxServerTransactions ? 30 : 5;
    }

    private boolean heapHigh() {
        long now = System.nanoTime();
        if (now - heapCheckedAt > 100_000_000L) { // re-evaluate at most every 100 ms
            heapCheckedAt = now;
            long used = 0;
            long max = Runtime.getRuntime().maxMemory();
            for (MemoryPoolMXBean p : heapPools) {
                MemoryUsage u = p.getCollectionUsage(); // what survived the last collection of this pool
                if (u != null) {
                    used += u.getUsed();
                }
            }
            heapHigh = max > 0 && used * 100 / max >= heapPercent;
        }
        return heapHigh;
    }
}
