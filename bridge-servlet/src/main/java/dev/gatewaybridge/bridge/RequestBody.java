package dev.gatewaybridge.bridge;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.util.Map;

import dev.gatewaybridge.api.Environ;
import dev.gatewaybridge.api.HttpStatusException;

/**
 * The request body as a bridge sends it to its backend: read whole before a backend is taken (nginx's
 * {@code fastcgi_request_buffering}, so that a slow client holds a container thread, never a worker) when
 * buffering is on, when the caller wants small bodies whole, and always when the body has no length;
 * otherwise streamed from the client. Both under the {@link BodyLimits}: 413, 408, 400 for a short body.
 * Closing it frees a temporary file and hands {@code wsgi.input} back to the container's timeouts.
 */
public final class RequestBody implements AutoCloseable {

    private final BufferedBody buffered;
    private final TimedInput streamed;
    private final long length;
    private final boolean lengthLearned;

    private RequestBody(BufferedBody buffered, TimedInput streamed, long length, boolean lengthLearned) {
        this.buffered = buffered;
        this.streamed = streamed;
        this.length = length;
        this.lengthLearned = lengthLearned;
    }

    /** The body of the request in {@code environ}, buffered as {@link BodyLimits#buffering()} says. */
    public static RequestBody of(Map<String, Object> environ, BodyLimits limits) throws IOException {
        return of(environ, limits, 0);
    }

    /** As {@link #of(Map, BodyLimits)}, and read whole whatever the limits say if at most {@code wholeUpTo} bytes. */
    public static RequestBody of(Map<String, Object> environ, BodyLimits limits, long wholeUpTo) throws IOException {
        long length = BodyLength.of(environ);
        if (length == 0) {
            return whole(BufferedBody.empty(), false); // no body (a GET): nothing to read
        }
        InputStream in = environ.get(Environ.WSGI_INPUT) instanceof InputStream s ? s : InputStream.nullInputStream();
        if (length == BodyLength.UNTIL_END) {
            return unknownLength(environ, in, limits);
        }
        limits.checkDeclared(length);
        if (limits.buffering() || length <= wholeUpTo) {
            return whole(BufferedBody.read(environ, length, limits), false);
        }
        return new RequestBody(null, TimedInput.of(in, limits, environ), length, false);
    }

    /**
     * A body without a length (chunked, or HTTP/2 without content-length): PHP reads none without
     * CONTENT_LENGTH (RFC 3875 §4.1.2), so it is read whole first and its length put in the environ, as nginx
     * buffers one. An HTTP/2 request without content-length may have no body at all (a GET), which goes
     * without CONTENT_LENGTH as nginx sends it: one read tells. A chunked body is sent with its length, even 0.
     */
    private static RequestBody unknownLength(Map<String, Object> environ, InputStream in, BodyLimits limits)
            throws IOException {
        BufferedBody buffered;
        try (TimedInput timed = TimedInput.of(in, limits, environ)) {
            InputStream body = BodyLength.chunked(environ) ? timed : nonEmpty(timed);
            if (body == null) {
                return whole(BufferedBody.empty(), false);
            }
            buffered = BufferedBody.read(body, BodyLength.UNTIL_END, limits);
        }
        environ.put(Environ.CONTENT_LENGTH, Long.toString(buffered.length()));
        return whole(buffered, true);
    }

    private static RequestBody whole(BufferedBody buffered, boolean lengthLearned) {
        return new RequestBody(buffered, null, buffered.length(), lengthLearned);
    }

    /**
     * {@code in} from its first byte, or null if it has none: an HTTP/2 GET and an HTTP/2 body sent without
     * content-length (RFC 9113 §8.1.1) look alike until one read tells them apart.
     */
    private static InputStream nonEmpty(InputStream in) throws IOException {
        int first = in.read();
        return first < 0 ? null : new SequenceInputStream(new ByteArrayInputStream(new byte[] {(byte) first}), in);
    }

    /** Its length in bytes: the declared one, or the one learned by reading it whole. */
    public long length() {
        return length;
    }

    /** Whether its length was learned by reading it and put in the environ as CONTENT_LENGTH. */
    public boolean lengthLearned() {
        return lengthLearned;
    }

    /** Whether it was read whole, so that it can be sent again (to another backend, after a stale connection). */
    public boolean replayable() {
        return buffered != null;
    }

    /** The whole body if it was read into memory, else null (streamed, or in a temporary file). */
    public byte[] bytes() {
        return buffered != null ? buffered.bytes() : null;
    }

    /** The body from its first byte; a read body can be opened again, a streamed one only once. */
    public InputStream open() {
        return buffered != null ? buffered.open() : streamed;
    }

    /**
     * Copies exactly {@link #length()} bytes to {@code out}; a request that ends sooner is a 400 (the
     * backend would wait for the rest).
     */
    public void copyTo(OutputStream out) throws IOException {
        InputStream in = open();
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
