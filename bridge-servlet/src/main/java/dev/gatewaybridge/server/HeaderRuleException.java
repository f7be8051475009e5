package dev.gatewaybridge.server;

/**
 * The application gave start_response a status line or header that breaks PEP 3333 / RFC 9110 (the
 * {@link IllegalArgumentException} that {@code StartResponse} documents): a 500, logged as one line naming the
 * offending value.
 */
public final class HeaderRuleException extends IllegalArgumentException {
    public HeaderRuleException(String message) {
        super(message);
    }
}
