package dev.gatewaybridge.upstream;

import dev.gatewaybridge.api.HttpStatusException;

/**
 * No backend could be reached, or one failed before answering: 502 Bad Gateway (RFC 9110 §15.6.3).
 * The message names the backend(s) and the reason, for the one log line.
 */
public class BackendUnavailableException extends HttpStatusException {

    public BackendUnavailableException(String message) {
        super(502, message);
    }

    public BackendUnavailableException(String message, Throwable cause) {
        super(502, message, cause);
    }
}
