package dev.gatewaybridge.api;


/**
 * A backend did not connect, read or answer within its timeout: 504 Gateway Timeout (RFC 9110 §15.6.5).
 * After the response started it aborts the connection like any failure.
 */
public class BackendTimeoutException extends HttpStatusException {

    public BackendTimeoutException(String message) {
        super(504, message);
    }

    public BackendTimeoutException(String message, Throwable cause) {
        super(504, message, cause);
    }
}
