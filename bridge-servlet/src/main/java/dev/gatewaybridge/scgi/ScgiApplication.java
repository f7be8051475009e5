package dev.gatewaybridge.scgi;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.gatewaybridge.api.BackendTimeoutException;
import dev.gatewaybridge.api.BackendUnavailableException;
import dev.gatewaybridge.api.BadGatewayException;
import dev.gatewaybridge.api.GatewayApplication;
import dev.gatewaybridge.api.HttpStatusException;
import dev.gatewaybridge.api.StartResponse;
import dev.gatewaybridge.bridge.BodyLimits;
import dev.gatewaybridge.bridge.BridgeSettings;
import dev.gatewaybridge.bridge.CgiResponse;
import dev.gatewaybridge.bridge.CgiResponseParser;
import dev.gatewaybridge.bridge.DroppedHeaders;
import dev.gatewaybridge.bridge.RequestBody;
import dev.gatewaybridge.config.ConfigReader;
import dev.gatewaybridge.config.Namespace;
import dev.gatewaybridge.upstream.BackendAddress;
import dev.gatewaybridge.upstream.BackendSet;
import dev.gatewaybridge.upstream.Connection;
import dev.gatewaybridge.upstream.Param;
import dev.gatewaybridge.upstream.Params;
import dev.gatewaybridge.upstream.Timeouts;
import dev.gatewaybridge.upstream.UpstreamSettings;

/**
 * A gateway application that passes each request to an SCGI server (uWSGI, a Python {@code scgi} server,
 * Rack...) and streams the answer back: one connection per request (SCGI has no keep-alive), the header
 * block built by {@link Params} from the environ, the request body after it (read whole before connecting,
 * unless {@code scgi.requestBuffering} is off), the response read as a
 * CGI response ({@link CgiResponseParser}) and its body streamed to the client as it arrives.
 *
 * <p>Several backends are balanced and failed over by a {@link BackendSet}; no backend reachable is a 502,
 * a backend silent past the read or total timeout a 504, a response that is not a CGI response a 502 naming
 * the offending bytes. A backend that dies mid-body aborts the client's response (the servlet does not end
 * it cleanly), though without a Content-Length an SCGI client cannot tell a crash from an end.
 *
 * <p>Configured by init-params ({@link #ScgiApplication(Map)}, names below, all under {@code scgi.}) or by
 * {@link #builder()}. Close it to refuse further requests (503); in-flight ones finish.
 */
public final class ScgiApplication implements GatewayApplication, AutoCloseable {

    private static final String PREFIX = "scgi.";
    /** Required: {@code host:port}, {@code [v6]:port} or {@code unix:/path}, comma separated. */
    public static final String BACKENDS = PREFIX + BackendSet.BACKENDS;
    /** {@code round-robin} (default) or {@code least-busy}. */
    public static final String BALANCE = PREFIX + BackendSet.BALANCE;
    /** Failures within {@link #FAIL_TIMEOUT} that mark a backend down (default 1; 0 never). */
    public static final String MAX_FAILS = PREFIX + BackendSet.MAX_FAILS;
    /** Failure window and time a backend stays down (default 10s). */
    public static final String FAIL_TIMEOUT = PREFIX + BackendSet.FAIL_TIMEOUT;
    /** Longest wait for a connection (default 60s); then the next backend is tried. */
    public static final String CONNECT_TIMEOUT = PREFIX + Timeouts.CONNECT_TIMEOUT;
    /** Longest the backend may stay silent, or not read, between two bytes (default 60s). */
    public static final String READ_TIMEOUT = PREFIX + Timeouts.READ_TIMEOUT;
    /** Longest a whole exchange may take (default 10m). */
    public static final String TOTAL_TIMEOUT = PREFIX + Timeouts.TOTAL_TIMEOUT;
    /** Script root: adds DOCUMENT_ROOT and SCRIPT_FILENAME (unset: the backend is an application). */
    public static final String ROOT = PREFIX + Params.ROOT;
    /** Regex splitting the path into script and PATH_INFO, e.g. {@code ^(.+\.php)(/.*)$}. */
    public static final String SCRIPT_PATTERN = PREFIX + Params.SCRIPT_PATTERN;
    /** File name appended to a script path ending in {@code /}. */
    public static final String INDEX = PREFIX + Params.INDEX;
    /** {@code true}: 404 unless the script file exists under the root (default false). */
    public static final String TRY_FILES = PREFIX + Params.TRY_FILES;
    /** Fixed params, one {@code NAME=value} per line. */
    public static final String PARAMS = PREFIX + Params.PARAMS;
    /** SERVER_SOFTWARE sent to the backend (default: the servlet's). */
    public static final String SERVER_SOFTWARE = PREFIX + Params.SERVER_SOFTWARE;
    /** Read the whole body before connecting to the backend (default true; nginx scgi_request_buffering). */
    public static final String REQUEST_BUFFERING = PREFIX + BodyLimits.REQUEST_BUFFERING;
    /** Bytes of a buffered body kept in memory, the rest in a temporary file (default 64k). */
    public static final String BODY_BUFFER_SIZE = PREFIX + BodyLimits.BODY_BUFFER_SIZE;
    /** Largest request body; larger is 413 (default 16m). */
    public static final String MAX_BODY_SIZE = PREFIX + BodyLimits.MAX_BODY_SIZE;
    /** Longest silence of a client sending its body, then 408 (default 20s). */
    public static final String BODY_TIMEOUT = PREFIX + BodyLimits.BODY_TIMEOUT;
    /** Bytes per second a body must average after bodyTimeout, else 408 (default 500; 0 none). */
    public static final String BODY_MIN_RATE = PREFIX + BodyLimits.BODY_MIN_RATE;
    /** Joins the header block and the body's first bytes into one write. */
    private static final int REQUEST_BUFFER = 16 * 1024;
    /** For the response head, as nginx's scgi_buffer_size (a page or two); a longer head still parses. */
    private static final int RESPONSE_HEAD_BUFFER = 8 * 1024;
    /** Every {@code scgi.*} parameter: the shared upstream and body ones, declared once in {@link UpstreamSettings}. */
    public static final Namespace PARAMETERS = Namespace.of(PREFIX, "SCGI bridge (ScgiApplication)",
            UpstreamSettings.BACKEND, BridgeSettings.BODY);

