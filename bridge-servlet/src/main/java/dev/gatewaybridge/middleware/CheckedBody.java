package dev.gatewaybridge.middleware;

import java.util.Iterator;

/**
 * The application's body under the Validator: iterated once, chunks non-null, no iteration after close, and
 * close() called once by the server (the application's own close runs exactly once whatever the server does).
 */
final class CheckedBody implements Iterable<byte[]>, AutoCloseable {

    private final Iterable<byte[]> body;
    private final CheckedResponse response;
    private final Violations violations;
    private boolean iterated;
    private final BodyCloseGuard guard;

    CheckedBody(Iterable<byte[]> body, CheckedResponse response, Violations violations) {
        this.body = body;
        this.response = response;
        this.violations = violations;
        this.guard = new BodyCloseGuard(body, response, violations);
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
                guard.checkOpen();
                boolean more = chunks.hasNext();
                if (!more && !finished) {
                    finished = true;
                    response.finish();
                }
                return more;
            }

            @Override
            public byte[] next() {
                guard.checkOpen();
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

    /** Closes the application's body; a second call is a server bug, reported and not passed on. */
    @Override
    public void close() throws Exception {
        guard.close();
    }
}
