package dev.gatewaybridge.fastcgi;

import static dev.gatewaybridge.fastcgi.FastCgi.*;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import dev.gatewaybridge.api.BackendTimeoutException;
import dev.gatewaybridge.api.BackendUnavailableException;
import dev.gatewaybridge.api.Bodies;
import dev.gatewaybridge.api.Environ;
import dev.gatewaybridge.api.GatewayApplication;
import dev.gatewaybridge.api.Header;
import dev.gatewaybridge.api.HttpStatusException;
import dev.gatewaybridge.api.StartResponse;
import dev.gatewaybridge.bridge.BodyLimits;
import dev.gatewaybridge.bridge.CgiResponse;
import dev.gatewaybridge.bridge.CgiResponseParser;
import dev.gatewaybridge.bridge.DroppedHeaders;
import dev.gatewaybridge.bridge.RequestBody;
import dev.gatewaybridge.bridge.StderrLog;
import dev.gatewaybridge.managed.WorkerPool;
import dev.gatewaybridge.managed.WorkersDownException;
import dev.gatewaybridge.managed.WorkerSettings;
import dev.gatewaybridge.upstream.Backend;
import dev.gatewaybridge.upstream.BackendAddress;
import dev.gatewaybridge.upstream.BackendSet;
import dev.gatewaybridge.upstream.Param;
import dev.gatewaybridge.upstream.Params;
import dev.gatewaybridge.upstream.Timeouts;

/**
 * A gateway application that forwards each request to FastCGI backends (php-fpm, uWSGI, fcgiwrap …) in the
 * RESPONDER role (FastCGI spec §6.2) and streams the answer back.
 *
 * <p>Per backend a pool of kept-alive connections (FCGI_KEEP_CONN), sized from the backend's FCGI_MAX_CONNS
 * and multiplexed when it says FCGI_MPXS_CONNS=1; several backends with round-robin or least-busy choice,
 * failover on a failed connect and passive health (nginx's max_fails/fail_timeout). The request body is read
 * whole before a backend connection is taken (nginx's fastcgi_request_buffering; or, turned off, streamed as
 * it is read) and goes out as FCGI_STDIN; FCGI_STDOUT is parsed as a CGI response (RFC 3875 §6) and streamed;
 * FCGI_STDERR goes to {@code wsgi.errors}. A client that leaves makes it send FCGI_ABORT_REQUEST.
 *
 * <p>Status codes: 502 when no backend answers or one breaks the protocol, 504 when one times out, 400 for a
 * path with NUL/CR/LF. Configure it from {@code fastcgi.*} parameters (the constants below) or with
 * {@link #builder()}. Close it to close every connection.
 */
public final class FastCgiApplication implements GatewayApplication, AutoCloseable {

