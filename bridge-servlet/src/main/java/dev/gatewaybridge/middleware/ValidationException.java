package dev.gatewaybridge.middleware;

import dev.gatewaybridge.api.HttpStatusException;

/**
 * A PEP 3333 violation found by {@link Validator} in strict mode. Its message names the rule (e.g.
 * {@code [start_response.twice]}) and the offending value; the client gets a 500, since either the server
 * or the application is broken, never the request.
 */
public final class ValidationException extends HttpStatusException {

    private final String rule;

    ValidationException(String rule, String message) {
        super(500, message);
        this.rule = rule;
    }

    /** The rule broken, as the Validator's documentation lists it, e.g. {@code environ.missing-key}. */
    public String rule() {
        return rule;
    }
}
