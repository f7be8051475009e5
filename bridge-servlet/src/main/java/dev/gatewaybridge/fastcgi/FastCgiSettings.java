package dev.gatewaybridge.fastcgi;

import java.time.Duration;
import java.util.Map;
import java.util.Set;

import dev.gatewaybridge.upstream.BackendSet;
import dev.gatewaybridge.upstream.BodyLimits;
import dev.gatewaybridge.upstream.ConfigReader;
import dev.gatewaybridge.upstream.Params;
import dev.gatewaybridge.upstream.StderrLog;
import dev.gatewaybridge.upstream.Timeouts;

/**
 * The configuration of a {@link FastCgiApplication}, read once from {@code fastcgi.*} parameters (names:
 * the constants on {@link FastCgiApplication}); a missing, unknown or bad one fails naming it. The backend
 * set, timeouts, params and body limits are the shared {@code upstream} ones; the pool settings are FastCGI's own.
 */
record FastCgiSettings(BackendSet backends, Timeouts timeouts, Params params, int maxConnections,
                       boolean multiplex, boolean keepConn, Duration idleTimeout, BodyLimits body,
                       long stderrLimit) {

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
            BodyLimits.MAX_BODY_SIZE, BodyLimits.BODY_TIMEOUT, BodyLimits.BODY_MIN_RATE, StderrLog.STDERR_LIMIT);

    static FastCgiSettings from(Map<String, String> config) {
        return from(config, PREFIX);
    }

    /** The settings under {@code prefix} ({@code fastcgi.}, or {@code fastcgiAuthorizer.} for the authorizer). */
    static FastCgiSettings from(Map<String, String> config, String prefix) {
        ConfigReader reader = new ConfigReader(config, prefix);
        reader.rejectUnknown(KNOWN);
        return new FastCgiSettings(BackendSet.from(reader), Timeouts.from(reader), Params.from(reader),
                reader.integer(MAX_CONNECTIONS, 0, 0),
                reader.bool(MULTIPLEX, true),
                reader.bool(KEEP_CONN, true),
                reader.duration(IDLE_TIMEOUT, Duration.ofSeconds(60)),
                BodyLimits.from(reader, true),
                reader.size(StderrLog.STDERR_LIMIT, StderrLog.DEFAULT_LIMIT));
    }

    long connectMillis() {
        return timeouts.connect().toMillis();
    }

    long readMillis() {
        return timeouts.read().toMillis();
    }
}
