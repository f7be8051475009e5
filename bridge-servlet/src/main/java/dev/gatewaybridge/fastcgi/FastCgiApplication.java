package dev.gatewaybridge.fastcgi;

import static dev.gatewaybridge.fastcgi.FastCgi.*;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import dev.gatewaybridge.api.Bodies;
import dev.gatewaybridge.api.Environ;
import dev.gatewaybridge.api.GatewayApplication;
import dev.gatewaybridge.api.HttpStatusException;
import dev.gatewaybridge.api.StartResponse;
import dev.gatewaybridge.cgi.CgiResponse;
import dev.gatewaybridge.cgi.CgiResponseParser;

/**
 * A gateway application that forwards each request to FastCGI backends (php-fpm, uWSGI, fcgiwrap …) in the
 * RESPONDER role (FastCGI spec §6.2) and streams the answer back.
 *
 * <p>Per backend a pool of kept-alive connections (FCGI_KEEP_CONN), sized from the backend's FCGI_MAX_CONNS
 * and multiplexed when it says FCGI_MPXS_CONNS=1; several backends with round-robin or least-busy choice,
 * failover on a failed connect and passive health (nginx's max_fails/fail_timeout). The request body goes
 * out as FCGI_STDIN as it is read; FCGI_STDOUT is parsed as a CGI response (RFC 3875 §6) and streamed;
 * FCGI_STDERR goes to {@code wsgi.errors}. A client that leaves makes it send FCGI_ABORT_REQUEST.
 *
 * <p>Status codes: 502 when no backend answers or one breaks the protocol, 504 when one times out, 400 for a
 * path with NUL/CR/LF. Configure it from {@code fastcgi.*} parameters (the constants below) or with
 * {@link #builder()}. Close it to close every connection.
 */
public final class FastCgiApplication implements GatewayApplication, AutoCloseable {

    /** Required. Backends, comma or space separated: {@code host:port}, {@code [::1]:port}, {@code unix:/path}. */
    public static final String BACKENDS = "fastcgi.backends";
    /** {@code round-robin} (default) or {@code least-busy}. */
    public static final String BALANCE = "fastcgi.balance";
    /** Most connections per backend; default: the backend's FCGI_MAX_CONNS, else 8. */
    public static final String MAX_CONNECTIONS = "fastcgi.maxConnections";
    /** Multiplex requests on a connection when the backend says FCGI_MPXS_CONNS=1 (default true). */
    public static final String MULTIPLEX = "fastcgi.multiplex";
    /** Keep connections open between requests with FCGI_KEEP_CONN (default true). */
    public static final String KEEP_CONN = "fastcgi.keepConn";
    /** Milliseconds to connect, and to wait for a free pooled connection (default 5000). */
    public static final String CONNECT_TIMEOUT = "fastcgi.connectTimeout";
    /** Milliseconds the backend may stay silent while we wait for output (default 60000). */
    public static final String READ_TIMEOUT = "fastcgi.readTimeout";
    /** Milliseconds a whole request may take, 0 for no limit (default 0). */
    public static final String TOTAL_TIMEOUT = "fastcgi.totalTimeout";
    /** Milliseconds an unused pooled connection stays open (default 60000). */
    public static final String IDLE_TIMEOUT = "fastcgi.idleTimeout";
    /** Failed connects within failTimeout that mark a backend down; 0 never marks it (default 1). */
    public static final String MAX_FAILS = "fastcgi.maxFails";
    /** Milliseconds a backend stays marked down, and the window maxFails counts in (default 10000). */
    public static final String FAIL_TIMEOUT = "fastcgi.failTimeout";
    /** The document root as the backend sees it: DOCUMENT_ROOT, and SCRIPT_FILENAME = root + script. */
    public static final String DOCUMENT_ROOT = "fastcgi.documentRoot";
    /** A regex with two groups splitting the path below the mount into script and PATH_INFO, e.g. {@code ^(.+?\.php)(/.*)?$}. */
    public static final String SPLIT_PATH_INFO = "fastcgi.splitPathInfo";
    /** Script appended to a path ending in '/' when splitting (default index.php), like fastcgi_index. */
    public static final String INDEX = "fastcgi.index";
    /** Answer 404 unless SCRIPT_FILENAME is a regular file here (backend on the same host; default false). */
    public static final String TRY_FILES = "fastcgi.tryFiles";
    /** Fixed params, one {@code NAME=value} per line, added last (they override derived ones). */
    public static final String PARAMS = "fastcgi.params";

    /** Request bodies up to this size are read before sending, so a request can be retried on a fresh connection. */
    static final int REPLAYABLE_BODY = 64 * 1024;
    private static final int MAX_ATTEMPTS = 3;

    private final FastCgiSettings settings;
    private final BackendGroup backends;
    private final FastCgiParams params;
    private final ScheduledExecutorService upkeep;
    private final int role;

    /** From {@code fastcgi.*} parameters; fails naming the first missing or bad one. */
    public FastCgiApplication(Map<String, String> params) {
        this(FastCgiSettings.from(params), FCGI_RESPONDER);
    }

