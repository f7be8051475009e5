package dev.gatewaybridge.fastcgi;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.gatewaybridge.bridge.BodyLimits;
import dev.gatewaybridge.bridge.StderrLog;
import dev.gatewaybridge.managed.WorkerSettings;
import dev.gatewaybridge.upstream.BackendAddress;
import dev.gatewaybridge.upstream.BackendSet;
import dev.gatewaybridge.upstream.ConfigReader;
import dev.gatewaybridge.upstream.Params;
import dev.gatewaybridge.upstream.Timeouts;

/**
 * The configuration of a {@link FastCgiApplication}, read once from {@code fastcgi.*} parameters (names:
 * the constants on {@link FastCgiApplication}); a missing, unknown or bad one fails naming it. The backend
 * set, timeouts, params and body limits are the shared {@code upstream} ones; the pool settings are FastCGI's own.
 * With {@code fastcgi.command} the backends are the bridge's own workers ({@code workers}, the shared
 * {@code managed} settings): {@code backends} is null until they run ({@link #withWorkers}).
 */
record FastCgiSettings(BackendSet backends, Timeouts timeouts, Params params, int maxConnections,
                       boolean multiplex, boolean keepConn, Duration idleTimeout, BodyLimits body,
                       WorkerSettings workers, BackendSet.Policy workerPolicy, long stderrLimit) {

    /** The parameter prefix. */
    static final String PREFIX = "fastcgi.";
    /** The pool size when neither the configuration nor the backend (FCGI_MAX_CONNS) says. */
    static final int DEFAULT_MAX_CONNECTIONS = 8;

    // FastCGI's own keys, under the prefix.
    static final String MAX_CONNECTIONS = "maxConnections";
    static final String MULTIPLEX = "multiplex";
    static final String KEEP_CONN = "keepConn";
    static final String IDLE_TIMEOUT = "idleTimeout";

    private static final Set<String> KNOWN = Set.of(BackendSet.BACKENDS, BackendSet.BALANCE, BackendSet.MAX_FAILS,
            BackendSet.FAIL_TIMEOUT, Timeouts.CONNECT_TIMEOUT, Timeouts.READ_TIMEOUT, Timeouts.TOTAL_TIMEOUT,
            Params.ROOT, Params.SCRIPT_PATTERN, Params.INDEX, Params.TRY_FILES, Params.PARAMS, Params.SERVER_SOFTWARE,
            MAX_CONNECTIONS, MULTIPLEX, KEEP_CONN, IDLE_TIMEOUT, BodyLimits.REQUEST_BUFFERING, BodyLimits.BODY_BUFFER_SIZE,
            BodyLimits.MAX_BODY_SIZE, BodyLimits.BODY_TIMEOUT, BodyLimits.BODY_MIN_RATE,
            WorkerSettings.COMMAND, WorkerSettings.WORKERS, WorkerSettings.WORKER_ENV, WorkerSettings.WORKER_DIR,
            WorkerSettings.MAX_REQUESTS, WorkerSettings.MAX_AGE, WorkerSettings.MAX_MEMORY,
            WorkerSettings.MODE, WorkerSettings.IDLE_TIMEOUT, StderrLog.STDERR_LIMIT);

    static FastCgiSettings from(Map<String, String> config) {
        return from(config, PREFIX);
    }

    /** The settings under {@code prefix} ({@code fastcgi.}, or {@code fastcgiAuthorizer.} for the authorizer). */
    static FastCgiSettings from(Map<String, String> config, String prefix) {
        ConfigReader reader = new ConfigReader(config, prefix);
        reader.rejectUnknown(KNOWN);
        WorkerSettings workers = WorkerSettings.from(reader);
        boolean named = reader.string(BackendSet.BACKENDS, null) != null;
        if (workers != null && named) {
            throw new IllegalArgumentException(reader.name(BackendSet.BACKENDS) + " and "
                    + reader.name(WorkerSettings.COMMAND) + " exclude each other: name the backends, or the "
                    + "program to run as workers");
        }
        if (workers == null && !named) {
            throw new IllegalArgumentException("missing parameter " + reader.name(BackendSet.BACKENDS)
                    + " (the FastCGI backends; or " + reader.name(WorkerSettings.COMMAND) + ", a program to run as workers)");
        }
        return new FastCgiSettings(workers == null ? BackendSet.from(reader) : null, Timeouts.from(reader),
                Params.from(reader),
                // php-cgi -b serves one connection at a time: one kept-alive connection per worker, never more.
                reader.integer(MAX_CONNECTIONS, workers == null ? 0 : 1, workers == null ? 0 : 1),
                reader.bool(MULTIPLEX, true),
                reader.bool(KEEP_CONN, true),
                reader.duration(IDLE_TIMEOUT, Duration.ofSeconds(60)),
                BodyLimits.from(reader, true),
                // Own workers: least-busy, as each takes one connection; round-robin would queue a request behind
                // a busy worker while another is idle.
                workers, workers == null ? null : BackendSet.Policy.from(reader, BackendSet.Balance.LEAST_BUSY),
                reader.size(StderrLog.STDERR_LIMIT, StderrLog.DEFAULT_LIMIT));
    }

    /** These settings with the running workers' {@code sockets} as the backends. */
    FastCgiSettings withWorkers(List<Path> sockets) {
        BackendSet set = workerPolicy.of(sockets.stream().<BackendAddress>map(BackendAddress.Unix::new).toList());
        return new FastCgiSettings(set, timeouts, params, maxConnections, multiplex, keepConn, idleTimeout, body,
                workers, workerPolicy, stderrLimit);
    }

    long connectMillis() {
        return timeouts.connect().toMillis();
    }

    long readMillis() {
        return timeouts.read().toMillis();
    }
}
