package dev.gatewaybridge.middleware;

import java.io.PrintWriter;
import java.util.logging.Level;
import java.util.logging.Logger;

import dev.gatewaybridge.api.HeaderRules;

/**
 * Where one request's violations go: thrown at once (strict), or one line each to the request's
 * {@code wsgi.errors} (report; the JUL logger of {@link Validator} when the environ has no usable
 * {@code wsgi.errors}, itself a violation).
 */
final class Violations {

    private static final Logger LOG = Logger.getLogger(Validator.class.getName());

    private final Validator.Mode mode;
    private final PrintWriter errors;
    private ValidationException first;

    Violations(Validator.Mode mode, Object errors) {
        this.mode = mode;
        this.errors = errors instanceof PrintWriter writer ? writer : null;
    }

    /** Records that {@code rule} is broken by {@code value}; in strict mode throws. */
    void report(String rule, String message, Object value) {
        String text = "PEP 3333 violation [" + rule + "]: " + message + ": "
                + (value instanceof String s ? HeaderRules.quote(s) : String.valueOf(value));
        if (mode == Validator.Mode.STRICT) {
            ValidationException e = new ValidationException(rule, text);
            if (first == null) {
                first = e;
            }
            throw e;
        }
        if (errors != null) {
            errors.println("validator: " + text);
            errors.flush();
        } else {
            LOG.log(Level.WARNING, "validator: {0}", text);
        }
    }

    /** In strict mode, re-throws the first violation even if the application caught it. */
    void rethrow() {
        if (first != null) {
            throw first;
        }
    }
}
