package dev.gatewaybridge.scgi;

import dev.gatewaybridge.api.HttpStatusException;

/**
 * An SCGI request header block that breaks the protocol (a bad netstring, no CONTENT_LENGTH first, no
 * SCGI=1, a duplicate or empty name): 400 Bad Request, as a server reading it would answer.
 */
public class ScgiFormatException extends HttpStatusException {

    public ScgiFormatException(String message) {
        super(400, message);
    }
}
