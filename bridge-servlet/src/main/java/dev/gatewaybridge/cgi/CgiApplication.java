package dev.gatewaybridge.cgi;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import dev.gatewaybridge.api.BackendTimeoutException;
import dev.gatewaybridge.api.BadGatewayException;
import dev.gatewaybridge.api.Bodies;
import dev.gatewaybridge.api.Environ;
import dev.gatewaybridge.api.GatewayApplication;
import dev.gatewaybridge.api.Header;
import dev.gatewaybridge.api.HeaderRules;
import dev.gatewaybridge.api.HttpStatusException;
import dev.gatewaybridge.api.StartResponse;
import dev.gatewaybridge.bridge.CgiResponse;
import dev.gatewaybridge.bridge.CgiResponseParser;
import dev.gatewaybridge.bridge.DroppedHeaders;
import dev.gatewaybridge.bridge.RequestBody;
import dev.gatewaybridge.files.FileApplication;
import dev.gatewaybridge.paths.MissingSlash;
import dev.gatewaybridge.process.Spawner;

/**
 * Runs CGI programs (RFC 3875) as a gateway application: resolves the program from PATH_INFO (or runs one
 * fixed program), starts it with exactly the CGI environment, streams the request body to its stdin, parses
 * its stdout as a CGI response and streams the body back. Local redirects are re-dispatched here, "nph-"
 * programs pass through, stderr goes to {@code wsgi.errors}. Configured by {@link CgiConfig} ({@code cgi.*}
 * init-params, docs/cgi.md).
 *
 * <p>Limits: a per-request timeout kills the program and its descendants (504 if nothing was sent yet), a cap
 * on programs running at once answers 503 with Retry-After, and a client that goes away kills the program.
 * {@link #close()} kills whatever still runs.
 */
public final class CgiApplication implements GatewayApplication, AutoCloseable {

    private static final System.Logger LOG = System.getLogger(CgiApplication.class.getName());
    /** Period of the timeout watchdog: timeouts are enforced within this many milliseconds. */
    static final long WATCHDOG_MS = 50;
    /** Environ key counting the local redirects of one request. */
    static final String REDIRECTS = "gateway.cgi.redirects";

    private final CgiConfig config;
    /** Hop-by-hop headers the programs sent, each name logged once. */
    private final DroppedHeaders dropped = new DroppedHeaders(LOG);
    private final ScriptResolver resolver;
    private final CgiEnvironment environment;
    private final Semaphore slots;
    private final ScheduledThreadPoolExecutor timers;
    private final ThreadPoolExecutor pumps;
    private final Spawner spawner;
    private final Set<CgiProcess> running = ConcurrentHashMap.newKeySet();
    /** Sends the root's files that are not programs when {@link CgiConfig#STATIC} is on, else null. */
    private final FileApplication staticFiles;

    /** From init-params ({@code cgi.*}; other names are ignored). */
    public CgiApplication(Map<String, String> params) {
        this(CgiConfig.fromParams(params));
    }

