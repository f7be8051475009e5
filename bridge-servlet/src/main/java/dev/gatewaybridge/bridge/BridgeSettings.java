package dev.gatewaybridge.bridge;

import java.time.Duration;
import java.util.List;

import dev.gatewaybridge.config.Setting;

/**
 * The parameters the three bridges share, declared once (issue 13): the 5 of reading the request body
 * ({@link #BODY}) and {@link #STDERR_LIMIT}. Each bridge puts them under its own prefix ({@code cgi.},
 * {@code fastcgi.}, {@code scgi.}).
 */
public final class BridgeSettings {

    private BridgeSettings() {
    }

    public static final Setting<Boolean> REQUEST_BUFFERING = Setting.bool(BodyLimits.REQUEST_BUFFERING, true,
            "read the whole request body (memory, then a temporary file) before the backend gets it; a body "
            + "without a Content-Length always is");
    public static final Setting<Long> BODY_BUFFER_SIZE = Setting.size(BodyLimits.BODY_BUFFER_SIZE,
            BodyLimits.DEFAULT_BUFFER_SIZE, "bytes of a buffered body kept in memory, the rest in an unlinked "
            + "temporary file (nginx `client_body_buffer_size`)");
    public static final Setting<Long> MAX_BODY_SIZE = Setting.size(BodyLimits.MAX_BODY_SIZE,
            BodyLimits.DEFAULT_MAX_BODY_SIZE, "largest request body, with or without Content-Length: 413 past "
            + "it (nginx `client_max_body_size`)");
    public static final Setting<Duration> BODY_TIMEOUT = Setting.duration(BodyLimits.BODY_TIMEOUT,
            BodyLimits.DEFAULT_TIMEOUT, "longest silence of a client sending its body, and the grace before "
            + "`bodyMinRate` applies: 408 (mod_reqtimeout `body=20`)");
    public static final Setting<Long> BODY_MIN_RATE = Setting.size(BodyLimits.BODY_MIN_RATE,
            BodyLimits.DEFAULT_MIN_RATE, "bytes per second a body must average after `bodyTimeout`, else 408; "
            + "`0` for no minimum (mod_reqtimeout `MinRate=500`)");

    /** The 5 parameters of reading a request body, shared by the three bridges. */
    public static final List<Setting<?>> BODY = List.of(REQUEST_BUFFERING, BODY_BUFFER_SIZE, MAX_BODY_SIZE,
            BODY_TIMEOUT, BODY_MIN_RATE);

    public static final Setting<Long> STDERR_LIMIT = Setting.size(StderrLog.STDERR_LIMIT, StderrLog.DEFAULT_LIMIT,
            "bytes of a program's stderr logged per request, whole lines (Apache's `ScriptLogLength`); the rest "
            + "is read and dropped, one line says how much; `0`: only that line");
}
