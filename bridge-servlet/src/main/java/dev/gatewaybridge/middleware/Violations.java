package dev.gatewaybridge.middleware;

import java.io.PrintWriter;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

import dev.gatewaybridge.api.HeaderRules;

/**
 * Where one request's violations go: thrown at once (strict), or one line each to the request's
 * {@code wsgi.errors} (report; the JUL logger of {@link Validator} when the environ has no usable
 * {@code wsgi.errors}, itself a violation). Validators stacked over one chain (a listed Validator checks every
 * layer below it) share the request's set of reported lines, so a mistake that travels up through pass-through
 * layers is reported once, by the layer nearest to it, naming that layer.
 */
final class Violations {

    private static final Logger LOG = Logger.getLogger(Validator.class.getName());

    /** Environ extension key (dotted: any type, PEP 3333) holding the lines already reported for the request. */
    static final String REPORTED = "dev.gatewaybridge.validator.reported";

    private final Validator.Mode mode;
    private final PrintWriter errors;
    private final String layer;
    private final Set<String> reported;
    private ValidationException first;

    /** For the request of {@code environ}; {@code layer}, when not null, is named in each report line. */
    @SuppressWarnings("unchecked")
    Violations(Validator.Mode mode, Map<String, Object> environ, String layer) {
        this.mode = mode;
        this.errors = environ.get(dev.gatewaybridge.api.Environ.WSGI_ERRORS) instanceof PrintWriter w ? w : null;
        this.layer = layer;
        this.reported = environ.get(REPORTED) instanceof Set<?> set ? (Set<String>) set : newSet(environ);
    }

    private static Set<String> newSet(Map<String, Object> environ) {
        Set<String> set = ConcurrentHashMap.newKeySet();
        environ.put(REPORTED, set);
        return set;
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
        if (!reported.add(text)) {
            return; // an inner layer's Validator already said it: the layer below it did this
        }
        if (layer != null) {
            text += " (in " + layer + ")";
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
