package dev.gatewaybridge.upstream;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * One backend of a {@link BackendSet}: its address, how many requests it is serving now, and its passive
 * health — nginx's {@code max_fails}/{@code fail_timeout}: {@code maxFails} failures within
 * {@code failTimeout} mark it down for {@code failTimeout}. Thread-safe.
 */
public final class Backend {

    private static final System.Logger LOG = System.getLogger(Backend.class.getName());

    private final BackendAddress address;
    private final int maxFails;
    private final long failTimeoutNanos;
    private final AtomicInteger inFlight = new AtomicInteger();
    /** Whether it has no process ready now (a managed worker stopped or starting): least-busy's last choice. */
    private volatile java.util.function.BooleanSupplier cold = () -> false;
    // Guarded by this: the failure window and the time the backend is down until.
    private int fails;
    private long firstFailNanos;
    private long downUntilNanos;
    private boolean down;

    Backend(BackendAddress address, int maxFails, long failTimeoutNanos) {
        this.address = address;
        this.maxFails = maxFails;
        this.failTimeoutNanos = failTimeoutNanos;
    }

    public BackendAddress address() {
        return address;
    }

    /** Requests this backend is serving right now (leased and not yet released). */
    public int inFlight() {
        return inFlight.get();
    }

    /** Sets what says the backend is cold: least-busy then chooses it only when every warm one is busy. */
    public void coldWhen(java.util.function.BooleanSupplier cold) {
        this.cold = cold;
    }

    /** Least-busy's order: idle and warm, then idle and cold (a worker to start), then by requests in flight. */
    int load() {
        return inFlight.get() * 2 + (cold.getAsBoolean() ? 1 : 0);
    }

    /** Whether the backend may be chosen at {@code now} (System.nanoTime scale). */
    public synchronized boolean isUp(long now) {
        if (down && now - downUntilNanos >= 0) {
            down = false; // fail_timeout passed: try it again (nginx does the same, without a probe)
            fails = 0;
        }
        return !down;
    }

    /** Records a failure (connect refused, timed out, broken exchange); may mark the backend down. */
    public synchronized void failed(long now) {
        if (maxFails <= 0) {
            return;
        }
        if (fails == 0 || now - firstFailNanos > failTimeoutNanos) {
            fails = 0;
            firstFailNanos = now;
        }
        if (++fails >= maxFails && !down) {
            down = true;
            downUntilNanos = now + failTimeoutNanos;
            LOG.log(System.Logger.Level.WARNING, "backend " + address + " marked down for "
                    + failTimeoutNanos / 1_000_000 + " ms after " + fails + " failure(s)");
        }
    }

    /** Records a success: the failure count starts over. */
    public synchronized void succeeded() {
        fails = 0;
    }

    void acquired() {
        inFlight.incrementAndGet();
    }

    void released() {
        inFlight.decrementAndGet();
    }

    @Override
    public String toString() {
        return address.toString();
    }
}