    /** Required. Backends, comma or space separated: {@code host:port}, {@code [::1]:port}, {@code unix:/path}. */
    public static final String BACKENDS = FastCgiSettings.PREFIX + BackendSet.BACKENDS;
    /** Every {@code fastcgi.*} parameter, declared (docs/parameters.md is generated from it). */
    public static final dev.gatewaybridge.config.Namespace PARAMETERS = FastCgiSettings.NAMESPACE;
    /** Instead of backends: a program run as workers, e.g. {@code /usr/bin/php-cgi -b {socket}} (no shell). */
    public static final String COMMAND = FastCgiSettings.PREFIX + WorkerSettings.COMMAND;
    /** How many workers of {@link #COMMAND} run (static mode; default 2), each on its own Unix socket. */
    public static final String WORKERS = FastCgiSettings.PREFIX + WorkerSettings.WORKERS;
    /** The workers' environment, {@code NAME=value} lines; nothing else but PATH (default /usr/local/bin:/usr/bin:/bin). */
    public static final String WORKER_ENV = FastCgiSettings.PREFIX + WorkerSettings.WORKER_ENV;
    /** The workers' working directory (default /). */
    public static final String WORKER_DIR = FastCgiSettings.PREFIX + WorkerSettings.WORKER_DIR;
    /** Requests one worker serves before it is recycled gracefully (default 0: never). */
    public static final String WORKER_MAX_REQUESTS = FastCgiSettings.PREFIX + WorkerSettings.MAX_REQUESTS;
    /** How long one worker runs before it is recycled gracefully, e.g. {@code 1h} (default 0: for ever). */
    public static final String WORKER_MAX_AGE = FastCgiSettings.PREFIX + WorkerSettings.MAX_AGE;
    /** Resident memory (VmRSS) past which a worker is recycled gracefully, e.g. {@code 256m} (default 0: none). */
    public static final String WORKER_MAX_MEMORY = FastCgiSettings.PREFIX + WorkerSettings.MAX_MEMORY;
    /** {@code static} (default: all workers run), {@code dynamic} (kept between spares) or {@code ondemand}. */
    public static final String WORKER_MODE = FastCgiSettings.PREFIX + WorkerSettings.MODE;
    /** In dynamic mode, workers started at init (default: min spare + (max spare - min spare) / 2). */
    public static final String WORKER_START = FastCgiSettings.PREFIX + WorkerSettings.START;
    /** In dynamic mode, fewer idle workers than this and more are started (default 1). */
    public static final String WORKER_MIN_SPARE = FastCgiSettings.PREFIX + WorkerSettings.MIN_SPARE;
    /** In dynamic mode, more idle workers than this and the extra ones are stopped (default 3, at most workers). */
    public static final String WORKER_MAX_SPARE = FastCgiSettings.PREFIX + WorkerSettings.MAX_SPARE;
    /** Most worker starts per second, in every mode (default 32, PHP-FPM's pm.max_spawn_rate). */
    public static final String WORKER_SPAWN_RATE = FastCgiSettings.PREFIX + WorkerSettings.SPAWN_RATE;
    /** How long a worker marked down waits before one start more (default 30s). */
    public static final String WORKER_DOWN_TIME = FastCgiSettings.PREFIX + WorkerSettings.DOWN_TIME;
    /** In ondemand mode, how long an idle worker runs before it is stopped (default 10s). */
    public static final String WORKER_IDLE_TIMEOUT = FastCgiSettings.PREFIX + WorkerSettings.IDLE_TIMEOUT;
    /** How long a request may run on a worker before it gets 504 and the worker is killed (default 0: for ever). */
    public static final String WORKER_REQUEST_TIMEOUT = FastCgiSettings.PREFIX + WorkerSettings.REQUEST_TIMEOUT;
    /** How long a request runs before what its worker does is logged once (default 0: never). */
    public static final String WORKER_SLOW_LOG = FastCgiSettings.PREFIX + WorkerSettings.SLOW_LOG;
    /** {@code round-robin} (default) or {@code least-busy}. */
    public static final String BALANCE = FastCgiSettings.PREFIX + BackendSet.BALANCE;
    /** Failed connects within failTimeout that mark a backend down (default 1; 0 never; one backend never). */
    public static final String MAX_FAILS = FastCgiSettings.PREFIX + BackendSet.MAX_FAILS;
    /** How long a backend stays marked down, and the window maxFails counts in (default 10s). */
    public static final String FAIL_TIMEOUT = FastCgiSettings.PREFIX + BackendSet.FAIL_TIMEOUT;
    /** Longest connect, and longest wait for a free pooled connection (default 60s; 500ms, 30s, 2m …). */
    public static final String CONNECT_TIMEOUT = FastCgiSettings.PREFIX + Timeouts.CONNECT_TIMEOUT;
    /** Longest silence of the backend while we wait for output (default 60s). */
    public static final String READ_TIMEOUT = FastCgiSettings.PREFIX + Timeouts.READ_TIMEOUT;
    /** Longest whole request, from sending to the end of the response (default 10m). */
    public static final String TOTAL_TIMEOUT = FastCgiSettings.PREFIX + Timeouts.TOTAL_TIMEOUT;
    /** The script root as the backend sees it: DOCUMENT_ROOT, and SCRIPT_FILENAME = root + script. */
    public static final String ROOT = FastCgiSettings.PREFIX + Params.ROOT;
    /** Regex with two groups splitting the path into script and PATH_INFO, e.g. {@code ^(.+\.php)(/.*)$}. */
    public static final String SCRIPT_PATTERN = FastCgiSettings.PREFIX + Params.SCRIPT_PATTERN;
    /** File appended to a script path ending in '/', like fastcgi_index (e.g. index.php). */
    public static final String INDEX = FastCgiSettings.PREFIX + Params.INDEX;
    /** {@code true}: 404 unless SCRIPT_FILENAME is a regular file here (backend on this host; default false). */
    public static final String TRY_FILES = FastCgiSettings.PREFIX + Params.TRY_FILES;
    /** Fixed params, one {@code NAME=value} per line; they replace computed ones. */
    public static final String PARAMS = FastCgiSettings.PREFIX + Params.PARAMS;
    /** The SERVER_SOFTWARE value (default: the environ's, else GatewayBridge). */
    public static final String SERVER_SOFTWARE = FastCgiSettings.PREFIX + Params.SERVER_SOFTWARE;
    /** Most connections per backend; default: the backend's FCGI_MAX_CONNS, else 8. php-fpm: pm.max_children. */
    public static final String MAX_CONNECTIONS = FastCgiSettings.PREFIX + FastCgiSettings.MAX_CONNECTIONS;
    /** Multiplex requests on a connection when the backend says FCGI_MPXS_CONNS=1 (default true). */
    public static final String MULTIPLEX = FastCgiSettings.PREFIX + FastCgiSettings.MULTIPLEX;
    /** Keep connections open between requests with FCGI_KEEP_CONN (default true). */
    public static final String KEEP_CONN = FastCgiSettings.PREFIX + FastCgiSettings.KEEP_CONN;
    /** How long an unused pooled connection stays open (default 60s). */
    public static final String IDLE_TIMEOUT = FastCgiSettings.PREFIX + FastCgiSettings.IDLE_TIMEOUT;