    public CgiApplication(CgiConfig config) {
        this.config = CgiStartCheck.check(config);
        this.resolver = new ScriptResolver(config);
        this.staticFiles = config.staticFiles()
                ? FileApplication.builder().root(config.root()).index(null).application() : null;
        this.environment = new CgiEnvironment(config);
        this.slots = new Semaphore(config.maxProcesses());
        this.timers = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "cgi-timeout");
            t.setDaemon(true);
            return t;
        });
        timers.setRemoveOnCancelPolicy(true);
        timers.scheduleWithFixedDelay(this::watchdog, WATCHDOG_MS, WATCHDOG_MS, TimeUnit.MILLISECONDS);
        // Threads copying stderr (and large request bodies): reused while busy, gone after 10 s idle.
        AtomicInteger n = new AtomicInteger();
        this.pumps = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 10, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
            Thread t = new Thread(r, "cgi-pump-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        try {
            this.spawner = Spawner.of(config.spawner(), CgiConfig.SPAWNER, pumps,
                    "CGI " + (config.root() != null ? config.root() : config.program()), LOG);
        } catch (RuntimeException e) {
            timers.shutdownNow();
            pumps.shutdownNow();
            throw e;
        }
    }

    /** "native" (the gateway-spawn daemon) or "jdk" (ProcessBuilder): how programs are started. */
    public String spawner() {
        return spawner.name();
    }

    /** The spawner itself, for tests. */
    Spawner spawnerInUse() {
        return spawner;
    }

    /** A builder of the configuration; {@code .application()} makes the application. */
    public static CgiConfig.Builder builder() {
        return CgiConfig.builder();
    }

    /** The configuration in use. */
    public CgiConfig config() {
        return config;
    }

    @Override
    public Iterable<byte[]> call(Map<String, Object> environ, StartResponse startResponse) throws Exception {
        String method = Environ.get(environ, Environ.REQUEST_METHOD, "GET");
        if (!config.methods().contains(method)) {
            return notAllowed(method, startResponse);
        }
        ScriptResolver.Script script;
        try {
            script = resolver.resolve(Environ.get(environ, Environ.SCRIPT_NAME, ""),
                    Environ.get(environ, Environ.PATH_INFO, ""), (String) environ.get(Environ.REQUEST_URI));
        } catch (MissingSlash directory) {
            return MissingSlash.answer(environ, startResponse);
        }
        if (script.isStaticFile()) {
            return staticFiles.serveFile(environ, startResponse, script.file());
        }
        List<String> command = command(script, Environ.get(environ, Environ.QUERY_STRING, ""));
        // Read whole first when cgi.requestBuffering is on (no program waits meanwhile), and always when it has
        // no length, so that the program gets its CONTENT_LENGTH (RFC 3875 §4.1.2); else streamed.
        RequestBody body = RequestBody.of(environ, config.body());
        boolean started = false;
        try {
            Map<String, String> env = environment.build(environ, script);
            if (!slots.tryAcquire()) {
                return busy(startResponse);
            }
            CgiProcess process = start(environ, script, command, env, body);
            started = true;
            try {
                process.feed(body.open(), body.length());
                return respond(environ, startResponse, script, process);
            } catch (Exception | Error e) {
                process.close();
                throw e;
            }
        } finally {
            if (!started) {
                close(body);
            }
        }
    }

    /** Frees the body's temporary file and timer; a failure is logged, as the program's end must go on. */
    private static void close(RequestBody body) {
        try {
            body.close();
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "CGI: closing the request body failed: " + e);
        }
    }

    /** RFC 3875 §4.4: argv from a query without '=', only when enabled and every value is harmless. */
    private List<String> command(ScriptResolver.Script script, String query) {
        if (!config.queryArgs() || query.isEmpty() || query.indexOf('=') >= 0) {
            return script.command();
        }
        List<String> argv = new ArrayList<>(script.command());
        for (String word : query.split("\\+", -1)) {
            String arg = URLDecoder.decode(word.replace("+", "%2B"), StandardCharsets.UTF_8);
            if (!config.argPattern().matcher(arg).matches()) {
                // CVE-2019-0232 (Windows command line), CVE-2012-1823 (php-cgi "-s"): refuse, never escape.
                throw new HttpStatusException(400, "CGI: query argument refused by " + CgiConfig.ARG_PATTERN
                        + ": " + HeaderRules.quote(arg));
            }
            argv.add(arg);
        }
        return argv;
    }

    /** 405 with the Allow header RFC 9110 §15.5.6 requires: the method is not in {@code cgi.methods}. */
    private Iterable<byte[]> notAllowed(String method, StartResponse startResponse) {
        LOG.log(System.Logger.Level.INFO, "CGI: method not allowed by " + CgiConfig.METHODS + ": "
                + HeaderRules.quote(method));
        startResponse.start("405 Method Not Allowed", List.of(Header.of("Content-Type", "text/plain"),
                Header.of("Allow", String.join(", ", new java.util.TreeSet<>(config.methods())))));
        return Bodies.of("Method not allowed.\n");
    }

    /** 503 with Retry-After: all {@code cgi.maxProcesses} slots are busy. */
    private Iterable<byte[]> busy(StartResponse startResponse) {
        LOG.log(System.Logger.Level.WARNING, "CGI: " + config.maxProcesses() + " programs running ("
                + CgiConfig.MAX_PROCESSES + "), answering 503");
        startResponse.start("503 Service Unavailable", List.of(Header.of("Content-Type", "text/plain"),
                Header.of("Retry-After", Integer.toString(config.retryAfter()))));
        return Bodies.of("Too many CGI programs running, retry later.\n");
    }

    /** Starts the program; the slot taken for it is released when it is closed or fails to start. */
    private CgiProcess start(Map<String, Object> environ, ScriptResolver.Script script, List<String> command,
            Map<String, String> env, RequestBody body) {
        CgiProcess[] self = new CgiProcess[1];
        CgiProcess p;
        try {
            p = CgiProcess.start(spawner, command, script.file().getParent(), env, config.timeout(), timers, pumps,
                    errors(environ), config.stderrLimit(), () -> {
                        if (self[0] != null) { // null: the program did not start
                            running.remove(self[0]);
                        }
                        close(body); // after the stdin pump ended
                        slots.release();
                    });
        } catch (IOException e) {
            // e.g. "Exec format error": a script without a #! line and no cgi.interpreters entry.
            throw new HttpStatusException(500, "CGI: cannot start " + HeaderRules.quote(String.join(" ", command))
                    + ": " + e.getMessage(), e);
        }
        self[0] = p;
        running.add(p);
        return p;
    }

    /** Parses the program's response and answers, following a local redirect. */
    private Iterable<byte[]> respond(Map<String, Object> environ, StartResponse startResponse,
            ScriptResolver.Script script, CgiProcess process) throws Exception {
        CgiResponse response;
        try {
            response = script.nph() ? CgiResponseParser.parseNph(process.stdout(), config.limits())
                    : CgiResponseParser.parse(process.stdout(), config.limits());
        } catch (IOException | BadGatewayException e) {
            throw fault(process, script, e);
        }
        if (response.location() == CgiResponse.Location.LOCAL) {
            process.finished();
            process.close();
            return redirect(environ, startResponse, response.locationValue());
        }
        if (script.nph() && response.headers().stream().anyMatch(h -> h.is("Transfer-Encoding"))) {
            throw new BadGatewayException("CGI: nph- program " + script.file().getFileName()
                    + " sent Transfer-Encoding, which cannot pass through a servlet container");
        }
        response.start(startResponse, dropped);
        return Bodies.generate(new Output(process), process);
    }

    /** The exception for a program whose header section could not be read: 504, client gone, or 502. */
    private static Exception fault(CgiProcess process, ScriptResolver.Script script, Exception e) {
        if (process.timedOut()) {
            return new BackendTimeoutException("CGI: " + script.file().getFileName()
                    + " sent no response headers before its timeout");
        }
        if (process.inputFailure() != null) {
            return process.inputFailure();
        }
        String failure = process.startFailure();
        if (failure != null) {
            // The native spawner reports a failed exec after the fact: the same 500 as ProcessBuilder's.
            return new HttpStatusException(500, "CGI: cannot start " + script.file().getFileName() + ": " + failure);
        }
        if (e instanceof BadGatewayException bad) {
            return new BadGatewayException("CGI " + script.file().getFileName() + ": " + bad.getMessage(), bad);
        }
        return new BadGatewayException("CGI: reading " + script.file().getFileName() + " failed: " + e, e);
    }

    /**
     * RFC 3875 §6.2.2: the server answers a local redirect as if the client had asked for the new path with
     * GET. Inside this application's mount it is re-dispatched here; elsewhere it becomes a 302.
     */
    private Iterable<byte[]> redirect(Map<String, Object> environ, StartResponse startResponse, String location)
            throws Exception {
        int count = (int) environ.getOrDefault(REDIRECTS, 0) + 1;
        if (count > config.redirectLimit()) {
            throw new HttpStatusException(500, "CGI: more than " + config.redirectLimit() + " local redirects ("
                    + CgiConfig.REDIRECT_LIMIT + "), last to " + HeaderRules.quote(location));
        }
        String mount = (String) environ.getOrDefault(REDIRECTS + ".mount", Environ.get(environ, Environ.SCRIPT_NAME, ""));
        int q = location.indexOf('?');
        String path = q < 0 ? location : location.substring(0, q);
        if (!path.startsWith(mount + "/") && !path.equals(mount)) {
            LOG.log(System.Logger.Level.INFO, "CGI: local redirect outside " + HeaderRules.quote(mount)
                    + " sent to the client: " + HeaderRules.quote(location));
            startResponse.start("302 Found", List.of(Header.of("Location", location)));
            return List.of();
        }
        Map<String, Object> next = new HashMap<>(environ);
        next.put(REDIRECTS, count);
        next.put(REDIRECTS + ".mount", mount);
        next.put("REDIRECT_STATUS", "200");
        next.put("REDIRECT_URL", Environ.get(environ, Environ.SCRIPT_NAME, "") + Environ.get(environ, Environ.PATH_INFO, ""));
        String oldQuery = Environ.get(environ, Environ.QUERY_STRING, "");
        if (!oldQuery.isEmpty()) {
            next.put("REDIRECT_QUERY_STRING", oldQuery);
        } else {
            next.remove("REDIRECT_QUERY_STRING");
        }
        next.put(Environ.REQUEST_METHOD, "GET");
        next.remove(Environ.CONTENT_LENGTH);
        next.remove(Environ.CONTENT_TYPE);
        next.put(Environ.WSGI_INPUT, new ByteArrayInputStream(new byte[0]));
        next.put(Environ.SCRIPT_NAME, mount);
        next.put(Environ.PATH_INFO, URLDecoder.decode(path.substring(mount.length()).replace("+", "%2B"),
                StandardCharsets.UTF_8));
        next.put(Environ.QUERY_STRING, q < 0 ? "" : location.substring(q + 1));
        next.put(Environ.REQUEST_URI, location);
        return call(next, startResponse);
    }

    /** Lines for {@code wsgi.errors}, or the log when the environ has none. */
    private static Consumer<String> errors(Map<String, Object> environ) {
        if (environ.get(Environ.WSGI_ERRORS) instanceof PrintWriter w) {
            return record -> {
                w.write(record + "\n"); // one write: its lines are one log record
                w.flush();
            };
        }
        return line -> LOG.log(System.Logger.Level.WARNING, line);
    }

    /**
     * The program's stdout after the header section, in the chunks it arrives in; Bodies.generate reads it
     * one chunk ahead. After a failure or the end it answers the end.
     */
    private static final class Output implements Bodies.ChunkSource {
        private final CgiProcess process;
        private boolean eof;

        Output(CgiProcess process) {
            this.process = process;
        }

        @Override
        public byte[] read() throws IOException {
            if (eof) {
                return null;
            }
            byte[] buf = new byte[32 * 1024];
            int n;
            try {
                InputStream in = process.stdout();
                n = in.read(buf);
                // Take what is already buffered too, without waiting for more.
                while (n > 0 && n < buf.length && in.available() > 0) {
                    int m = in.read(buf, n, Math.min(in.available(), buf.length - n));
                    if (m <= 0) {
                        break;
                    }
                    n += m;
                }
            } catch (IOException e) {
                eof = true;
                throw cut(e);
            }
            if (n < 0) {
                eof = true;
                if (process.killed() || process.inputFailure() != null) {
                    // The client must not take a cut body for a whole one: fail, the server aborts.
                    throw cut(null);
                }
                process.finished();
                return null;
            }
            return n == buf.length ? buf : java.util.Arrays.copyOf(buf, n);
        }

        /** Why the output ended early, as the exception that aborts the response. */
        private IOException cut(IOException cause) {
            if (process.timedOut()) {
                return new IOException("CGI program killed at its timeout", cause);
            }
            if (process.inputFailure() instanceof IOException io) {
                return io;
            }
            if (process.inputFailure() instanceof RuntimeException status) {
                throw status; // a 408: its status stands if the headers have not left yet
            }
            return new IOException("CGI program output cut short (program killed or closed)", cause);
        }
    }

    /** Kills the programs that ran past their timeout. */
    private void watchdog() {
        long now = System.nanoTime();
        for (CgiProcess p : running) {
            p.expireIfLate(now);
        }
    }

    /** Kills every program still running, stops the spawner (its daemon) and the threads. */
    @Override
    public void close() {
        for (CgiProcess p : List.copyOf(running)) {
            p.close();
        }
        spawner.close();
        timers.shutdownNow();
        pumps.shutdownNow();
    }
}
