package dev.gatewaybridge.server;

/**
 * The application broke a PEP 3333 call-order rule (a second start_response without exc_info, a body or
 * write() before start_response): a 500, logged as one line.
 */
public final class ResponseRuleException extends IllegalStateException {
    public ResponseRuleException(String message) {
        super(message);
    }
}
