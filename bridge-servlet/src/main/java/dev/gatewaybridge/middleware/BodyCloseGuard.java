package dev.gatewaybridge.middleware;

import dev.gatewaybridge.api.Bodies;

/**
 * The close() rules of a body under the Validator, for every kind of body: no iteration after close, a
 * second close() is the server's violation and is not passed on, so the application's close runs once.
 */
final class BodyCloseGuard {

    private final Object body;
    private final CheckedResponse response;
    private final Violations violations;
    private boolean closed;

    BodyCloseGuard(Object body, CheckedResponse response, Violations violations) {
        this.body = body;
        this.response = response;
        this.violations = violations;
    }

    /** Reports an iteration step taken after close(). */
    void checkOpen() {
        if (closed) {
            violations.report("body.after-close", "the server iterated the body after closing it", "next()");
        }
    }

    /** The server's close(): the first closes the application's body, a second is reported. */
    void close() throws Exception {
        if (closed) {
            violations.report("close.twice", "the server called close() twice", "close()");
            return;
        }
        closed = true;
        response.closed();
        Bodies.close(body);
    }
}
