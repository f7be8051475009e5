package dev.gatewaybridge.middleware;

import java.io.InputStream;
import java.io.PrintWriter;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

import dev.gatewaybridge.api.Bodies;
import dev.gatewaybridge.api.Environ;
import dev.gatewaybridge.api.FileBody;
import dev.gatewaybridge.api.GatewayApplication;
import dev.gatewaybridge.api.StartResponse;

/**
 * PEP 3333 conformance checks on both sides of an application (wsgiref.validate, Werkzeug's lint): the
 * environ the server built, the application's start_response and write() calls, its body chunks and
 * declared Content-Length, and the server's iteration and close() of the body.
 *
 * <p>In {@link Mode#STRICT} a violation fails the request with a {@link ValidationException} naming the rule
 * and the value (also re-thrown when the application returns if it caught one). In {@link Mode#REPORT} the
 * request goes on and each violation is one line {@code validator: PEP 3333 violation [rule]: ...} on the
 * request's {@code wsgi.errors} (the container log).
 *
 * <pre>{@code
 * <init-param><param-name>middleware</param-name>
 *   <param-value>dev.gatewaybridge.middleware.Validator</param-value></init-param>
 * <init-param><param-name>validator.mode</param-name><param-value>report</param-value></init-param>
 * }</pre>
 */
public final class Validator implements GatewayApplication {

    /** Init-param: {@code strict} (default) or {@code report}. */
    public static final String MODE = "validator.mode";

    /** What a violation does. */
    public enum Mode {
        /** Fail the request with a {@link ValidationException}: for tests. */
        STRICT,
        /** Log one line per violation and let the request go on: for production. */
        REPORT
    }

    private final GatewayApplication next;
    private final Mode mode;
    private final String layer;

    /** Strict validation of {@code next}. */
    public Validator(GatewayApplication next) {
        this(next, Mode.STRICT);
    }

    public Validator(GatewayApplication next, Mode mode) {
        this(next, mode, null);
    }

    private Validator(GatewayApplication next, Mode mode, String layer) {
        this.next = Objects.requireNonNull(next, "next");
        this.mode = Objects.requireNonNull(mode, "mode");
        this.layer = layer;
    }

    /**
     * From web.xml, checking one layer of the chain: a report line ends {@code (in CLASS)}, naming the class of
     * {@code next}, and a line an inner layer's Validator already wrote for the request is not repeated.
     */
    public static Validator ofLayer(GatewayApplication next, Map<String, String> params) {
        return new Validator(next, mode(params), next.getClass().getName());
    }

    /** From web.xml: {@value #MODE} = {@code strict} | {@code report}. */
    public Validator(GatewayApplication next, Map<String, String> params) {
        this(next, mode(params));
    }

    private static Mode mode(Map<String, String> params) {
        MiddlewareParams.known(params, "validator.", List.of(MODE));
        String value = MiddlewareParams.get(params, MODE, "strict");
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "strict" -> Mode.STRICT;
            case "report" -> Mode.REPORT;
            default -> throw MiddlewareParams.bad(MODE, value, "strict or report");
        };
    }

    public Mode mode() {
        return mode;
    }

    @Override
    public Iterable<byte[]> call(Map<String, Object> environ, StartResponse startResponse) throws Exception {
        Violations violations = new Violations(mode, environ, layer);
        EnvironCheck.check(environ, violations);
        guardStreams(environ, violations);
        boolean head = "HEAD".equals(environ.get(Environ.REQUEST_METHOD));
        CheckedResponse response = new CheckedResponse(startResponse, violations, head);
        Iterable<byte[]> body = next.call(environ, response);
        if (body == null) {
            violations.report("app.return", "the application must return an iterable, not", null);
            body = List.of();
        }
        try {
            violations.rethrow();
            return checked(body, response, violations);
        } catch (ValidationException e) {
            Bodies.close(body);
            throw e;
        }
    }

    /**
     * The body wrapped for checking, keeping the shapes a server treats specially: a {@link FileBody} is
     * returned as it is (the server sends it from its channel; its length is checked here, its close is not),
     * a {@link Collection} stays a Collection (the server may iterate it twice to compute Content-Length).
     */
    private static Iterable<byte[]> checked(Iterable<byte[]> body, CheckedResponse response, Violations violations) {
        if (body instanceof FileBody file) {
            response.file(file);
            return file;
        }
        if (body instanceof Collection<byte[]> chunks) {
            response.materialized(chunks);
            return new CheckedCollection(chunks, response, violations);
        }
        return new CheckedBody(body, response, violations);
    }

    private static void guardStreams(Map<String, Object> environ, Violations violations) {
        if (environ.get(Environ.WSGI_INPUT) instanceof InputStream in) {
            environ.put(Environ.WSGI_INPUT, CheckedStreams.input(in, violations));
        }
        if (environ.get(Environ.WSGI_ERRORS) instanceof PrintWriter errors) {
            environ.put(Environ.WSGI_ERRORS, CheckedStreams.errors(errors, violations));
        }
    }
}
