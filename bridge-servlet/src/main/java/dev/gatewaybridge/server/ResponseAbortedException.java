package dev.gatewaybridge.server;

import java.io.IOException;

/**
 * Thrown out of {@link BaseHandler#run} after the response started, so the transport ends it uncleanly (a
 * servlet container closes the connection without completing the message: no final chunk, fewer bytes than
 * Content-Length): the client sees an aborted response, never a truncated body that looks complete. Our own
 * log line has the details; this one carries no stack trace to keep the container's line short.
 */
public final class ResponseAbortedException extends IOException {
    public ResponseAbortedException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }
}
