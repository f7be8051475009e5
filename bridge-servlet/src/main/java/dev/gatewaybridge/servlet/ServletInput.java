package dev.gatewaybridge.servlet;

import jakarta.servlet.http.HttpServletRequest;

import dev.gatewaybridge.api.InputDeadline;

import java.io.IOException;
import java.io.InputStream;

/**
 * {@code wsgi.input}: the request body. The servlet stream is opened on the first read only, so that an
 * {@code Expect: 100-continue} is answered only when the application actually reads (RFC 9110 §10.1.1).
 * Reads never run past the body: with a Content-Length we count it down and answer end-of-file ourselves
 * once it is consumed (Tomcat throws "Stream closed" for a read after the response completed, and
 * {@code wsgi.input_terminated} promises reading to EOF is safe); a chunked body ends where the container
 * says. End-of-file, once reached, is sticky. A deadline set by a bridge's body timeout bounds each blocked
 * read on Tomcat too ({@link TomcatReadTimeout}; Jetty's blocking read ends on an interrupt).
 */
final class ServletInput extends InputStream implements InputDeadline {

    private final HttpServletRequest request;
    private long remaining;
    private boolean eof;
    private InputStream in;
    private long deadline;
    private boolean bounded;
    private TomcatReadTimeout tomcat;

    /** {@code length}: the request's Content-Length, or -1 if it has none (chunked). */
    ServletInput(HttpServletRequest request, long length) {
        this.request = request;
        this.remaining = length;
        this.eof = length == 0;
    }

    private InputStream in() throws IOException {
        if (in == null) {
            in = request.getInputStream();
        }
        return in;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (eof) {
            return -1;
        }
        int n;
        try {
            if (bounded && tomcat != null) {
                // Rounded up: the read must not end before the deadline the caller checks against.
                tomcat.set(java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()) + 2);
            }
            n = in().read(b, off, remaining < 0 ? len : (int) Math.min(len, remaining));
        } catch (IOException | RuntimeException e) {
            // Containers report a malformed body as IOException (Tomcat) or a runtime BadMessageException (Jetty).
            throw new BadRequestBodyException(e);
        }
        if (n < 0) {
            eof = true;
        } else if (remaining > 0) {
            remaining -= n;
            eof = remaining == 0;
        }
        return n;
    }

    @Override
    public int available() throws IOException {
        return in == null || eof ? 0 : in.available();
    }

    @Override
    public void readDeadline(long nanoTime) {
        if (!bounded) {
            tomcat = TomcatReadTimeout.of(request);
        }
        deadline = nanoTime;
        bounded = true;
    }

    @Override
    public void clearReadDeadline() {
        if (tomcat != null) {
            tomcat.restore();
        }
        bounded = false;
        tomcat = null;
    }

    /** PEP 3333 forbids applications to close wsgi.input; closing is a no-op so the server stays in charge. */
    @Override
    public void close() {
    }
}
