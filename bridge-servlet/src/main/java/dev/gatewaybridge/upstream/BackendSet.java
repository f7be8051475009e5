package dev.gatewaybridge.upstream;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

import dev.gatewaybridge.api.BackendTimeoutException;
import dev.gatewaybridge.api.BackendUnavailableException;
import dev.gatewaybridge.config.ConfigReader;

/**
 * The backends of one bridge: chooses one per request (round-robin or least-busy), fails over to the next
 * when opening fails, and keeps passive health per backend ({@link Backend}). Thread-safe.
 *
 * <p>As in nginx, a set of one backend never marks it down (there is nothing to fail over to, and refusing
 * requests would only lengthen an outage), and when every backend is down the request gets 502 at once.
 */
public final class BackendSet {

    /** How the next backend is chosen among those up and not yet tried for this request. */
    public enum Balance {
        /** In turn. */
        ROUND_ROBIN,
        /** The one serving fewest requests now; ties in turn. */
        LEAST_BUSY;

        /** {@code round-robin} or {@code least-busy} (also with underscores, any case). */
        public static Balance parse(String text) {
            return switch (text.strip().toLowerCase(Locale.ROOT).replace('_', '-')) {
                case "round-robin" -> ROUND_ROBIN;
                case "least-busy" -> LEAST_BUSY;
                default -> throw new IllegalArgumentException("balance must be round-robin or least-busy: "
                        + text);
            };
        }
    }

    /** Opens whatever a request needs from one backend: a new connection, a pooled one... */
    @FunctionalInterface
    public interface Opener<T> {
        /** Opens for {@code backend}; an {@link IOException} counts as a failure and the next one is tried. */
        T open(Backend backend) throws IOException;
    }

    // Parameter names under a bridge's prefix (e.g. scgi.backends), shared by the FastCGI and SCGI bridges.
    /** Required: backend addresses, {@code host:port}, {@code [v6]:port} or {@code unix:/path}, comma separated. */
    public static final String BACKENDS = "backends";
    /** {@code round-robin} (default) or {@code least-busy}. */
    public static final String BALANCE = "balance";
    /** Failures within {@link #FAIL_TIMEOUT} that mark a backend down (default 1, 0 = never), nginx max_fails. */
    public static final String MAX_FAILS = "maxFails";
    /** The failure window and the time a backend stays down (default 10s), nginx fail_timeout. */
    public static final String FAIL_TIMEOUT = "failTimeout";

    private final List<Backend> backends;
    private final Balance balance;
    private final LongSupplier clock;
    private final AtomicInteger next = new AtomicInteger();

    /**
     * @param maxFails    failures within {@code failTimeout} that mark a backend down; 0 never marks it
     * @param failTimeout the failure window, and how long a backend stays down
     */
    public BackendSet(List<BackendAddress> addresses, Balance balance, int maxFails, Duration failTimeout) {
        this(addresses, balance, maxFails, failTimeout, System::nanoTime);
    }

    BackendSet(List<BackendAddress> addresses, Balance balance, int maxFails, Duration failTimeout,
            LongSupplier clock) {
        if (addresses.isEmpty()) {
            throw new IllegalArgumentException("a backend set needs at least one backend");
        }
        if (maxFails < 0 || failTimeout.isNegative()) {
            throw new IllegalArgumentException("maxFails and failTimeout must not be negative: " + maxFails
                    + ", " + failTimeout);
        }
        int fails = addresses.size() == 1 ? 0 : maxFails;
        List<Backend> list = new ArrayList<>();
        for (BackendAddress a : addresses) {
            list.add(new Backend(a, fails, failTimeout.toNanos()));
        }
        this.backends = List.copyOf(list);
        this.balance = balance;
        this.clock = clock;
    }

    /** The set configured under {@code reader}'s prefix ({@link #BACKENDS}, {@link #BALANCE}...). */
    public static BackendSet from(ConfigReader reader) {
        return Policy.from(reader, Balance.ROUND_ROBIN).of(reader.required(UpstreamSettings.BACKENDS));
    }

    /**
     * How a set chooses and marks down, without its addresses: for backends known only once started (a
     * bridge's own workers, {@code dev.gatewaybridge.managed}).
     */
    public record Policy(Balance balance, int maxFails, Duration failTimeout) {

