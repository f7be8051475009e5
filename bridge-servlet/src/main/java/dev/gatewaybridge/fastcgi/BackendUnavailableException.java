package dev.gatewaybridge.fastcgi;

import dev.gatewaybridge.api.HttpStatusException;

/** No FastCGI backend accepted a connection (all refused, timed out connecting, or are marked down): 502. */
public final class BackendUnavailableException extends HttpStatusException {

    public BackendUnavailableException(String message, Throwable cause) {
        super(502, message, cause);
    }
}
