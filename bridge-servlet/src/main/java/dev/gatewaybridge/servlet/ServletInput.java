package dev.gatewaybridge.servlet;

import jakarta.servlet.http.HttpServletRequest;

import java.io.IOException;
import java.io.InputStream;

/**
 * {@code wsgi.input}: the request body. The servlet stream is opened on the first read only, so that an
 * {@code Expect: 100-continue} is answered only when the application actually reads (RFC 9110 §10.1.1);
 * the container ends the stream at the body's end, so reads never run past it.
 */
final class ServletInput extends InputStream {

    private final HttpServletRequest request;
    private InputStream in;

    ServletInput(HttpServletRequest request) {
        this.request = request;
    }

    private InputStream in() throws IOException {
        if (in == null) {
            in = request.getInputStream();
        }
        return in;
    }

    @Override
    public int read() throws IOException {
        try {
            return in().read();
        } catch (IOException | RuntimeException e) {
            throw new BadRequestBodyException(e);
        }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        try {
            return in().read(b, off, len);
        } catch (IOException | RuntimeException e) {
            // Containers report a malformed body as IOException (Tomcat) or a runtime BadMessageException (Jetty).
            throw new BadRequestBodyException(e);
        }
    }

    @Override
    public int available() throws IOException {
        return in == null ? 0 : in.available();
    }

    /** PEP 3333 forbids applications to close wsgi.input; closing is a no-op so the server stays in charge. */
    @Override
    public void close() {
    }
}
