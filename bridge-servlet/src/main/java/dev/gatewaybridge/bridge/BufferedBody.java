package dev.gatewaybridge.bridge;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;

import dev.gatewaybridge.api.Environ;
import dev.gatewaybridge.api.HttpStatusException;

/**
 * A request body read whole from the client before any backend is involved, as nginx buffers one: in memory
 * up to {@link BodyLimits#bufferSize()}, the rest in a temporary file, never more than
 * {@link BodyLimits#maxBodySize()} (413), under the body timeouts of {@link TimedInput} (408). Its length is
 * then known (a chunked body gets the CONTENT_LENGTH RFC 3875 §4.1.2 asks for) and it can be sent again
 * ({@link #open()}), e.g. on a retry.
 *
 * <p>The temporary file is opened with DELETE_ON_CLOSE: on Unix its name is gone at once, so nothing is left
 * on disk however the request ends, even if the JVM dies; {@link #close()} frees its descriptor.
 */
public final class BufferedBody implements AutoCloseable {

    private static final int COPY = 64 * 1024;

    private final byte[] memory;
    private final FileChannel file;
    private final long length;

    private BufferedBody(byte[] memory, FileChannel file, long length) {
        this.memory = memory;
        this.file = file;
        this.length = length;
    }

    /** No body. */
    public static BufferedBody empty() {
        return new BufferedBody(new byte[0], null, 0);
    }

    /**
     * Reads the body of the request in {@code environ} ({@code length} bytes, or to its end if
     * {@link BodyLength#UNTIL_END}).
     *
     * @throws HttpStatusException 413 past the maximum size, 408 for a client too slow, 400 for a body that
     *                             ends before its Content-Length
     */
    public static BufferedBody read(Map<String, Object> environ, long length, BodyLimits limits) throws IOException {
        if (length == 0) {
            return empty();
        }
        limits.checkDeclared(length);
        InputStream raw = environ.get(Environ.WSGI_INPUT) instanceof InputStream s ? s : InputStream.nullInputStream();
        try (TimedInput in = TimedInput.of(raw, limits, environ)) {
            return read(in, length, limits);
        }
    }

    /** As {@link #read(Map, long, BodyLimits)} from {@code in}, a stream the caller bounds (a {@link TimedInput}). */
    public static BufferedBody read(InputStream in, long length, BodyLimits limits) throws IOException {
        int memoryLimit = (int) Math.min(limits.bufferSize(), limits.maxBodySize());
        int first = length > 0 ? (int) Math.min(length, memoryLimit) : memoryLimit;
        byte[] head = in.readNBytes(first);
        long wanted = length > 0 ? length : Long.MAX_VALUE;
        if (head.length < first || head.length == wanted) {
            return finish(new BufferedBody(head, null, head.length), length);
        }
        // More than fits in memory (or a body of unknown length that filled it): the rest goes to a file.
        Path path = Files.createTempFile("gateway-body-", ".tmp");
        FileChannel file;
        try {
            // On Unix the JDK unlinks a DELETE_ON_CLOSE file as soon as it is open.
            file = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE,
                    StandardOpenOption.DELETE_ON_CLOSE);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(path);
            throw e;
        }
        try {
            writeFully(file, ByteBuffer.wrap(head));
            long total = head.length;
            byte[] buffer = new byte[COPY];
            while (total < wanted) {
                int n = in.read(buffer, 0, (int) Math.min(buffer.length, wanted - total));
                if (n < 0) {
                    break;
                }
                total += n;
                if (total > limits.maxBodySize()) {
                    throw limits.tooLarge("more than " + limits.maxBodySize() + " bytes without Content-Length");
                }
                writeFully(file, ByteBuffer.wrap(buffer, 0, n));
            }
            return finish(new BufferedBody(null, file, total), length);
        } catch (IOException | RuntimeException | Error e) {
            file.close();
            throw e;
        }
    }

    /** 400 for a body shorter than its Content-Length (the backend would wait for the rest); 413 past the max. */
    private static BufferedBody finish(BufferedBody body, long declared) throws IOException {
        if (declared > 0 && body.length < declared) {
            body.close();
            throw new HttpStatusException(400, "request body ended after " + body.length + " of " + declared
                    + " bytes");
        }
        return body;
    }

    private static void writeFully(FileChannel file, ByteBuffer bytes) throws IOException {
        while (bytes.hasRemaining()) {
            file.write(bytes);
        }
    }

    /** Its length in bytes. */
    public long length() {
        return length;
    }

    /** The whole body if it is held in memory, else null (it is in a file). */
    public byte[] bytes() {
        return memory;
    }

    /** The body from its first byte; every call starts again (positional reads: streams do not interfere). */
    public InputStream open() {
        if (memory != null) {
            return new java.io.ByteArrayInputStream(memory);
        }
        return new BlockInputStream() {
            private long position;

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (position >= length) {
                    return -1;
                }
                int n = file.read(ByteBuffer.wrap(b, off, (int) Math.min(len, length - position)), position);
                if (n > 0) {
                    position += n;
                }
                return n;
            }
        };
    }

    /** Frees the temporary file, if any. Idempotent. */
    @Override
    public void close() throws IOException {
        if (file != null) {
            file.close();
        }
    }

    @Override
    public String toString() {
        return length + " bytes " + (memory != null ? "in memory" : "in a file");
    }
}
