package dev.gatewaybridge.middleware;

import java.util.AbstractCollection;
import java.util.Collection;
import java.util.Iterator;

/**
 * A materialized body (a {@link Collection} of chunks) under the Validator. It stays a Collection, so the
 * server can still compute its Content-Length by iterating it once more; its chunks and length were checked
 * when the application returned it. Iteration after close and a second close are violations.
 */
final class CheckedCollection extends AbstractCollection<byte[]> implements AutoCloseable {

    private final Collection<byte[]> chunks;
    private final BodyCloseGuard guard;

    CheckedCollection(Collection<byte[]> chunks, CheckedResponse response, Violations violations) {
        this.chunks = chunks;
        this.guard = new BodyCloseGuard(chunks, response, violations);
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
                guard.checkOpen();
                return inner.hasNext();
            }

            @Override
            public byte[] next() {
                guard.checkOpen();
                return inner.next();
            }
        };
    }

    @Override
    public void close() throws Exception {
        guard.close();
    }
}
