package dev.gatewaybridge.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.UnaryOperator;

/**
 * Small tools for response bodies: literal bodies, and wrapping a body so that its {@code close()} is
 * composed with more cleanup instead of re-written (PEP 3333: middleware must call the wrapped iterable's
 * close).
 */
public final class Bodies {

    private Bodies() {
    }

    /** A body of the given chunks. */
    public static List<byte[]> of(byte[]... chunks) {
        return List.of(chunks);
    }

    /** A body of one chunk, {@code text} in UTF-8. */
    public static List<byte[]> of(String text) {
        return List.of(text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * {@code body}, whose close also runs {@code cleanup} — after closing {@code body} if that is
     * closeable, even when that fails. Closing more than once does nothing more.
     */
    public static CloseableBody onClose(Iterable<byte[]> body, AutoCloseable cleanup) {
        return new CloseableBody(body, body.iterator(), cleanup);
    }

    /** {@code body} with each chunk replaced by {@code transform(chunk)}, closing as {@code body} does. */
    public static CloseableBody map(Iterable<byte[]> body, UnaryOperator<byte[]> transform) {
        Iterator<byte[]> inner = body.iterator();
        Iterator<byte[]> mapped = new Iterator<>() {
            @Override
            public boolean hasNext() {
                return inner.hasNext();
            }

            @Override
            public byte[] next() {
                return transform.apply(inner.next());
            }
        };
        return new CloseableBody(body, mapped, null);
    }

    /** Where a generated body gets its chunks. */
    @FunctionalInterface
    public interface ChunkSource {
        /** The next chunk, or null at the end; called only when the server asks for a chunk. */
        byte[] read() throws IOException;
    }

    /**
     * A body whose chunks come from {@code source} one at a time, as the server asks for them (PEP 3333's
     * generator); an {@link IOException} is thrown on as {@link UncheckedIOException}. Closing runs
     * {@code cleanup} (may be null) once.
     */
    public static CloseableBody generate(ChunkSource source, AutoCloseable cleanup) {
        return new CloseableBody(null, new Generated(source), cleanup);
    }

    /**
     * A body of {@code in}'s bytes in blocks of {@code blockSize}, which a server may pump through a buffer of
     * its own (see {@link StreamBody}); closing closes {@code in}.
     */
    public static StreamBody ofStream(InputStream in, int blockSize) {
        return new StreamBody(in, -1, blockSize);
    }

    /** Reads one chunk ahead, so hasNext() can answer; the end is sticky. */
    private static final class Generated implements Iterator<byte[]> {
        private final ChunkSource source;
        private byte[] next;
        private boolean done;

        Generated(ChunkSource source) {
            this.source = source;
        }

        @Override
        public boolean hasNext() {
            if (next == null && !done) {
                try {
                    next = source.read();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                done = next == null;
            }
            return next != null;
        }

        @Override
        public byte[] next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            byte[] chunk = next;
            next = null;
            return chunk;
        }
    }

    /** Closes {@code body} if it is {@link AutoCloseable}; PEP 3333's "if hasattr(result, 'close')". */
    public static void close(Object body) throws Exception {
        if (body instanceof AutoCloseable closeable) {
            closeable.close();
        }
    }

    /**
     * A body that closes its source and then one more cleanup, exactly once. It can be iterated once,
     * like the generators PEP 3333 has in mind.
     */
    public static final class CloseableBody implements Iterable<byte[]>, AutoCloseable {
        private final Object source;
        private final Iterator<byte[]> iterator;
        private final AutoCloseable cleanup;
        private boolean iterated;
        private boolean closed;

        private CloseableBody(Object source, Iterator<byte[]> iterator, AutoCloseable cleanup) {
            this.source = source;
            this.iterator = iterator;
            this.cleanup = cleanup;
        }

        @Override
        public Iterator<byte[]> iterator() {
            if (iterated) {
                throw new IllegalStateException("this body can be iterated only once");
            }
            iterated = true;
            return new Iterator<>() {
                @Override
                public boolean hasNext() {
                    return !closed && iterator.hasNext();
                }

                @Override
                public byte[] next() {
                    if (closed) {
                        throw new NoSuchElementException("body is closed");
                    }
                    return iterator.next();
                }
            };
        }

        @Override
        public void close() throws Exception {
            if (closed) {
                return;
            }
            closed = true;
            Exception failure = null;
            try {
                Bodies.close(source);
            } catch (Exception e) {
                failure = e;
            }
            if (cleanup != null) {
                try {
                    cleanup.close();
                } catch (Exception e) {
                    if (failure == null) {
                        failure = e;
                    } else {
                        failure.addSuppressed(e);
                    }
                }
            }
            if (failure != null) {
                throw failure;
            }
        }
    }
}
