package dev.gatewaybridge.testing;

import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Map;

import dev.gatewaybridge.api.Bodies;
import dev.gatewaybridge.api.GatewayApplication;
import dev.gatewaybridge.api.Header;
import dev.gatewaybridge.api.HeaderRules;
import dev.gatewaybridge.api.StartResponse;
import dev.gatewaybridge.api.Write;

/**
 * One application call with the response rules a server enforces (PEP 3333 "The start_response() Callable",
 * "Buffering and Streaming"): headers checked and held until the first non-empty chunk or write(), one
 * start_response unless excInfo (re-raised once headers are out), body closed exactly once.
 */
final class ServerRun implements StartResponse {

    private final ByteArrayOutputStream body = new ByteArrayOutputStream();
    private String status;
    private List<Header> headers;
    private boolean headersSent;
    private boolean closed;

    /** Runs {@code app} on {@code environ}; failures of the application propagate to the caller. */
    TestResponse run(GatewayApplication app, Map<String, Object> environ) throws Exception {
        Object errors = environ.get(dev.gatewaybridge.api.Environ.WSGI_ERRORS);
        Iterable<byte[]> result = app.call(environ, this);
        if (result == null) {
            throw new IllegalStateException("application returned null instead of an iterable body");
        }
        try {
            for (byte[] chunk : result) {
                if (chunk == null) {
                    throw new IllegalStateException("application yielded a null body chunk");
                }
                if (chunk.length > 0) {
                    sendHeaders();
                    body.write(chunk);
                }
            }
            sendHeaders(); // an empty body: the headers go out when the body ends
        } finally {
            closed = true;
            Bodies.close(result);
        }
        String log = errors instanceof ErrorLog e ? e.text() : "";
        return new TestResponse(HeaderRules.checkStatus(status), status, headers, body.toByteArray(), log);
    }

    @Override
    public Write start(String newStatus, List<Header> newHeaders, Throwable excInfo) {
        if (excInfo != null && headersSent) {
            throw ServerRun.<RuntimeException>sneaky(excInfo); // PEP 3333: re-raise, the client has the headers
        }
        if (status != null && excInfo == null) {
            throw new IllegalStateException("start_response called twice without excInfo; first status was "
                    + HeaderRules.quote(status));
        }
        HeaderRules.checkStatus(newStatus);
        if (newHeaders == null) {
            throw new IllegalArgumentException("response headers are null");
        }
        newHeaders.forEach(HeaderRules::checkHeader);
        status = newStatus;
        headers = List.copyOf(newHeaders);
        return this::write;
    }

    private void write(byte[] data) {
        if (closed) {
            throw new IllegalStateException("write() called after the body was closed");
        }
        sendHeaders();
        body.writeBytes(data);
    }

    private void sendHeaders() {
        if (status == null) {
            throw new IllegalStateException("application sent body data without calling start_response");
        }
        headersSent = true;
    }

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> T sneaky(Throwable t) throws T {
        throw (T) t;
    }
}
