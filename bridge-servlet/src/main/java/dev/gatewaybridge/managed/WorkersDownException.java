package dev.gatewaybridge.managed;

import dev.gatewaybridge.api.HttpStatusException;

/**
 * 503 Service Unavailable (RFC 9110 §15.6.4): every worker of a bridge's own pool is marked down (its program
 * kept failing at start), so the request is not served rather than left to a 502 or a fork loop; the answer
 * carries Retry-After (§10.2.3), {@link #retryAfterSeconds()}. Not logged per request: the pool logged the
 * state change once.
 */
public final class WorkersDownException extends HttpStatusException {

    private final int retryAfterSeconds;

    public WorkersDownException(String message, int retryAfterSeconds, Throwable cause) {
        super(503, message, cause);
        this.retryAfterSeconds = Math.max(1, retryAfterSeconds);
    }

    /** Seconds until the pool tries again, at least 1. */
    public int retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
