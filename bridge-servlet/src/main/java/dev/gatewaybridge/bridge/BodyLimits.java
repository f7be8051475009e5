package dev.gatewaybridge.bridge;

import java.time.Duration;

import dev.gatewaybridge.config.ConfigReader;

/**
 * How a bridge reads a request body from the client: whether it reads it whole before it takes a backend
 * (nginx's {@code fastcgi_request_buffering}), how much of it stays in memory before the rest goes to a
 * temporary file ({@code client_body_buffer_size}), the largest body accepted ({@code client_max_body_size},
 * 413 past it), and how slow a client may send it (Apache mod_reqtimeout's {@code body=20,MinRate=500}: 408).
 *
 * @param prefix      the bridge's parameter prefix ({@code fastcgi.}), to name the limits in messages
 * @param buffering   read the whole body before a backend connection is taken
 * @param bufferSize  bytes kept in memory; a larger body is spilled to a temporary file
 * @param maxBodySize largest body accepted, with or without Content-Length
 * @param timeout     longest silence of the client while it sends the body, and the grace {@code minRate} starts after
 * @param minRate     bytes per second the body must average once {@code timeout} has passed; 0 for no minimum
 */
public record BodyLimits(String prefix, boolean buffering, int bufferSize, long maxBodySize, Duration timeout,
                         long minRate) {

    // Parameter names under a bridge's prefix (e.g. fastcgi.maxBodySize), shared by the three bridges.
    public static final String REQUEST_BUFFERING = "requestBuffering";
    public static final String BODY_BUFFER_SIZE = "bodyBufferSize";
    public static final String MAX_BODY_SIZE = "maxBodySize";
    public static final String BODY_TIMEOUT = "bodyTimeout";
    public static final String BODY_MIN_RATE = "bodyMinRate";

    /** nginx's client_body_buffer_size on 64-bit machines (16 KiB pages × 4). */
    public static final int DEFAULT_BUFFER_SIZE = 64 * 1024;
    /** The 16 MiB the bridges buffered a chunked body up to before these limits existed. */
    public static final long DEFAULT_MAX_BODY_SIZE = 16L * 1024 * 1024;
    /** mod_reqtimeout's default {@code body=20,MinRate=500}. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(20);
    public static final long DEFAULT_MIN_RATE = 500;

    public BodyLimits {
        if (bufferSize < 0 || maxBodySize < 0 || minRate < 0) {
            throw new IllegalArgumentException("body limits must not be negative: " + prefix + BODY_BUFFER_SIZE + "="
                    + bufferSize + ", " + prefix + MAX_BODY_SIZE + "=" + maxBodySize + ", " + prefix + BODY_MIN_RATE
                    + "=" + minRate);
        }
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException(prefix + BODY_TIMEOUT + " must be positive: " + timeout);
        }
    }

    /** The defaults, with buffering on or off. */
    public static BodyLimits defaults(String prefix, boolean buffering) {
        return new BodyLimits(prefix, buffering, DEFAULT_BUFFER_SIZE, DEFAULT_MAX_BODY_SIZE, DEFAULT_TIMEOUT,
                DEFAULT_MIN_RATE);
    }

    /** The limits configured under {@code reader}'s prefix; buffering is {@code bufferingDefault} unless set. */
    public static BodyLimits from(ConfigReader reader, boolean bufferingDefault) {
        return new BodyLimits(reader.name(""), reader.get(BridgeSettings.REQUEST_BUFFERING, bufferingDefault),
                (int) Math.min(Integer.MAX_VALUE - 8, reader.get(BridgeSettings.BODY_BUFFER_SIZE)),
                reader.get(BridgeSettings.MAX_BODY_SIZE), reader.get(BridgeSettings.BODY_TIMEOUT),
                reader.get(BridgeSettings.BODY_MIN_RATE));
    }

    /** 413 before any byte is read when the declared length is already over {@link #maxBodySize}. */
    public void checkDeclared(long length) {
        if (length > maxBodySize) {
            throw tooLarge("Content-Length " + length);
        }
    }

    /** 413 Content Too Large (RFC 9110 §15.5.14), naming the limit and {@code what} passed it. */
    dev.gatewaybridge.api.HttpStatusException tooLarge(String what) {
        return new dev.gatewaybridge.api.HttpStatusException(413, "request body larger than " + prefix
                + MAX_BODY_SIZE + " (" + maxBodySize + " bytes): " + what);
    }
}
