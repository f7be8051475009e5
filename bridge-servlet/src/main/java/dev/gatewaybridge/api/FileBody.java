package dev.gatewaybridge.api;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * A body made of an open file, as {@link FileWrapper} returns it. A server that recognises it sends the file
 * from {@link #channel()} directly; anything else (a middleware, say) iterates it like any body, in blocks.
 * Closing it closes the file.
 */
public final class FileBody implements Iterable<byte[]>, AutoCloseable {

    /** The block size used when a caller gives none or a non-positive one. */
    public static final int DEFAULT_BLOCK_SIZE = 64 * 1024;

    private final FileChannel channel;
    private final int blockSize;

    public FileBody(FileChannel channel, int blockSize) {
        this.channel = channel;
        this.blockSize = blockSize > 0 ? blockSize : DEFAULT_BLOCK_SIZE;
    }

    /** The {@link FileWrapper} servers put in the environ. */
    public static final FileWrapper WRAPPER = FileBody::new;

    /** The file, positioned where sending starts. */
    public FileChannel channel() {
        return channel;
    }

    public int blockSize() {
        return blockSize;
    }

    @Override
    public Iterator<byte[]> iterator() {
        return new Iterator<>() {
            private byte[] next;

            @Override
            public boolean hasNext() {
                if (next == null) {
                    next = readBlock();
                }
                return next.length > 0;
            }

            @Override
            public byte[] next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                byte[] block = next;
                next = null;
                return block;
            }
        };
    }

    private byte[] readBlock() {
        try {
            ByteBuffer buffer = ByteBuffer.allocate(blockSize);
            while (buffer.hasRemaining() && channel.read(buffer) > 0) {
                // fill the block: a short read is not the end of the file
            }
            byte[] block = new byte[buffer.position()];
            buffer.flip().get(block);
            return block;
        } catch (IOException e) {
            throw new UncheckedIOException("reading file body", e);
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
