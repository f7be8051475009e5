package dev.gatewaybridge.middleware;

import java.util.AbstractCollection;
import java.util.Collection;
import java.util.Iterator;

import dev.gatewaybridge.api.Bodies;

/**
 * A materialized body (a {@link Collection} of chunks) under the Validator. It stays a Collection, so the
 * server can still compute its Content-Length by iterating it once more; its chunks and length were checked
 * when the application returned it. Iteration after close and a second close are violations.
 */
final class CheckedCollection extends AbstractCollection<byte[]> implements AutoCloseable {

    private final Collection<byte[]> chunks;
    private final CheckedResponse response;
    private final Violations violations;
    private boolean closed;

    CheckedCollection(Collection<byte[]> chunks, CheckedResponse response, Violations violations) {
        this.chunks = chunks;
        this.response = response;
        this.violations = violations;
    }

    @Override
    public int size() {
        return chunks.size();
    }

    @Override
    public Iterator<byte[]> iterator() {
        Iterator<byte[]> inner = chunks.iterator();
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                notClosed();
                return inner.hasNext();
            }

            @Override
            public byte[] next() {
                notClosed();
                return inner.next();
            }
        };
    }

    private void notClosed() {
        if (closed) {
            violations.report("body.after-close", "the server iterated the body after closing it", "next()");
        }
    }

    @Override
    public void close() throws Exception {
        if (closed) {
            violations.report("close.twice", "the server called close() twice", "close()");
            return;
        }
        closed = true;
        response.closed();
        Bodies.close(chunks);
    }
}
