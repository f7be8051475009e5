package dev.gatewaybridge.servlet;

/** The application broke a PEP 3333 response rule (status form, header bytes, call order): a 500. */
final class ResponseRuleException extends IllegalStateException {
    ResponseRuleException(String message) {
        super(message);
    }
}
