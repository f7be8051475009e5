package dev.gatewaybridge.middleware;

import java.io.FilterInputStream;
import java.io.InputStream;
import java.io.PrintWriter;

/**
 * wsgi.input and wsgi.errors as the application sees them under the Validator: both belong to the server,
 * so the application closing either is a violation (wsgiref {@code InputWrapper.close}, {@code ErrorWrapper.close}),
 * and the close is not passed on.
 */
final class CheckedStreams {

    private CheckedStreams() {
    }

    static InputStream input(InputStream in, Violations violations) {
        return new FilterInputStream(in) {
            @Override
            public void close() {
                violations.report("input.close", "the application must not close", "wsgi.input");
            }
        };
    }

    static PrintWriter errors(PrintWriter errors, Violations violations) {
        return new PrintWriter(errors, true) {
            @Override
            public void close() {
                violations.report("errors.close", "the application must not close", "wsgi.errors");
            }
        };
    }
}
