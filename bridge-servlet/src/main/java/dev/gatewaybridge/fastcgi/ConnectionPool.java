package dev.gatewaybridge.fastcgi;

import static dev.gatewaybridge.fastcgi.FastCgi.*;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import dev.gatewaybridge.api.HttpStatusException;
import dev.gatewaybridge.upstream.Backend;

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

    final String name;
    private final Backend backend;
    private final FastCgiSettings settings;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
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
     *
     * @throws IOException if connecting fails (the caller may fail over to another backend)
     * @throws HttpStatusException 503 if every connection stays busy for {@code waitMillis}
     */
    FastCgiConnection acquire(long waitMillis, boolean mustLook) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMillis);
        lock.lock();
        try {
            while (true) {
                if (closed) {
                    throw new IOException("FastCGI application is closed");
                }
                FastCgiConnection free = freeConnection(mustLook);
                if (free != null) {
                    free.active++;
                    free.reused = true;
                    busy++;
                    return free;
                }
                // Until the first connection learned the backend's capacity, open no second one.
                if ((learned || opening == 0) && connections.size() + opening < maxConnections) {
                    return openReserved();
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new HttpStatusException(503, "all " + connections.size() + " connections to FastCGI backend "
                            + name + " stayed busy for " + waitMillis + " ms; raise " + FastCgiApplication.MAX_CONNECTIONS);
                }
                changed.awaitNanos(left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted waiting for a FastCGI connection to " + name);
        } finally {
            lock.unlock();
        }
    }

    /** The most recently used open connection with a free request slot (few hot connections, idle ones expire). */
    private FastCgiConnection freeConnection(boolean mustLook) {
        long now = System.nanoTime();
        for (int i = connections.size() - 1; i >= 0; i--) {
            FastCgiConnection c = connections.get(i);
            if (c.isUsable() && c.active < requestsPerConnection && c.exchanges() < requestsPerConnection
                    && c.stillOpen(mustLook || now - c.idleSince > LOOK_AFTER_IDLE)) {
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
            changed.signalAll();
        }
    }

    /**
     * §4.1: asks FCGI_GET_VALUES on a connection of its own (php-fpm closes a connection after answering
     * it). The backend's FCGI_MAX_CONNS caps the pool unless configured; FCGI_MPXS_CONNS=1 allows
     * multiplexing. A backend that does not say keeps the configured or default size.
     */
    private void learn() throws IOException {
        Map<String, String> values;
        try (FastCgiConnection probe = FastCgiConnection.open(backend.address(),
                settings.connectMillis(), c -> { })) {
            values = probe.getValues(Math.min(settings.connectMillis(), 2000));
        }
        int maxConns = positive(values.get(FCGI_MAX_CONNS));
        int maxReqs = positive(values.get(FCGI_MAX_REQS));
        if (settings.maxConnections() <= 0 && maxConns > 0) {
            maxConnections = maxConns;
        }
        if (settings.multiplex() && "1".equals(values.get(FCGI_MPXS_CONNS))) {
            requestsPerConnection = Math.max(1, maxReqs > 0 ? Math.min(maxReqs, 0xffff) : 100);
        }
        if (settings.maxConnections() <= 0 && maxConns == 0) {
            LOG.log(System.Logger.Level.WARNING, "FastCGI backend " + name + " does not say FCGI_MAX_CONNS: "
                    + "pooling up to " + maxConnections + " connections; set " + FastCgiApplication.MAX_CONNECTIONS
                    + " to its capacity (php-fpm: pm.max_children), or kept-alive connections beyond it wait forever");
        } else {
            LOG.log(System.Logger.Level.INFO, "FastCGI backend " + name + " says " + values + ": up to "
                    + maxConnections + " connections, " + requestsPerConnection + " requests each");
        }
    }

    private static int positive(String value) {
        try {
            return value == null ? 0 : Math.max(0, Integer.parseInt(value.trim()));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** A request slot freed (FCGI_END_REQUEST) or the connection closed. */
    @Override
    public void released(FastCgiConnection connection) {
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
                connections.remove(connection);
                changed.signalAll();
            } else {
                changed.signal(); // one slot: one waiter, not a herd of them racing for it
            }
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

    @Override
    public void close() {
        List<FastCgiConnection> all;
        lock.lock();
        try {
            closed = true;
            all = new ArrayList<>(connections);
            changed.signalAll();
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
