package dev.gatewaybridge.api;

/**
 * A failure that has an HTTP status of its own (400 for a request that cannot be served, 502 for a backend
 * that answered nonsense, 504 for one that did not answer in time). Each protocol fault is a subclass or an
 * instance naming the offending value. Thrown before the response started, the server answers with
 * {@link #status()} instead of 500; thrown after, the connection is aborted like any failure.
 */
public class HttpStatusException extends RuntimeException {

    private final int status;

    public HttpStatusException(int status, String message) {
        super(message);
        this.status = status;
    }

    public HttpStatusException(int status, String message, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    /** The HTTP status the client should get. */
    public int status() {
        return status;
    }
}
