package dev.gatewaybridge.servlet;

import jakarta.servlet.ServletOutputStream;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Sends a file region from off-heap buffers. Servlet 6.1 added {@code ServletOutputStream.write(ByteBuffer)};
 * Jetty 12 and Tomcat 10.1+ already have it on their streams, so it is looked up once per stream class and
 * fed direct buffers filled by the file channel: the bytes never pass through a Java heap array. A stream
 * without it gets the same bytes through a small heap array.
 */
final class FileSender {

    private static final int BUFFER_SIZE = 128 * 1024;
    private static final BlockingQueue<ByteBuffer> POOL = new ArrayBlockingQueue<>(16);
    private static final ClassValue<MethodHandle> WRITE_BUFFER = new ClassValue<>() {
        @Override
        protected MethodHandle computeValue(Class<?> type) {
            try {
                return MethodHandles.publicLookup().findVirtual(type, "write",
                        MethodType.methodType(void.class, ByteBuffer.class));
            } catch (ReflectiveOperationException e) {
                return null;
            }
        }
    };

    private FileSender() {
    }

    /** Sends up to {@code length} bytes from the channel's position; returns the bytes sent. */
    static long send(FileChannel file, long length, ServletOutputStream out) throws IOException {
        MethodHandle write = WRITE_BUFFER.get(out.getClass());
        ByteBuffer buffer = write == null ? ByteBuffer.allocate(BUFFER_SIZE) : take();
        long sent = 0;
        try {
            while (sent < length) {
                buffer.clear().limit((int) Math.min(buffer.capacity(), length - sent));
                int n = file.read(buffer);
                if (n < 0) {
                    break; // the file shrank: the caller sees sent < length and aborts
                }
                buffer.flip();
                if (write == null) {
                    out.write(buffer.array(), 0, n);
                } else {
                    invoke(write, out, buffer);
                }
                sent += n;
            }
            out.flush();
            return sent;
        } finally {
            if (buffer.isDirect()) {
                POOL.offer(buffer);
            }
        }
    }

    private static ByteBuffer take() {
        ByteBuffer buffer = POOL.poll();
        return buffer != null ? buffer : ByteBuffer.allocateDirect(BUFFER_SIZE);
    }

    private static void invoke(MethodHandle write, ServletOutputStream out, ByteBuffer buffer) throws IOException {
        try {
            write.invoke(out, buffer);
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException(t);
        }
    }
}
