package dev.gatewaybridge.servlet;

import java.io.IOException;

/**
 * Reading {@code wsgi.input} failed: the client sent a body the container could not decode (bad chunk
 * framing, fewer bytes than its Content-Length) or stopped sending. Still an {@link IOException} for the
 * application; if it escapes, the answer is 400 rather than 500, since the fault is the request's.
 */
final class BadRequestBodyException extends IOException {
    BadRequestBodyException(Throwable cause) {
        super("cannot read the request body: " + cause, cause);
    }
}
