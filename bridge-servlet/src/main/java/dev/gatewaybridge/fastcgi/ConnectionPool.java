package dev.gatewaybridge.fastcgi;

import static dev.gatewaybridge.fastcgi.FastCgi.*;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

import dev.gatewaybridge.api.HttpStatusException;
import dev.gatewaybridge.bridge.StderrLog;
import dev.gatewaybridge.upstream.Backend;
import dev.gatewaybridge.upstream.Param;

/**
 * The kept-alive connections to one backend. Its size comes from the backend: the first connection asks
 * FCGI_GET_VALUES (spec §4.1) before any second one is opened, because a php-fpm child serves one kept-alive
 * connection for its whole life, so connections beyond FCGI_MAX_CONNS would wait in the listen backlog
 * forever. When the backend says FCGI_MPXS_CONNS=1 (and multiplexing is allowed) each connection carries up
 * to FCGI_MAX_REQS requests at once.
 */
final class ConnectionPool implements FastCgiConnection.Owner, AutoCloseable {

    private static final System.Logger LOG = System.getLogger(ConnectionPool.class.getName());
    /**
     * Idle this long (ns), a pooled connection is looked at for a close by the backend before it is used
     * (php-fpm restarted, or ended an idle ondemand child). Looking costs five system calls on a blocking
     * channel, so a connection reused sooner is not: if the backend closed it right after its last answer
     * (php-fpm's pm.max_requests), the request fails before any output and is sent again on another one.
     */
    static final long LOOK_AFTER_IDLE = TimeUnit.MILLISECONDS.toNanos(100);
    /**
     * Longest wait (ms) for the FCGI_GET_VALUES answer, and for the probe's connect: the answer is one round
     * trip, and a backend that never answers (uWSGI) must not hold up start-up.
     */
    static final long PROBE_TIMEOUT = 500;

    final String name;
    private final Backend backend;
    private final FastCgiSettings settings;
    private final ReentrantLock lock = new ReentrantLock();
    /** Requests waiting for a slot, longest first. */
    private final java.util.ArrayDeque<Waiter> waiters = new java.util.ArrayDeque<>();
    private final List<FastCgiConnection> connections = new ArrayList<>();
    private int opening;
    private boolean learned;
    private boolean closed;
    private volatile int maxConnections;
    private volatile int requestsPerConnection = 1;
    private volatile int busy;

    ConnectionPool(Backend backend, FastCgiSettings settings) {
        this.name = backend.toString();
        this.backend = backend;
        this.settings = settings;
        this.maxConnections = settings.maxConnections() > 0 ? settings.maxConnections()
                : FastCgiSettings.DEFAULT_MAX_CONNECTIONS;
        // The configuration says the capacity: nothing to ask (nginx never asks; no multiplexing then).
        this.learned = settings.maxConnections() > 0;
    }