    /** Read the whole body before a backend connection is taken (default true; nginx fastcgi_request_buffering). */
    public static final String REQUEST_BUFFERING = FastCgiSettings.PREFIX + BodyLimits.REQUEST_BUFFERING;
    /** Bytes of a buffered body kept in memory, the rest in a temporary file (default 64k). */
    public static final String BODY_BUFFER_SIZE = FastCgiSettings.PREFIX + BodyLimits.BODY_BUFFER_SIZE;
    /** Largest request body; larger is 413 (default 16m). */
    public static final String MAX_BODY_SIZE = FastCgiSettings.PREFIX + BodyLimits.MAX_BODY_SIZE;
    /** Longest silence of a client sending its body, then 408 (default 20s). */
    public static final String BODY_TIMEOUT = FastCgiSettings.PREFIX + BodyLimits.BODY_TIMEOUT;
    /** Bytes per second a body must average after bodyTimeout, else 408 (default 500; 0 none). */
    public static final String BODY_MIN_RATE = FastCgiSettings.PREFIX + BodyLimits.BODY_MIN_RATE;
    /** Bytes of FCGI_STDERR logged per request, the rest dropped and counted in one line (default 10m; 0 none). */
    public static final String STDERR_LIMIT = FastCgiSettings.PREFIX + StderrLog.STDERR_LIMIT;

    /** Request bodies up to this size are read before sending, so a request can be retried on a fresh connection. */
    static final int REPLAYABLE_BODY = 64 * 1024;
    private static final int MAX_ATTEMPTS = 3;
    /** Retry-After of the 503 at the connection limit, seconds (the CGI bridge's default too). */
    static final int RETRY_AFTER_SECONDS = 1;
    private static final System.Logger LOG = System.getLogger(FastCgiApplication.class.getName());
    private static final java.util.Set<String> AUTHORIZER_OMITS = java.util.Set.of("CONTENT_LENGTH", "PATH_INFO",
            "PATH_TRANSLATED", "SCRIPT_NAME");

    private final FastCgiSettings settings;
    /** Hop-by-hop headers the backends sent, each name logged once. */
    private final DroppedHeaders dropped = new DroppedHeaders(LOG);
    private final Map<Backend, ConnectionPool> pools = new LinkedHashMap<>();
    private final ScheduledExecutorService upkeep;
    private final int role;
    /** The workers this application runs ({@link #COMMAND}), or null. */
    private final WorkerPool workers;

    /** From {@code fastcgi.*} parameters; fails naming the first missing or bad one. */
    public FastCgiApplication(Map<String, String> params) {
        this(FastCgiSettings.from(params), FCGI_RESPONDER);
    }