    private final BackendSet backends;
    private final Timeouts timeouts;
    private final Params params;
    /** Hop-by-hop headers the backends sent, each name logged once, under this bridge's logger. */
    private final DroppedHeaders dropped = new DroppedHeaders(System.getLogger(ScgiApplication.class.getName()));
    private final BodyLimits body;
    private volatile boolean closed;

    /** Configured from init-params (all of them; only {@code scgi.*} are read, unknown ones fail). */
    public ScgiApplication(Map<String, String> config) {
        ConfigReader reader = new ConfigReader(config, PARAMETERS);
        reader.rejectUnknown();
        this.backends = BackendSet.from(reader);
        this.timeouts = Timeouts.from(reader);
        this.params = Params.from(reader);
        this.body = BodyLimits.from(reader, true);
    }

    private ScgiApplication(Builder b) {
        this.backends = new BackendSet(b.backends, b.balance, b.maxFails, b.failTimeout);
        this.timeouts = b.timeouts;
        this.params = b.params;
        this.body = b.body;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The backends, for tests (in-flight counts); status pages will read them (issue 18). */
    BackendSet backends() {
        return backends;
    }

    @Override
    public Iterable<byte[]> call(Map<String, Object> environ, StartResponse startResponse) throws Exception {
        if (closed) {
            throw new HttpStatusException(503, "the SCGI bridge is closed");
        }
        List<Param> vars = params.forRequest(environ);
        // Read before connecting when buffering: a slow client then holds a container thread, never the backend.
        RequestBody body = RequestBody.of(environ, this.body);
        BackendSet.Lease<Connection> lease = null;
        try {
            lease = backends.connect(timeouts);
            InputStream in = exchange(lease, vars, body);
            CgiResponse head = readHead(lease, in);
            head.start(startResponse, dropped);
            List<byte[]> whole = wholeBody(head, in);
            if (whole != null) {
                lease.succeeded();
                lease.value().close();
                lease.close();
                body.close();
                return whole;
            }
            return ResponseBody.of(in, lease, body);
        } catch (Throwable t) {
            if (lease != null) {
                lease.value().close();
                lease.close();
            }
            body.close();
            throw t;
        }
    }

    /**
     * Sends the header block and the body; returns the response stream. A request without a body is the
     * header block alone, written as it is; a body is copied through a buffer that joins its first bytes to
     * the header block in one write.
     */
    private InputStream exchange(BackendSet.Lease<Connection> lease, List<Param> vars, RequestBody body)
            throws IOException {
        Connection c = lease.value();
        byte[] head = ScgiWriter.request(vars, body.length());
        OutputStream out = new BackendOutput(c.output());
        try {
            if (body.length() == 0) {
                out.write(head);
            } else {
                out = new BufferedOutputStream(out, REQUEST_BUFFER);
                out.write(head);
                body.copyTo(out); // an IOException from the client's side passes through as it is
                out.flush();
            }
        } catch (BackendWriteException e) {
            throw broken(lease, "reading the request", e.getCause());
        } catch (BackendTimeoutException e) {
            lease.failed(); // a backend that stops reading counts against it, as one that stops answering
            throw e;
        }
        // Only the response head is read through this buffer (the CGI parser reads it a byte at a time); the
        // body's reads are larger than it, so BufferedInputStream hands them to the connection directly.
        return new BufferedInputStream(c.input(), RESPONSE_HEAD_BUFFER);
    }

    /**
     * The whole body, when the head declared a Content-Length and that many bytes came with it (a small page
     * usually does): the connection can go before the backend closes it, and the body leaves in one write with
     * its length. Null, with nothing taken, otherwise (the body is streamed until the backend closes).
     */
    private static List<byte[]> wholeBody(CgiResponse head, InputStream in) throws IOException {
        String length = null;
        for (var h : head.headers()) {
            if (h.name().equalsIgnoreCase("Content-Length")) {
                if (length != null) {
                    return null; // two: the server's response rules judge them
                }
                length = h.value().strip();
            }
        }
        if (length == null || length.isEmpty() || length.length() > 5 || !length.chars().allMatch(Character::isDigit)) {
            return null; // none, or not a small plain number: streamed, and judged by the server's rules
        }
        int declared = Integer.parseInt(length);
        if (declared > in.available()) {
            return null;
        }
        return List.of(in.readNBytes(declared));
    }

    /** Marks failures writing to the backend, to tell them from failures reading the client's body. */
    private static final class BackendOutput extends java.io.FilterOutputStream {
        BackendOutput(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            try {
                out.write(b, off, len);
            } catch (IOException e) {
                throw new BackendWriteException(e);
            }
        }
    }

    private static final class BackendWriteException extends IOException {
        private static final long serialVersionUID = 1L;

        BackendWriteException(IOException cause) {
            super(cause.getMessage(), cause);
        }
    }

    /** The CGI response header section (RFC 3875 §6); 502 naming the backend if it is not one. */
    private static CgiResponse readHead(BackendSet.Lease<Connection> lease, InputStream in) throws IOException {
        try {
            return CgiResponseParser.parse(in);
        } catch (BadGatewayException e) {
            lease.failed();
            throw new BadGatewayException("SCGI backend " + lease.backend() + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw broken(lease, "sending the response head", e);
        } catch (RuntimeException e) {
            lease.failed(); // a timeout
            throw e;
        }
    }

    private static BackendUnavailableException broken(BackendSet.Lease<Connection> lease, String what,
            Throwable cause) {
        lease.failed();
        return new BackendUnavailableException("SCGI backend " + lease.backend() + " failed " + what + ": "
                + cause.getMessage(), cause);
    }

    /** Refuses further requests (503); requests in flight finish. There is no pool to drain. */
    @Override
    public void close() {
        closed = true;
    }

    /** Programmatic configuration, with the same defaults as the init-params. */
    public static final class Builder {
        private List<BackendAddress> backends;
        private BackendSet.Balance balance = BackendSet.Balance.ROUND_ROBIN;
        private int maxFails = 1;
        private Duration failTimeout = Duration.ofSeconds(10);
        private Timeouts timeouts = Timeouts.DEFAULT;
        private Params params = Params.builder().build();
        private BodyLimits body = BodyLimits.defaults(PREFIX, true);

        private Builder() {
        }

        /** Backend addresses: {@code host:port}, {@code [v6]:port}, {@code unix:/path}. */
        public Builder backends(String... addresses) {
            this.backends = BackendAddress.parseList(String.join(",", addresses));
            return this;
        }

        Builder balance(BackendSet.Balance balance) {
            this.balance = balance;
            return this;
        }

        /** Passive health: {@code maxFails} failures within {@code failTimeout} mark a backend down that long. */
        public Builder health(int maxFails, Duration failTimeout) {
            this.maxFails = maxFails;
            this.failTimeout = failTimeout;
            return this;
        }

        public Builder timeouts(Duration connect, Duration read, Duration total) {
            this.timeouts = new Timeouts(connect, read, total);
            return this;
        }

        /** How the params are built (script root, split pattern, fixed params...). */
        public Builder params(Params params) {
            this.params = params;
            return this;
        }

        /** Request buffering, the largest body, the body timeouts ({@link BodyLimits}, prefix {@code scgi.}). */
        Builder body(BodyLimits limits) {
            this.body = limits;
            return this;
        }

        public ScgiApplication build() {
            if (backends == null) {
                throw new IllegalArgumentException("no backends: call backends(...) (" + BACKENDS + ")");
            }
            return new ScgiApplication(this);
        }
    }
}
