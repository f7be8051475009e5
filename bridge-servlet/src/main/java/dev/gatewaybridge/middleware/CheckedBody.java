package dev.gatewaybridge.middleware;

import java.util.Iterator;

import dev.gatewaybridge.api.Bodies;

/**
 * The application's body under the Validator: iterated once, chunks non-null, no iteration after close, and
 * close() called once by the server (the application's own close runs exactly once whatever the server does).
 */
final class CheckedBody implements Iterable<byte[]>, AutoCloseable {

    private final Iterable<byte[]> body;
    private final CheckedResponse response;
    private final Violations violations;
    private boolean iterated;
    private boolean closed;

    CheckedBody(Iterable<byte[]> body, CheckedResponse response, Violations violations) {
        this.body = body;
        this.response = response;
        this.violations = violations;
    }

    @Override
    public Iterator<byte[]> iterator() {
        if (iterated) {
            violations.report("body.iterated-twice", "the server asked for the body's iterator again", "iterator()");
        }
        iterated = true;
        Iterator<byte[]> chunks = body.iterator();
        return new Iterator<>() {
            private boolean finished;

            @Override
            public boolean hasNext() {
                notClosed();
                boolean more = chunks.hasNext();
                if (!more && !finished) {
                    finished = true;
                    response.finish();
                }
                return more;
            }

            @Override
            public byte[] next() {
                notClosed();
                byte[] chunk = chunks.next();
                if (chunk == null) {
                    violations.report("body.chunk-type", "a body chunk must be bytes, not", null);
                    return new byte[0];
                }
                if (!response.started()) {
                    // wsgiref: start_response must have been called by the time the first chunk is produced.
                    violations.report("start_response.missing",
                            "the body yielded a chunk before start_response was called", chunk.length + " bytes");
                }
                response.count(chunk.length);
                return chunk;
            }
        };
    }

    private void notClosed() {
        if (closed) {
            violations.report("body.after-close", "the server iterated the body after closing it", "next()");
        }
    }

    /** Closes the application's body; a second call is a server bug, reported and not passed on. */
    @Override
    public void close() throws Exception {
        if (closed) {
            violations.report("close.twice", "the server called close() twice", "close()");
            return;
        }
        closed = true;
        response.closed();
        Bodies.close(body);
    }
}