    FastCgiApplication(FastCgiSettings settings, int role) {
        this.settings = settings;
        this.role = role;
        this.backends = new BackendGroup(settings);
        this.params = new FastCgiParams(settings);
        this.upkeep = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "fastcgi-upkeep " + settings.backends());
            t.setDaemon(true);
            return t;
        });
        long every = Math.max(100, Math.min(1000, settings.idleTimeout() / 2));
        upkeep.scheduleWithFixedDelay(backends::sweep, every, every, TimeUnit.MILLISECONDS);
    }

    /** A builder of the same settings as the {@code fastcgi.*} parameters. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public Iterable<byte[]> call(Map<String, Object> environ, StartResponse startResponse) throws Exception {
        Response response = forward(environ);
        try {
            CgiResponse head = CgiResponseParser.parse(response.stdout);
            head.start(startResponse);
            return Bodies.onClose(response.body(), response::finish);
        } catch (Exception | Error e) {
            response.finish();
            throw e;
        }
    }

    /**
     * Sends the request to a backend and waits for its first output. A request whose connection turns out
     * dead before any output came (a pooled connection the backend just closed) is sent again on another,
     * when its body could be kept.
     */
    Response forward(Map<String, Object> environ) throws IOException {
        Map<String, String> p = params.build(environ);
        RequestBody body = RequestBody.of(environ);
        long deadline = settings.totalTimeout() == 0 ? Long.MAX_VALUE
                : System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(settings.totalTimeout());
        PrintWriter errors = environ.get(Environ.WSGI_ERRORS) instanceof PrintWriter w ? w : null;
        for (int attempt = 1; ; attempt++) {
            Response response = send(p, body, errors, deadline);
            try {
                response.stdout.awaitFirst();
                return response;
            } catch (IOException e) {
                response.finish();
                if (attempt >= MAX_ATTEMPTS || !response.retryable() || !body.replayable()) {
                    throw new BackendUnavailableException(e.getMessage(), e);
                }
            } catch (RuntimeException e) {
                response.finish();
                throw e;
            }
        }
    }

    /** Chooses a backend (failover on a failed connect), sends BEGIN_REQUEST, PARAMS and the body. */
    private Response send(Map<String, String> p, RequestBody body, PrintWriter errors, long deadline)
            throws IOException {
        List<String> tried = new ArrayList<>();
        Exception last = null;
        for (ConnectionPool pool : backends.order()) {
            FastCgiConnection connection;
            try {
                connection = pool.acquire(settings.connectTimeout());
                backends.succeeded(pool);
            } catch (IOException e) {
                backends.failed(pool);
                tried.add(pool.name + " (" + e.getMessage() + ")");
                last = e;
                continue;
            } catch (HttpStatusException e) {
                tried.add(pool.name + " (" + e.getMessage() + ")");
                last = e;
                continue;
            }
            boolean reused = connection.reused;
            Exchange exchange = null;
            try {
                exchange = connection.begin(role, settings.keepConn(), p, errors);
                Response response = new Response(connection, exchange, reused, deadline);
                body.send(connection, exchange);
                return response;
            } catch (IOException e) {
                if (exchange != null) {
                    connection.abort(exchange);
                }
                connection.close();
                if (!reused || !body.replayable()) {
                    throw new BackendUnavailableException("FastCGI backend " + pool.name + " failed while sent the request: "
                            + e.getMessage(), e);
                }
                tried.add(pool.name + " (stale connection: " + e.getMessage() + ")");
                last = e;
            }
        }
        if (last instanceof HttpStatusException busy && tried.stream().noneMatch(t -> t.contains("connect"))) {
            throw busy;
        }
        throw new BackendUnavailableException("no FastCGI backend answered: " + String.join(", ", tried), last);
    }

    /** One request in flight: its connection, its exchange, and the timers around them. */
    final class Response {
        final FastCgiConnection connection;
        final Exchange exchange;
        final boolean reused;
        final Stdout stdout;
        private final ScheduledFuture<?> watchdog;
        private boolean finished;

        Response(FastCgiConnection connection, Exchange exchange, boolean reused, long deadline) {
            this.connection = connection;
            this.exchange = exchange;
            this.reused = reused;
            this.stdout = new Stdout(exchange.stdoutStream(settings.readTimeout(), deadline, connection));
            long left = deadline - System.nanoTime();
            // A write blocked on a backend that stopped reading has no timeout of its own: the total one closes it.
            this.watchdog = deadline == Long.MAX_VALUE ? null
                    : upkeep.schedule(this::expire, Math.max(0, left), TimeUnit.NANOSECONDS);
        }

        /** Whether it failed before any output, on a connection that had served before. */
        boolean retryable() {
            return reused && !exchange.received();
        }

        private void expire() {
            if (!exchange.ended()) {
                connection.close();
            }
        }

        /** The rest of FCGI_STDOUT as the response body. */
        Iterable<byte[]> body() {
            return () -> new Iterator<>() {
                private byte[] next;
                private boolean done;

                @Override
                public boolean hasNext() {
                    if (next == null && !done) {
                        try {
                            next = stdout.stream.nextChunk();
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                        done = next == null;
                    }
                    return next != null;
                }

                @Override
                public byte[] next() {
                    if (!hasNext()) {
                        throw new NoSuchElementException();
                    }
                    byte[] chunk = next;
                    next = null;
                    return chunk;
                }
            };
        }

        /** Ends the request: FCGI_ABORT_REQUEST unless the backend already ended it. Idempotent. */
        void finish() {
            if (finished) {
                return;
            }
            finished = true;
            if (watchdog != null) {
                watchdog.cancel(false);
            }
            if (!exchange.ended()) {
                connection.abort(exchange);
            }
        }
    }

    /** FCGI_STDOUT with the read and total timeouts; a timeout closes the connection (the request is lost). */
    static final class Stdout extends InputStream {
        final Exchange.StdoutStream stream;

        Stdout(Exchange.StdoutStream stream) {
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

    /** The request body: kept in memory when small (replayable), else streamed from wsgi.input once. */
    static final class RequestBody {
        private final byte[] bytes;
        private final InputStream input;
        private final long length;

        private RequestBody(byte[] bytes, InputStream input, long length) {
            this.bytes = bytes;
            this.input = input;
            this.length = length;
        }

        static RequestBody of(Map<String, Object> environ) throws IOException {
            InputStream in = environ.get(Environ.WSGI_INPUT) instanceof InputStream s ? s : InputStream.nullInputStream();
            String cl = Environ.get(environ, Environ.CONTENT_LENGTH, "");
            long length;
            try {
                length = cl.isEmpty() ? -1 : Long.parseLong(cl.trim());
            } catch (NumberFormatException e) {
                throw new HttpStatusException(400, "CONTENT_LENGTH is not a number: \"" + cl + "\"");
            }
            if (length == 0 || length < 0 && !Boolean.TRUE.equals(environ.get(Environ.WSGI_INPUT_TERMINATED))) {
                return new RequestBody(new byte[0], null, 0);
            }
            if (length > 0 && length <= REPLAYABLE_BODY) {
                byte[] all = in.readNBytes((int) length);
                if (all.length < length) {
                    throw new HttpStatusException(400, "request body ended after " + all.length + " of "
                            + length + " bytes");
                }
                return new RequestBody(all, null, length);
            }
            return new RequestBody(null, in, length);
        }

        boolean replayable() {
            return bytes != null;
        }

        /** §5.3: the body as FCGI_STDIN records, then the empty record. */
        void send(FastCgiConnection connection, Exchange exchange) throws IOException {
            if (bytes != null) {
                connection.send(FCGI_STDIN, exchange, bytes, 0, bytes.length);
            } else {
                byte[] buffer = new byte[32 * 1024];
                long left = length < 0 ? Long.MAX_VALUE : length;
                while (left > 0) {
                    int n;
                    try {
                        n = input.read(buffer, 0, (int) Math.min(buffer.length, left));
                    } catch (IOException e) {
                        throw new ClientGoneException(e); // the client left during the upload
                    }
                    if (n < 0) {
                        break;
                    }
                    connection.send(FCGI_STDIN, exchange, buffer, 0, n);
                    left -= n;
                }
            }
            connection.endStream(FCGI_STDIN, exchange);
        }
    }

    /** Reading the request body failed: the client, not the backend, is at fault. */
    static final class ClientGoneException extends UncheckedIOException {
        ClientGoneException(IOException cause) {
            super("client request body: " + cause.getMessage(), cause);
        }
    }

    /** The backends and their pools (tests). */
    List<ConnectionPool> pools() {
        return backends.pools();
    }

    /** Closes every connection and stops the upkeep thread. */
    @Override
    public void close() {
        upkeep.shutdownNow();
        backends.close();
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

        public Builder balance(String balance) {
            return set(BALANCE, balance);
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

        public Builder connectTimeout(int millis) {
            return set(CONNECT_TIMEOUT, millis);
        }

        public Builder readTimeout(int millis) {
            return set(READ_TIMEOUT, millis);
        }

        public Builder totalTimeout(int millis) {
            return set(TOTAL_TIMEOUT, millis);
        }

        public Builder idleTimeout(int millis) {
            return set(IDLE_TIMEOUT, millis);
        }

        public Builder maxFails(int maxFails) {
            return set(MAX_FAILS, maxFails);
        }

        public Builder failTimeout(int millis) {
            return set(FAIL_TIMEOUT, millis);
        }

        public Builder documentRoot(String root) {
            return set(DOCUMENT_ROOT, root);
        }

        public Builder splitPathInfo(String regex) {
            return set(SPLIT_PATH_INFO, regex);
        }

        public Builder index(String index) {
            return set(INDEX, index);
        }

        public Builder tryFiles(boolean tryFiles) {
            return set(TRY_FILES, tryFiles);
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
