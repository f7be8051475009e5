package dev.gatewaybridge.api;


/**
 * No backend could be reached, or one failed before answering: 502 Bad Gateway (RFC 9110 §15.6.3), a kind
 * of the CGI bridge's {@link BadGatewayException} (the concept lives there once). The message names the
 * backend(s) and the reason, for the one log line.
 */
public class BackendUnavailableException extends BadGatewayException {

    public BackendUnavailableException(String message) {
        super(message);
    }

    public BackendUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
