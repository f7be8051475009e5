package dev.gatewaybridge.api;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Iterator;

/**
 * A body read from an {@link InputStream} in full blocks, never past an optional limit: PEP 3333's
 * {@code wsgi.file_wrapper} for any file-like object. A server that recognises it pumps the stream through
 * one buffer of its own — read a block, write it, flush, read the next — so a large body makes no garbage;
 * anything else (a middleware) iterates it and gets a fresh array per block. Closing closes the stream.
 *
 * <p>Blocks are filled before they are sent, as Python's buffered {@code read(block_size)} does; for a
 * source that trickles (a pipe, a socket) and should go out as it arrives, use {@link Bodies#generate}.
 */
public final class StreamBody implements Iterable<byte[]>, AutoCloseable {

    private final InputStream in;
    private final int blockSize;
    private long remaining;
    private boolean iterated;
    private boolean closed;

    /**
     * @param limit     the most bytes to read ({@code -1}: to end of stream), e.g. the request's
     *                  CONTENT_LENGTH, which PEP 3333 says an application should not read past
     * @param blockSize bytes per block
     */
    public StreamBody(InputStream in, long limit, int blockSize) {
        if (blockSize <= 0) {
            throw new IllegalArgumentException("block size must be positive: " + blockSize);
        }
        this.in = in;
        this.remaining = limit < 0 ? Long.MAX_VALUE : limit;
        this.blockSize = blockSize;
    }

    public int blockSize() {
        return blockSize;
    }

    /**
     * Reads the next block into {@code buffer} (up to its length, a full one unless the stream or the limit
     * ends first); returns the bytes read, 0 at the end.
     */
    public int read(byte[] buffer) throws IOException {
        if (remaining == 0) {
            return 0;
        }
        int n = in.readNBytes(buffer, 0, (int) Math.min(buffer.length, remaining));
        remaining = n == 0 ? 0 : remaining - n;
        return n;
    }

    @Override
    public Iterator<byte[]> iterator() {
        if (iterated) {
            throw new IllegalStateException("a stream body can be iterated only once");
        }
        iterated = true;
        return Bodies.generate(() -> {
            byte[] block = new byte[blockSize]; // fresh: a block once yielded never changes
            int n = read(block);
            return n == 0 ? null : n == block.length ? block : Arrays.copyOf(block, n);
        }, null).iterator();
    }

    @Override
    public void close() throws IOException {
        if (!closed) {
            closed = true;
            in.close();
        }
    }
}
