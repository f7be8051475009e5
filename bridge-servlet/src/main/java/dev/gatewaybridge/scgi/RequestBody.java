package dev.gatewaybridge.scgi;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;

import dev.gatewaybridge.api.Environ;
import dev.gatewaybridge.api.HttpStatusException;
import dev.gatewaybridge.upstream.BodyLimits;
import dev.gatewaybridge.upstream.BufferedBody;
import dev.gatewaybridge.upstream.RequestInput;
import dev.gatewaybridge.upstream.TimedInput;

/**
 * The request body as SCGI needs it: of a length known before the first byte goes out (CONTENT_LENGTH
 * leads the header block). Read whole before the backend is connected ({@link BufferedBody}, as nginx's
 * {@code scgi_request_buffering}) when buffering is on, and always when it has no length (chunked); with
 * buffering off a body with a Content-Length streams straight through. Both under the body timeouts.
 */
final class RequestBody implements AutoCloseable {

    private final BufferedBody buffered;
    private final TimedInput streamed;
    private final long length;

    private RequestBody(BufferedBody buffered, TimedInput streamed, long length) {
        this.buffered = buffered;
        this.streamed = streamed;
        this.length = length;
    }

    /** The body of the request in {@code environ}; read whole first if buffering is on or its length unknown. */
    static RequestBody of(Map<String, Object> environ, BodyLimits limits) throws IOException {
        long length = Environ.bodyLength(environ);
        if (length == 0) {
            return new RequestBody(BufferedBody.empty(), null, 0);
        }
        InputStream in = environ.get(Environ.WSGI_INPUT) instanceof InputStream s ? s : InputStream.nullInputStream();
        if (length == Environ.BODY_UNTIL_END) {
            try (TimedInput timed = TimedInput.of(in, limits, environ)) {
                InputStream body = RequestInput.nonEmpty(timed); // an HTTP/2 GET has none: one read tells
                BufferedBody buffered = body == null ? BufferedBody.empty()
                        : BufferedBody.read(body, Environ.BODY_UNTIL_END, limits);
                return new RequestBody(buffered, null, buffered.length());
            }
        }
        limits.checkDeclared(length);
        if (limits.buffering()) {
            return new RequestBody(BufferedBody.read(environ, length, limits), null, length);
        }
        return new RequestBody(null, TimedInput.of(in, limits, environ), length);
    }

    long length() {
        return length;
    }

    /**
     * Copies exactly {@link #length()} bytes to {@code out}; a request that ends sooner is a 400 (the
     * backend would wait for the rest).
     */
    void copyTo(OutputStream out) throws IOException {
        InputStream in = buffered != null ? buffered.open() : streamed;
        byte[] buffer = new byte[(int) Math.min(64 * 1024, Math.max(length, 1))];
        long left = length;
        while (left > 0) {
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
            if (n < 0) {
                throw new HttpStatusException(400, "request body ended after " + (length - left) + " of "
                        + length + " bytes");
            }
            out.write(buffer, 0, n);
            left -= n;
        }
    }

    /** Frees a temporary file and hands wsgi.input back to the container's timeouts. */
    @Override
    public void close() throws IOException {
        if (streamed != null) {
            streamed.close();
        }
        if (buffered != null) {
            buffered.close();
        }
    }
}
