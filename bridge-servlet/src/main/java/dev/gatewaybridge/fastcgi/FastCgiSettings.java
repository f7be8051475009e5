package dev.gatewaybridge.fastcgi;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.gatewaybridge.bridge.BodyLimits;
import dev.gatewaybridge.bridge.BridgeSettings;
import dev.gatewaybridge.config.ConfigReader;
import dev.gatewaybridge.config.Grammar;
import dev.gatewaybridge.config.Namespace;
import dev.gatewaybridge.config.Setting;
import dev.gatewaybridge.managed.WorkerSettings;
import dev.gatewaybridge.upstream.BackendAddress;
import dev.gatewaybridge.upstream.BackendSet;
import dev.gatewaybridge.upstream.Params;
import dev.gatewaybridge.upstream.Timeouts;
import dev.gatewaybridge.upstream.UpstreamSettings;

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

    // FastCGI's own parameters; the rest are the shared upstream, body and managed-worker ones.
    static final Setting<Integer> MAX_CONNECTIONS_SETTING = Setting.integer(MAX_CONNECTIONS, 0, 0,
            "most connections per backend; unset, the backend's `FCGI_MAX_CONNS`, else "
            + DEFAULT_MAX_CONNECTIONS + "; `1` per worker with `command`. Set it to php-fpm's `pm.max_children`")
            .withDefault(0, "backend's, else " + DEFAULT_MAX_CONNECTIONS);
    static final Setting<Boolean> MULTIPLEX_SETTING = Setting.bool(MULTIPLEX, true,
            "several requests on one connection when the backend answers `FCGI_MPXS_CONNS=1`; asked only when "
            + "`maxConnections` is unset");
    static final Setting<Boolean> KEEP_CONN_SETTING = Setting.bool(KEEP_CONN, true,
            "`FCGI_KEEP_CONN`: keep connections between requests");
    static final Setting<Duration> IDLE_TIMEOUT_SETTING = Setting.duration(IDLE_TIMEOUT, Duration.ofSeconds(60),
            "an unused pooled connection is closed after this long");

    /** Every {@code fastcgi.*} parameter, each shared one declared once where it is shared. */
    static final Namespace NAMESPACE = Namespace.of(PREFIX, "FastCGI bridge (FastCgiApplication)",
            UpstreamSettings.BACKEND, List.of(MAX_CONNECTIONS_SETTING, MULTIPLEX_SETTING, KEEP_CONN_SETTING,
                    IDLE_TIMEOUT_SETTING), BridgeSettings.BODY, List.of(BridgeSettings.STDERR_LIMIT),
            WorkerSettings.SETTINGS);

    static FastCgiSettings from(Map<String, String> config) {
        return from(config, PREFIX);
    }

    /** The settings under {@code prefix} ({@code fastcgi.}, or {@code fastcgiAuthorizer.} for the authorizer). */
    static FastCgiSettings from(Map<String, String> config, String prefix) {
        ConfigReader reader = new ConfigReader(config, NAMESPACE.withPrefix(prefix));
        reader.rejectUnknown();
        WorkerSettings workers = WorkerSettings.from(reader);
        boolean named = reader.isSet(UpstreamSettings.BACKENDS);
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
                workers == null ? reader.get(MAX_CONNECTIONS_SETTING)
                        : reader.parsed(MAX_CONNECTIONS, 1, v -> (int) Grammar.integer(v, 1, Integer.MAX_VALUE)),
                reader.get(MULTIPLEX_SETTING),
                reader.get(KEEP_CONN_SETTING),
                reader.get(IDLE_TIMEOUT_SETTING),
                BodyLimits.from(reader, true),
                // Own workers: least-busy, as each takes one connection; round-robin would queue a request behind
                // a busy worker while another is idle.
                workers, workers == null ? null : BackendSet.Policy.from(reader, BackendSet.Balance.LEAST_BUSY),
                reader.get(BridgeSettings.STDERR_LIMIT));
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
