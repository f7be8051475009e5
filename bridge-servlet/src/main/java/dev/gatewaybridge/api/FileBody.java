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
    /** The offset sending stops at, or -1 for the end of the file. */
    private final long end;

    public FileBody(FileChannel channel, int blockSize) {
        this.channel = channel;
        this.blockSize = blockSize > 0 ? blockSize : DEFAULT_BLOCK_SIZE;
        this.end = -1;
    }

    /**
     * A body of {@code length} bytes of {@code channel} from its current position (a byte range, RFC 9110
     * §14), or fewer if the file ends first.
     */
    public FileBody(FileChannel channel, int blockSize, long length) throws IOException {
        if (length < 0) {
            throw new IllegalArgumentException("file body length must be >= 0: " + length);
        }
        this.channel = channel;
        this.blockSize = blockSize > 0 ? blockSize : DEFAULT_BLOCK_SIZE;
        this.end = channel.position() + length;
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

    /** The bytes still to send: from the channel's position to the end of the file or of the given length. */
    public long remaining() throws IOException {
        long stop = end < 0 ? channel.size() : Math.min(end, channel.size());
        return Math.max(0, stop - channel.position());
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
            long left = end < 0 ? blockSize : Math.min(blockSize, Math.max(0, end - channel.position()));
            ByteBuffer buffer = ByteBuffer.allocate((int) left);
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
