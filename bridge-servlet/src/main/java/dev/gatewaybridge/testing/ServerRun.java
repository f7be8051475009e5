package dev.gatewaybridge.testing;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.util.Map;

import dev.gatewaybridge.api.Environ;
import dev.gatewaybridge.api.GatewayApplication;
import dev.gatewaybridge.server.BaseHandler;
import dev.gatewaybridge.server.ResponseAbortedException;

/**
 * One application call under the {@link BaseHandler} rules a server enforces (PEP 3333 "The start_response()
 * Callable", "Buffering and Streaming"), with the response kept in memory: headers checked and held until the
 * first non-empty chunk or write(), one start_response unless excInfo (re-raised once headers are out), the
 * body never past its Content-Length and closed exactly once. Failures propagate to the test as they are.
 */
final class ServerRun extends BaseHandler {

    private final ByteArrayOutputStream body = new ByteArrayOutputStream();
    private final Object errors;

    private ServerRun(Map<String, Object> environ) {
        super("HEAD".equals(environ.get(Environ.REQUEST_METHOD)), false);
        this.errors = environ.get(Environ.WSGI_ERRORS);
    }

    /** Runs {@code app} on {@code environ}; failures of the application propagate to the caller. */
    static TestResponse respond(GatewayApplication app, Map<String, Object> environ) throws Exception {
        ServerRun run = new ServerRun(environ);
        run.run(app, environ);
        String log = run.errors instanceof ErrorLog e ? e.text() : "";
        return new TestResponse(run.statusCode(), run.status(), run.headers(), run.body.toByteArray(), log);
    }

    /** The headers stay in the handler, to be returned in the {@link TestResponse}; the body is kept. */
    @Override
    protected OutputStream sendStatusAndHeaders(long knownLength) {
        return body;
    }

    /**
     * No error page: the test sees the failure itself. A body shorter than its Content-Length, which a server
     * cuts, is returned as sent, so that the test (or the Validator around the application) sees the bytes.
     */
    @Override
    protected void handleError(Throwable failure) {
        if (!(failure instanceof ResponseAbortedException)) {
            throw reRaise(failure);
        }
    }

    /** To wsgi.errors, so that the test reads it in {@link TestResponse#errors()}. */
    @Override
    protected void logWarning(String message) {
        if (errors instanceof PrintWriter log) {
            log.println(message);
        }
    }

    @Override
    protected void logError(String message, Throwable failure) {
        if (errors instanceof PrintWriter log) {
            log.println(message);
            failure.printStackTrace(log);
        }
    }
}
