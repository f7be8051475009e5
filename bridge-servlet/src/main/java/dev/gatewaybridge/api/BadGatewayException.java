package dev.gatewaybridge.api;


/**
 * A backend (CGI program, FastCGI or SCGI server) answered something that is not a valid response: the
 * client gets 502 Bad Gateway (RFC 9110 §15.6.3), the log gets the message naming the offending value.
 */
public class BadGatewayException extends HttpStatusException {

    public BadGatewayException(String message) {
        super(502, message);
    }

    public BadGatewayException(String message, Throwable cause) {
        super(502, message, cause);
    }
}
