package dev.gatewaybridge.fastcgi;

import dev.gatewaybridge.api.HttpStatusException;

/** A FastCGI backend did not answer within the read or total timeout: 504 Gateway Timeout. */
public final class FastCgiTimeoutException extends HttpStatusException {

    public FastCgiTimeoutException(String message) {
        super(504, message);
    }
}
