package dev.gatewaybridge.fastcgi;

import dev.gatewaybridge.api.BadGatewayException;

/**
 * The backend broke the FastCGI wire format (wrong version, a truncated record, a malformed name-value
 * pair, an unexpected record type or request id): 502 Bad Gateway, and the connection is not reused.
 */
public final class FastCgiProtocolException extends BadGatewayException {

    public FastCgiProtocolException(String message) {
        super(message);
    }
}