        /** {@link #BALANCE}, {@link #MAX_FAILS} and {@link #FAIL_TIMEOUT} under {@code reader}'s prefix. */
        public static Policy from(ConfigReader reader, Balance defaultBalance) {
            return new Policy(reader.get(UpstreamSettings.BALANCE, defaultBalance),
                    reader.get(UpstreamSettings.MAX_FAILS), reader.get(UpstreamSettings.FAIL_TIMEOUT));
        }

        /** The set of {@code addresses} with this policy. */
        public BackendSet of(List<BackendAddress> addresses) {
            return new BackendSet(addresses, balance, maxFails, failTimeout);
        }
    }

    public List<Backend> backends() {
        return backends;
    }

    /**
     * Opens with the chosen backend, failing over to the others in turn; each backend is tried at most once.
     *
     * @throws BackendTimeoutException     if every backend tried timed out (504)
     * @throws BackendUnavailableException if none could be opened, or all are down (502)
     */
    public <T> Lease<T> acquire(Opener<T> opener) {
        boolean[] tried = new boolean[backends.size()];
        IOException last = null;
        boolean allTimedOut = true;
        StringBuilder failures = new StringBuilder();
        for (Backend b; (b = choose(tried)) != null; ) {
            tried[backends.indexOf(b)] = true;
            b.acquired();
            try {
                return new Lease<>(this, b, opener.open(b));
            } catch (IOException e) {
                b.released();
                if (!(e instanceof Declined)) {
                    b.failed(clock.getAsLong());
                }
                last = e;
                allTimedOut &= e instanceof SocketTimeoutException;
                failures.append(failures.length() == 0 ? "" : "; ").append(b).append(": ").append(e.getMessage());
            } catch (RuntimeException | Error e) {
                b.released();
                throw e;
            }
        }
        if (last == null) {
            throw new BackendUnavailableException("no live backend: all of " + backends + " are marked down");
        }
        if (allTimedOut) {
            throw new BackendTimeoutException("no backend answered in time: " + failures, last);
        }
        throw new BackendUnavailableException("no backend could be reached: " + failures, last);
    }

    /**
     * An opener's refusal of a backend it knows to be down on purpose (a bridge's own worker marked down,
     * {@code dev.gatewaybridge.managed}): fails over like any, but is no failure of the backend's health.
     */
    public static final class Declined extends IOException {
        public Declined(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** {@link #acquire} a new {@link Connection}, connected within {@code timeouts.connect()}. */
    public Lease<Connection> connect(Timeouts timeouts) {
        return acquire(b -> Connection.open(b.address(), timeouts));
    }

    /** The next backend that is up and not tried, by the balance rule; null if there is none. */
    Backend choose(boolean[] tried) {
        long now = clock.getAsLong();
        int n = backends.size();
        int start = Math.floorMod(next.getAndIncrement(), n);
        Backend best = null;
        int bestLoad = 0;
        for (int i = 0; i < n; i++) {
            int index = (start + i) % n;
            Backend b = backends.get(index);
            if (tried[index] || !b.isUp(now)) {
                continue;
            }
            if (balance == Balance.ROUND_ROBIN) {
                return b;
            }
            int load = b.load();
            if (best == null || load < bestLoad) {
                best = b;
                bestLoad = load;
            }
        }
        return best;
    }

    long now() {
        return clock.getAsLong();
    }

    /**
     * One request's hold on a backend: counts in its in-flight number until closed (once). Closing does not
     * close {@link #value()}: the caller decides whether it goes back to a pool or is closed.
     */
    public static final class Lease<T> implements AutoCloseable {
        private final BackendSet set;
        private final Backend backend;
        private final T value;
        private final AtomicBoolean released = new AtomicBoolean();
        private volatile Runnable onClose;

        Lease(BackendSet set, Backend backend, T value) {
            this.set = set;
            this.backend = backend;
            this.value = value;
        }

        public Backend backend() {
            return backend;
        }

        public T value() {
            return value;
        }

        /** Counts a failure after opening (a read timeout, a broken exchange) against the backend. */
        public void failed() {
            backend.failed(set.now());
        }

        /** Counts a success: the backend's failure count starts over. */
        public void succeeded() {
            backend.succeeded();
        }

        /** Runs {@code action} when the lease is closed, once (a managed worker's request count). */
        public void onClose(Runnable action) {
            onClose = action;
        }

        @Override
        public void close() {
            if (released.compareAndSet(false, true)) {
                backend.released();
                Runnable action = onClose;
                if (action != null) {
                    action.run();
                }
            }
        }
    }
}