    /**
     * At start-up, not in a request: asks the backend FCGI_GET_VALUES unless the configuration said. A
     * backend not reachable yet is asked again before the first connection to it.
     */
    void learnAtStart() {
        lock.lock();
        try {
            if (learned || closed) {
                return;
            }
        } finally {
            lock.unlock();
        }
        try {
            learn();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.INFO, "FastCGI backend " + name + " not reachable at start-up ("
                    + e.getMessage() + "): FCGI_GET_VALUES asked before its first connection");
            return;
        }
        lock.lock();
        try {
            learned = true;
        } finally {
            lock.unlock();
        }
    }

    /** Requests in flight on this backend (for least-busy choice). */
    int busy() {
        return busy;
    }

    int maxConnections() {
        return maxConnections;
    }

    int requestsPerConnection() {
        return requestsPerConnection;
    }

    /** The open connections, a copy (tests). */
    List<FastCgiConnection> connections() {
        lock.lock();
        try {
            return List.copyOf(connections);
        } finally {
            lock.unlock();
        }
    }

    /** Open connections (tests: nothing leaks). */
    int size() {
        lock.lock();
        try {
            return connections.size();
        } finally {
            lock.unlock();
        }
    }

    /**
     * A connection with a request slot reserved for the caller, waiting up to {@code waitMillis} for one.
     * {@code mustLook}: a pooled connection is looked at for a close by the backend whatever its idle time
     * (a request that cannot be sent again if it turns out dead), else only after {@link #LOOK_AFTER_IDLE}.
     * Callers that wait queue in arrival order, and a freed slot goes straight to the first of them; with
     * its {@code request} already sent when the caller gave one ({@link Outgoing#take}).
     *
     * @throws IOException if connecting fails (the caller may fail over to another backend)
     * @throws HttpStatusException 503 if every connection stays busy for {@code waitMillis}
     */
    FastCgiConnection acquire(long waitMillis, boolean mustLook) throws IOException {
        return acquire(waitMillis, mustLook, null);
    }

    FastCgiConnection acquire(long waitMillis, boolean mustLook, Outgoing request) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMillis);
        while (true) {
            Waiter waiter;
            lock.lock();
            try {
                if (closed) {
                    throw new IOException("FastCGI application is closed");
                }
                // No overtaking: while requests wait, every freed slot is already handed to one of them.
                FastCgiConnection free = waiters.isEmpty() ? freeConnection(mustLook) : null;
                if (free != null) {
                    reserve(free);
                    return free;
                }
                // Until the first connection learned the backend's capacity, open no second one.
                if ((learned || opening == 0) && connections.size() + opening < maxConnections) {
                    return openReserved();
                }
                if (deadline - System.nanoTime() <= 0) {
                    throw allBusy(waitMillis);
                }
                waiter = new Waiter(request);
                waiters.addLast(waiter);
            } finally {
                lock.unlock();
            }
            FastCgiConnection handed = await(waiter, deadline, waitMillis);
            if (handed != null && (!mustLook || handed.stillOpen(true))) {
                return handed;
            }
            // Asked to try again (a connection closed or opened), or handed one the backend had closed.
        }
    }

    /**
     * A request whose records are all in memory (BEGIN_REQUEST, PARAMS, its whole small body), so the
     * thread that frees a connection can send it before it wakes its waiting owner: the backend starts on
     * it during that wake-up (often its answer is in by then, and the owner's first read does not block).
     */
    static final class Outgoing {
        final int role;
        final boolean keepConn;
        final List<Param> params;
        final byte[] body;
        final StderrLog errors;
        private FastCgiExchange sent;
        private Exception failed;
        /** {@link FastCgiConnection#written()} before the releasing thread sent it; -1 while it did not. */
        long writtenBefore = -1;

        Outgoing(int role, boolean keepConn, List<Param> params, byte[] body, StderrLog errors) {
            this.role = role;
            this.keepConn = keepConn;
            this.params = params;
            this.body = body;
            this.errors = errors;
        }

        /** Sends it on {@code c} (the releasing thread); a failure is kept for the owner. */
        void sendOn(FastCgiConnection c) {
            writtenBefore = c.written();
            try {
                sent = c.begin(role, keepConn, params, body, errors);
            } catch (IOException | RuntimeException e) {
                failed = e;
            }
        }

        /**
         * After {@link #acquire}: the exchange if the pool sent the request, null if the caller must; and
         * forgets both (a retry starts afresh).
         *
         * @throws IOException the failure of sending it (the connection is closed)
         */
        FastCgiExchange take() throws IOException {
            FastCgiExchange e = sent;
            Exception f = failed;
            sent = null;
            failed = null;
            if (f instanceof IOException io) {
                throw io;
            }
            if (f != null) {
                throw (RuntimeException) f;
            }
            return e;
        }
    }

    /** A request thread queued for a slot; the pool hands it a connection, or asks it to try again. */
    private static final class Waiter {
        final Thread thread = Thread.currentThread();
        final Outgoing request;
        /** The connection handed over, its slot reserved (set under the pool's lock). */
        volatile FastCgiConnection handed;
        /** Woken to run {@link #acquire}'s checks again (set under the pool's lock, the waiter dequeued). */
        volatile boolean retry;
        /** Handed (its request sent, if any) or retry: the waiter may go on. Publishes the request's fields. */
        volatile boolean done;

        Waiter(Outgoing request) {
            this.request = request;
        }
    }

    /**
     * Parks until {@code waiter} is handed a connection (returned) or asked to try again (null).
     *
     * @throws HttpStatusException 503 at the deadline, the waiter dequeued
     */
    private FastCgiConnection await(Waiter waiter, long deadline, long waitMillis) throws IOException {
        boolean interrupted = false;
        long left;
        while (!waiter.done && !interrupted && (left = deadline - System.nanoTime()) > 0) {
            LockSupport.parkNanos(this, left);
            interrupted = Thread.interrupted();
        }
        lock.lock();
        try {
            if (waiter.handed == null && !waiter.retry) { // not handed anything meanwhile: leave the queue
                waiters.remove(waiter);
                if (interrupted) {
                    Thread.currentThread().interrupt();
                    throw new java.io.InterruptedIOException("interrupted waiting for a FastCGI connection to " + name);
                }
                throw allBusy(waitMillis);
            }
        } finally {
            lock.unlock();
        }
        while (!waiter.done) { // handed, and the releasing thread is still sending its request: a moment
            LockSupport.park(this);
            interrupted |= Thread.interrupted();
        }
        if (interrupted) {
            Thread.currentThread().interrupt(); // handed a connection all the same: the caller goes on with it
        }
        return waiter.handed;
    }

    private HttpStatusException allBusy(long waitMillis) {
        return new HttpStatusException(503, "all " + connections.size() + " connections to FastCGI backend "
                + name + " stayed busy for " + waitMillis + " ms; raise " + FastCgiApplication.MAX_CONNECTIONS);
    }

    /** Takes a request slot of {@code c} for a caller (with the lock held). */
    private void reserve(FastCgiConnection c) {
        c.active++;
        c.reused = true;
        busy++;
    }

    /** Whether {@code c} can take one more request now. */
    private boolean hasFreeSlot(FastCgiConnection c) {
        return c.isUsable() && c.active < requestsPerConnection && c.exchanges() < requestsPerConnection;
    }

    /** The first waiter, dequeued and asked to try again (with the lock held); null if none waits. */
    private Waiter retryFirst() {
        Waiter w = waiters.pollFirst();
        if (w != null) {
            w.retry = true;
            w.done = true;
        }
        return w;
    }

    /** Every waiter asked to try again (with the lock held): the pool's room or state changed. */
    private void retryAll() {
        for (Waiter w; (w = retryFirst()) != null; ) {
            LockSupport.unpark(w.thread);
        }
    }

    /** The most recently used open connection with a free request slot (few hot connections, idle ones expire). */
    private FastCgiConnection freeConnection(boolean mustLook) {
        long now = System.nanoTime();
        for (int i = connections.size() - 1; i >= 0; i--) {
            FastCgiConnection c = connections.get(i);
            if (hasFreeSlot(c) && c.stillOpen(mustLook || now - c.idleSince > LOOK_AFTER_IDLE)) {
                // (a closed one leaves the list from index i: the loop goes down)
                connections.remove(i);
                connections.add(c);
                return c;
            }
        }
        return null;
    }

    /** Opens a connection outside the lock (called with it held), reserving its first slot. */
    private FastCgiConnection openReserved() throws IOException {
        opening++;
        FastCgiConnection connection = null;
        try {
            lock.unlock();
            try {
                if (!learned) {
                    learn();
                }
                // Not multiplexed: the request thread reads its own answer (no hand-off per response).
                connection = FastCgiConnection.open(backend.address(), settings.connectMillis(), this,
                        requestsPerConnection == 1);
            } finally {
                lock.lock();
            }
            learned = true;
            connections.add(connection);
            connection.multiplexed = requestsPerConnection > 1;
            connection.active = 1;
            busy++;
            return connection;
        } catch (IOException | RuntimeException e) {
            if (connection != null) {
                connection.close();
            }
            throw e;
        } finally {
            opening--;
            retryAll(); // learned the capacity (more may open), or failed (one of them may open instead)
        }
    }

    /**
     * §4.1: asks FCGI_GET_VALUES on a connection of its own (php-fpm closes a connection after answering
     * it), waiting {@link #PROBE_TIMEOUT} at most. The backend's FCGI_MAX_CONNS caps the pool;
     * FCGI_MPXS_CONNS=1 allows multiplexing. A backend that does not say keeps the default size. One INFO
     * line says what was learned.
     *
     * @throws IOException if the probe cannot connect (the backend is not up)
     */
    private void learn() throws IOException {
        long timeout = Math.min(settings.connectMillis(), PROBE_TIMEOUT);
        Map<String, String> values;
        try (FastCgiConnection probe = FastCgiConnection.open(backend.address(), timeout, c -> { })) {
            try {
                values = probe.getValues(timeout);
            } catch (IOException e) {
                values = Map.of(); // connected, then closed or broke without an answer: it does not say
            }
        }
        int maxConns = positive(values.get(FCGI_MAX_CONNS));
        int maxReqs = positive(values.get(FCGI_MAX_REQS));
        if (settings.maxConnections() <= 0 && maxConns > 0) {
            maxConnections = maxConns;
        }
        if (settings.multiplex() && "1".equals(values.get(FCGI_MPXS_CONNS))) {
            requestsPerConnection = Math.max(1, maxReqs > 0 ? Math.min(maxReqs, 0xffff) : 100);
        }
        String said = values.isEmpty() ? "no answer to FCGI_GET_VALUES in " + timeout + " ms"
                : FCGI_MAX_CONNS + "=" + values.get(FCGI_MAX_CONNS) + ", " + FCGI_MAX_REQS + "="
                + values.get(FCGI_MAX_REQS) + ", " + FCGI_MPXS_CONNS + "=" + values.get(FCGI_MPXS_CONNS);
        LOG.log(System.Logger.Level.INFO, "FastCGI backend " + name + ": " + said + "; up to " + maxConnections
                + " connections, " + requestsPerConnection + " requests each" + (maxConns > 0 ? ""
                : "; set " + FastCgiApplication.MAX_CONNECTIONS + " to its capacity (php-fpm: pm.max_children),"
                + " or kept-alive connections beyond it wait forever"));
    }

    private static int positive(String value) {
        try {
            return value == null ? 0 : Math.max(0, Integer.parseInt(value.trim()));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /**
     * A request slot freed (FCGI_END_REQUEST): handed straight to the longest waiter, which needs no lock
     * and finds no newcomer ahead of it. Or the connection closed: the first waiter may open another.
     */
    @Override
    public void released(FastCgiConnection connection) {
        Waiter next = null;
        lock.lock();
        try {
            if (connection.active > 0) {
                connection.active--;
                busy--;
            }
            connection.idleSince = System.nanoTime();
            if (!connection.isOpen()) {
                busy -= connection.active;
                connection.active = 0;
                if (connections.remove(connection)) {
                    next = retryFirst();
                }
            } else if (!waiters.isEmpty() && hasFreeSlot(connection)) {
                next = waiters.pollFirst();
                reserve(connection);
                connections.remove(connection); // most recently used last, as freeConnection keeps them
                connections.add(connection);
                next.handed = connection;
            }
        } finally {
            lock.unlock();
        }
        if (next != null) {
            if (next.handed != null && next.request != null && connection.inline) {
                // Not a multiplexed connection's reader thread: it must not block on a write.
                next.request.sendOn(connection);
            }
            next.done = true;
            LockSupport.unpark(next.thread);
        }
    }

    /** Requests queued for a connection (tests). */
    int waiting() {
        lock.lock();
        try {
            return waiters.size();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Periodic upkeep: closes connections idle longer than the idle timeout, and times out those
     * {@link FastCgiConnection#expired} names (a read or write blocked past the read timeout, a request past
     * its total timeout, an aborted one without FCGI_END_REQUEST after the read timeout).
     */
    void sweep() {
        long now = System.nanoTime();
        List<FastCgiConnection> idle = new ArrayList<>();
        Map<FastCgiConnection, String> expired = new java.util.HashMap<>();
        lock.lock();
        try {
            for (FastCgiConnection c : connections) {
                String why = c.expired(now, settings.readMillis());
                if (why != null) {
                    expired.put(c, why);
                } else if (c.active == 0 && now - c.idleSince > settings.idleTimeout().toNanos()) {
                    idle.add(c);
                }
            }
        } finally {
            lock.unlock();
        }
        idle.forEach(FastCgiConnection::close);
        expired.forEach(FastCgiConnection::timeOut); // outside the lock: a close waits for a blocked read to end
    }

    /** Closes every connection that has no request on it now (its backend, a managed worker, is about to end). */
    void closeIdle() {
        List<FastCgiConnection> idle = new ArrayList<>();
        lock.lock();
        try {
            for (FastCgiConnection c : connections) {
                if (c.active == 0) {
                    idle.add(c);
                }
            }
        } finally {
            lock.unlock();
        }
        idle.forEach(FastCgiConnection::close);
    }

    @Override
    public void close() {
        List<FastCgiConnection> all;
        lock.lock();
        try {
            closed = true;
            all = new ArrayList<>(connections);
            retryAll();
        } finally {
            lock.unlock();
        }
        for (FastCgiConnection c : all) {
            c.close();
            try {
                c.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