    FastCgiApplication(FastCgiSettings settings, int role) {
        this.workers = settings.workers() == null ? null : WorkerPool.start(settings.workers(), "FastCGI");
        settings = workers == null ? settings : settings.withWorkers(workers.sockets());
        this.settings = settings;
        this.role = role;
        for (Backend b : settings.backends().backends()) {
            pools.put(b, new ConnectionPool(b, settings));
        }
        pools.values().forEach(ConnectionPool::learnAtStart); // FCGI_GET_VALUES now, not in the first request
        if (workers != null) { // a worker being recycled or stopped: its idle connections go before its SIGTERM
            workers.onRecycle(socket -> pools.forEach((b, pool) -> {
                if (b.address() instanceof BackendAddress.Unix u && u.path().equals(socket)) {
                    pool.closeIdle();
                }
            }));
            for (Backend b : pools.keySet()) { // least-busy starts an ondemand worker only when the others are busy
                if (b.address() instanceof BackendAddress.Unix u) {
                    b.coldWhen(() -> workers.isCold(u.path()));
                }
            }
        }
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "fastcgi-upkeep " + this.settings.backends().backends());
            t.setDaemon(true);
            return t;
        });
        this.upkeep = executor;
        // One sweep for every timer (idle connections, read and total timeouts): a timer per request would cost a
        // lock and a wake-up of this thread on every request. The total timeout holds to within a quarter.
        // The read timeout too: reads and writes block, and the sweep ends those stalled past it (within a
        // quarter of it, at most 1 s).
        long shortest = Math.min(Math.min(settings.idleTimeout().toMillis() / 2, settings.readMillis() / 4),
                settings.timeouts().total().toMillis() / 4);
        long every = Math.max(50, Math.min(1000, shortest));
        upkeep.scheduleWithFixedDelay(() -> pools.values().forEach(ConnectionPool::sweep), every, every,
                TimeUnit.MILLISECONDS);
    }

    /** A builder of the same settings as the {@code fastcgi.*} parameters. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public Iterable<byte[]> call(Map<String, Object> environ, StartResponse startResponse) throws Exception {
        Response response;
        try {
            response = forward(environ);
        } catch (HttpStatusException e) {
            if (e.status() != 503) {
                throw e;
            }
            return busy(e, startResponse);
        }
        try {
            CgiResponse head = CgiResponseParser.parse(response.stdout);
            head.start(startResponse, dropped);
            List<byte[]> whole = response.stdout.stream.restIfEnded();
            if (whole != null) {
                // The backend already ended the request (a small page usually comes in one read): the
                // connection goes back to the pool now, and a body of known length leaves in one write
                // with its Content-Length instead of chunked.
                response.finish();
                return whole;
            }
            // The rest of FCGI_STDOUT, a chunk as the server asks for one.
            if (response.running != null) { // the abort then says why, if it was our worker's request timeout
                return Bodies.generate(() -> {
                    try {
                        return response.stdout.stream.nextChunk();
                    } catch (IOException | RuntimeException e) {
                        response.throwIfTimedOut(e);
                        throw e;
                    }
                }, response::finish);
            }
            return Bodies.generate(response.stdout.stream::nextChunk, response::finish);
        } catch (Exception | Error e) {
            response.finish();
            if (e instanceof Exception x) { // killed while its headers were arriving: 504 too
                response.throwIfTimedOut(x);
            }
            throw e;
        }
    }

    /**
     * 503 with Retry-After (RFC 9110 §10.2.3), as the CGI bridge answers at its limit: every connection the
     * backend can take stayed busy for the connect timeout, or every managed worker is marked down (the pool
     * logged that once, when they went down: no line per request).
     */
    private static Iterable<byte[]> busy(HttpStatusException e, StartResponse startResponse) {
        boolean down = e instanceof WorkersDownException;
        if (!down) {
            LOG.log(System.Logger.Level.WARNING, "503 " + e.getMessage());
        }
        int retryAfter = down ? ((WorkersDownException) e).retryAfterSeconds() : RETRY_AFTER_SECONDS;
        startResponse.start("503 Service Unavailable", List.of(Header.of("Content-Type", "text/plain"),
                Header.of("Retry-After", Integer.toString(retryAfter))));
        return Bodies.of(down ? "The FastCGI workers are down (their program keeps failing at start), retry later.\n"
                : "Too many requests for the FastCGI backend, retry later.\n");
    }

    /**
     * Sends the request to a backend and waits for its first output. A request whose connection turns out
     * dead before any output came (a pooled connection the backend just closed) is sent again on another,
     * when its body could be kept.
     */
    Response forward(Map<String, Object> environ) throws IOException {
        List<Param> p = settings.params().forRequest(environ); // a bad path is a 400 before any body is read
        // Read before any backend is chosen: a slow client then holds a container thread, never a worker.
        try (RequestBody body = RequestBody.of(environ, settings.body(), REPLAYABLE_BODY)) {
            return forward(environ, p, body);
        }
    }

    private Response forward(Map<String, Object> environ, List<Param> p, RequestBody body) throws IOException {
        if (body.lengthLearned()) {
            p = settings.params().forRequest(environ); // a chunked body: now with its CONTENT_LENGTH
        }
        if (role == FCGI_AUTHORIZER) {
            // §6.3: an Authorizer gets no CONTENT_LENGTH, PATH_INFO, PATH_TRANSLATED or SCRIPT_NAME.
            p = p.stream().filter(x -> !AUTHORIZER_OMITS.contains(x.name())).toList();
        }
        long deadline = System.nanoTime() + settings.timeouts().total().toNanos();
        StderrLog errors = stderrLog(environ, p);
        for (int attempt = 1; ; attempt++) {
            long sent = System.nanoTime();
            Response response = send(p, body, errors, deadline);
            try {
                response.stdout.awaitFirst();
                return response;
            } catch (IOException e) {
                response.finish();
                response.throwIfTimedOut(e);
                boolean stale = body.replayable() && (response.retryable()
                        || !response.exchange.received() && recycled(response.lease.backend(), sent));
                if (!stale) {
                    // Passive health, as nginx counts an error reading the response; not a pooled connection
                    // that died before any output (the backend closed it while idle: it says nothing of health).
                    response.lease.failed();
                }
                if (attempt >= MAX_ATTEMPTS || !stale) {
                    throw new BackendUnavailableException(e.getMessage(), e);
                }
            } catch (RuntimeException e) {
                response.finish();
                response.throwIfTimedOut(e);
                throw e;
            }
        }
    }

    /**
     * Whether the request failed, before any output, because one of our own workers ended itself (status 0)
     * after it was sent: php-cgi at PHP_FCGI_MAX_REQUESTS closes its kept-alive connection with the next
     * request unread, and exits with new connections unaccepted in its listen backlog. Such a request never
     * ran, so it may be sent again.
     */
    private boolean recycled(Backend backend, long sent) throws IOException {
        return workers != null && backend.address() instanceof BackendAddress.Unix unix
                && workers.exitedCleanly(unix.path(), sent);
    }

    /**
     * Chooses a backend (the shared {@link BackendSet}: balance, failover on a failed connect, passive
     * health), takes a pooled connection to it and sends BEGIN_REQUEST, PARAMS and the body.
     */
    /** FCGI_STDERR of one request to wsgi.errors, within {@code stderrLimit}; null without wsgi.errors. */
    private StderrLog stderrLog(Map<String, Object> environ, List<Param> p) {
        if (!(environ.get(Environ.WSGI_ERRORS) instanceof PrintWriter w)) {
            return null;
        }
        String script = p.stream().filter(x -> x.name().equals("SCRIPT_NAME")).map(Param::value).findFirst()
                .orElse(String.valueOf(environ.get(Environ.SCRIPT_NAME)));
        return new StderrLog(record -> {
            w.write(record + "\n"); // one write: its lines are one log record
            w.flush();
        }, "", "FastCGI backend for " + script, settings.body().prefix() + StderrLog.STDERR_LIMIT,
                settings.stderrLimit());
    }

    private Response send(List<Param> p, RequestBody body, StderrLog errors, long deadline) throws IOException {
        long sent = System.nanoTime();
        // A request all in memory may be sent by the thread that frees a connection for it (ConnectionPool).
        byte[] inline = body.length() <= REPLAYABLE_BODY ? body.bytes() : null; // sent with the first write
        ConnectionPool.Outgoing outgoing = inline != null
                ? new ConnectionPool.Outgoing(role, settings.keepConn(), p, inline, errors) : null;
        BackendSet.Lease<FastCgiConnection> lease;
        try {
            lease = settings.backends().acquire(b -> acquire(b, !body.replayable(), outgoing));
        } catch (BackendUnavailableException e) {
            if (workers != null && workers.allDown()) { // not a backend that failed: ours, down on purpose
                throw new WorkersDownException(e.getMessage(), workers.retryAfterSeconds(), e);
            }
            throw e;
        }
        WorkerPool.Running running = null;
        if (workers != null && lease.backend().address() instanceof BackendAddress.Unix unix) {
            running = workers.running(unix.path(), scriptFilename(p)); // null without request timeout and slow log
            WorkerPool.Running timed = running;
            lease.onClose(() -> { // paired with the enter in acquire
                if (timed != null) {
                    timed.done();
                }
                workers.leave(unix.path());
            });
        }
        FastCgiConnection connection = lease.value();
        boolean reused = connection.reused;
        long written = outgoing != null && outgoing.writtenBefore >= 0 ? outgoing.writtenBefore : connection.written();
        Response response = null;
        try {
            FastCgiExchange exchange = outgoing != null ? outgoing.take() : null;
            if (exchange == null) {
                exchange = connection.begin(role, settings.keepConn(), p, inline, errors);
            }
            response = new Response(lease, exchange, reused, deadline, running); // its deadline bounds the upload too
            if (inline == null) {
                sendStdin(body, connection, exchange);
            }
            return response;
        } catch (IOException | RuntimeException e) {
            if (response != null) {
                response.finish();
            }
            connection.close();
            lease.close();
            if (e instanceof IOException && body.replayable() && (reused && connection.written() == written
                    || recycled(lease.backend(), sent))) {
                // A pooled connection the backend had closed: not one byte of this request left us (issue 11 §7),
                // or our own worker closed it unread as it ended itself.
                return send(p, body, errors, deadline);
            }
            throw e instanceof IOException ? new BackendUnavailableException("FastCGI backend " + lease.backend()
                    + " failed while sent the request: " + e.getMessage(), e) : (RuntimeException) e;
        }
    }

    /** SCRIPT_FILENAME of a request (for the log lines of our own workers), else SCRIPT_NAME. */
    private static String scriptFilename(List<Param> p) {
        String name = null;
        for (Param x : p) {
            if (x.name().equals("SCRIPT_FILENAME")) {
                return x.value();
            }
            if (x.name().equals("SCRIPT_NAME")) {
                name = x.value();
            }
        }
        return String.valueOf(name);
    }

    /**
     * A connection to {@code backend} from its pool. The connect to one of our own workers that is restarting
     * (it exited, or php-cgi ended itself after PHP_FCGI_MAX_REQUESTS) waits for its new socket, within the
     * connect timeout, instead of failing over or answering 502.
     */
    private FastCgiConnection acquire(Backend backend, boolean mustLook, ConnectionPool.Outgoing outgoing)
            throws IOException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(settings.connectMillis());
        java.nio.file.Path worker = workers != null && backend.address() instanceof BackendAddress.Unix unix
                ? unix.path() : null;
        if (worker != null) {
            try {
                workers.enter(worker, deadline); // counts the request; waits while that worker is being recycled
            } catch (IOException e) {
                throw workers.isDown(worker) ? new BackendSet.Declined(e.getMessage(), e) : e;
            }
        }
        try {
            while (true) {
                try {
                    return pools.get(backend).acquire(settings.connectMillis(), mustLook, outgoing);
                } catch (java.net.SocketException e) { // refused, or no socket file: not a timeout
                    if (worker == null || !workers.awaitReady(worker, deadline)) {
                        throw e;
                    }
                }
            }
        } catch (IOException | RuntimeException | Error e) {
            if (worker != null) {
                workers.leave(worker);
                if (e instanceof IOException x && workers.isDown(worker)) { // down on purpose, not unhealthy
                    throw new BackendSet.Declined(x.getMessage(), x);
                }
            }
            throw e;
        }
    }

    /** One request in flight: its connection, its exchange, and the timers around them. */
    final class Response {
        final BackendSet.Lease<FastCgiConnection> lease;
        final FastCgiConnection connection;
        final FastCgiExchange exchange;
        final boolean reused;
        final Stdout stdout;
        /** Timed by our own workers' request timeout, or null. */
        final WorkerPool.Running running;
        private boolean finished;

        Response(BackendSet.Lease<FastCgiConnection> lease, FastCgiExchange exchange, boolean reused,
                 long deadline, WorkerPool.Running running) {
            this.lease = lease;
            this.running = running;
            this.connection = lease.value();
            this.exchange = exchange;
            this.reused = reused;
            this.stdout = new Stdout(exchange.stdoutStream(settings.readMillis(), deadline, connection));
            exchange.deadline = deadline; // the upkeep sweep closes the connection once it passes
        }

        /**
         * Whether it failed before any output on a pooled connection the backend had closed before the request
         * reached it. Any other failure may have run it, or killed the worker running it: sent again it could
         * run twice or kill the next one (issue 11 §7), so it is a 502.
         */
        boolean retryable() {
            return reused && !exchange.received() && connection.droppedUnreadRequest();
        }

        /**
         * After a failure before any output: a 504 if it came from our worker killed for the request timeout
         * (PHP-FPM answers its request_terminate_timeout so too), neither a retry nor a failed backend.
         */
        void throwIfTimedOut(Exception e) {
            if (running != null && running.timedOut()) {
                throw new BackendTimeoutException("FastCGI worker " + lease.backend() + " killed: the "
                        + "request " + running.killedWhy(), e);
            }
        }

        /** Ends the request: FCGI_ABORT_REQUEST unless the backend already ended it. Idempotent. */
        void finish() {
            if (finished) {
                return;
            }
            finished = true;
            if (!exchange.ended()) {
                connection.abort(exchange);
            }
            lease.close();
        }
    }

    /** FCGI_STDOUT with the read and total timeouts; a timeout closes the connection (the request is lost). */
    static final class Stdout extends InputStream {
        final FastCgiExchange.StdoutStream stream;

        Stdout(FastCgiExchange.StdoutStream stream) {
            this.stream = stream;
        }

        /** Waits for the first output (or the end, or a failure). */
        void awaitFirst() throws IOException {
            stream.peek();
        }

        @Override
        public int read() throws IOException {
            return stream.read();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return stream.read(b, off, len);
        }
    }

    /**
     * §5.3: a body not sent with the first write, as FCGI_STDIN records, then the empty record. A read of the
     * client that fails is the client's fault, not the backend's; one of a temporary file passes as it is.
     */
    private static void sendStdin(RequestBody body, FastCgiConnection connection, FastCgiExchange exchange)
            throws IOException {
        InputStream source = body.open();
        byte[] buffer = new byte[32 * 1024];
        long left = body.length() < 0 ? Long.MAX_VALUE : body.length();
        while (left > 0) {
            int n;
            try {
                n = source.read(buffer, 0, (int) Math.min(buffer.length, left));
            } catch (IOException e) {
                if (body.replayable()) {
                    throw e; // the temporary file
                }
                throw new ClientUploadException(e); // the client left during the upload
            }
            if (n < 0) {
                break;
            }
            connection.send(FCGI_STDIN, exchange, buffer, 0, n);
            left -= n;
        }
        connection.endStream(FCGI_STDIN, exchange);
    }

    /** Reading the request body failed: the client, not the backend, is at fault. */
    static final class ClientUploadException extends UncheckedIOException {
        ClientUploadException(IOException cause) {
            super("client request body: " + cause.getMessage(), cause);
        }
    }

    /** The pools, one per backend (tests). */
    List<ConnectionPool> pools() {
        return List.copyOf(pools.values());
    }

    /** Closes every connection and stops the upkeep thread, then the workers it runs. */
    @Override
    public void close() {
        upkeep.shutdownNow();
        pools.values().forEach(ConnectionPool::close);
        if (workers != null) {
            workers.close();
        }
    }

    /** Builds a {@link FastCgiApplication} with the same names and checks as the parameters. */
    public static final class Builder {
        private final Map<String, String> params = new LinkedHashMap<>();

        private Builder set(String name, Object value) {
            params.put(name, String.valueOf(value));
            return this;
        }

        public Builder backends(String... backends) {
            return set(BACKENDS, String.join(",", backends));
        }

        /** {@link #COMMAND}: the program to run as workers instead of backends, with {@code {socket}}. */
        public Builder command(String command) {
            return set(COMMAND, command);
        }

        public Builder workers(int workers) {
            return set(WORKERS, workers);
        }

        /** Adds one variable to the workers' environment. */
        public Builder workerEnv(String name, String value) {
            return set(WORKER_ENV, params.getOrDefault(WORKER_ENV, "") + name + "=" + value + "\n");
        }

        public Builder workerDir(String dir) {
            return set(WORKER_DIR, dir);
        }

        public Builder workerMaxRequests(long requests) {
            return set(WORKER_MAX_REQUESTS, requests);
        }

        public Builder workerMaxAge(Duration age) {
            return set(WORKER_MAX_AGE, age.isZero() ? "0" : age.toMillis() + "ms");
        }

        public Builder workerMaxMemory(long bytes) {
            return set(WORKER_MAX_MEMORY, bytes);
        }

        /** {@link #WORKER_REQUEST_TIMEOUT}; zero: none. */
        public Builder workerRequestTimeout(Duration timeout) {
            return set(WORKER_REQUEST_TIMEOUT, timeout.isZero() ? "0" : timeout.toMillis() + "ms");
        }

        /** {@link #WORKER_SLOW_LOG}; zero: none. */
        public Builder workerSlowLog(Duration threshold) {
            return set(WORKER_SLOW_LOG, threshold.isZero() ? "0" : threshold.toMillis() + "ms");
        }

        public Builder balance(String balance) {
            return set(BALANCE, balance);
        }

        public Builder maxFails(int maxFails) {
            return set(MAX_FAILS, maxFails);
        }

        public Builder failTimeout(Duration timeout) {
            return set(FAIL_TIMEOUT, timeout.toMillis() + "ms");
        }

        public Builder connectTimeout(Duration timeout) {
            return set(CONNECT_TIMEOUT, timeout.toMillis() + "ms");
        }

        public Builder readTimeout(Duration timeout) {
            return set(READ_TIMEOUT, timeout.toMillis() + "ms");
        }

        public Builder totalTimeout(Duration timeout) {
            return set(TOTAL_TIMEOUT, timeout.toMillis() + "ms");
        }

        public Builder root(String root) {
            return set(ROOT, root);
        }

        public Builder scriptPattern(String regex) {
            return set(SCRIPT_PATTERN, regex);
        }

        public Builder index(String index) {
            return set(INDEX, index);
        }

        public Builder tryFiles(boolean tryFiles) {
            return set(TRY_FILES, tryFiles);
        }

        public Builder maxConnections(int max) {
            return set(MAX_CONNECTIONS, max);
        }

        public Builder multiplex(boolean multiplex) {
            return set(MULTIPLEX, multiplex);
        }

        public Builder keepConn(boolean keepConn) {
            return set(KEEP_CONN, keepConn);
        }

        public Builder idleTimeout(Duration timeout) {
            return set(IDLE_TIMEOUT, timeout.toMillis() + "ms");
        }

        public Builder requestBuffering(boolean on) {
            return set(REQUEST_BUFFERING, on);
        }

        public Builder bodyBufferSize(long bytes) {
            return set(BODY_BUFFER_SIZE, bytes);
        }

        public Builder maxBodySize(long bytes) {
            return set(MAX_BODY_SIZE, bytes);
        }

        /** The body timeouts: longest silence, and the rate the body must average after it (0: none). */
        public Builder bodyTimeout(Duration timeout, long minRate) {
            set(BODY_MIN_RATE, minRate);
            return set(BODY_TIMEOUT, timeout.toMillis() + "ms");
        }

        /** {@link #STDERR_LIMIT}: bytes of FCGI_STDERR logged per request. */
        public Builder stderrLimit(long bytes) {
            return set(STDERR_LIMIT, bytes);
        }

        /** Adds one fixed param. */
        public Builder param(String name, String value) {
            String lines = params.getOrDefault(PARAMS, "");
            return set(PARAMS, lines + name + "=" + value + "\n");
        }

        /** The parameters this builder holds, e.g. to hand to a middleware. */
        public Map<String, String> toParams() {
            return Map.copyOf(params);
        }

        public FastCgiApplication build() {
            return new FastCgiApplication(params);
        }
    }
}
