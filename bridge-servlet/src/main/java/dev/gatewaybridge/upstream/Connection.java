package dev.gatewaybridge.upstream;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;

import dev.gatewaybridge.api.BackendTimeoutException;
import dev.gatewaybridge.bridge.BlockInputStream;

/**
 * One connection to a backend, TCP or Unix domain, with every wait bounded: the connect by the connect
 * timeout, each read or write stall by the read timeout, everything together by a deadline.
 *
 * <p>Why non-blocking with a selector: a blocking {@link SocketChannel} ignores {@code SO_TIMEOUT}, and a
 * Unix domain channel has no socket adaptor that would honour it; a selector bounds waits for both. The
 * selector is opened only the first time a read or write would block.
 */
public final class Connection implements AutoCloseable {

    private final BackendAddress address;
    private final SocketChannel channel;
    private final long readTimeoutNanos;
    private long deadlineNanos;
    private Selector selector;
    private SelectionKey key;
    private final InputStream input = new Input();
    private final OutputStream output = new Output();

    private Connection(BackendAddress address, SocketChannel channel, Timeouts timeouts) {
        this.address = address;
        this.channel = channel;
        this.readTimeoutNanos = timeouts.read().toNanos();
        this.deadlineNanos = System.nanoTime() + timeouts.total().toNanos();
    }

    /**
     * Connects to {@code address} within {@code timeouts.connect()}; the total deadline starts now.
     *
     * @throws SocketTimeoutException if the connection is not established in time
     * @throws IOException            if it is refused or fails otherwise
     */
    public static Connection open(BackendAddress address, Timeouts timeouts) throws IOException {
        SocketChannel channel = address.openChannel();
        Connection c = new Connection(address, channel, timeouts);
        try {
            channel.configureBlocking(false);
            if (!channel.connect(address.socketAddress())) {
                c.awaitConnect(timeouts.connect().toNanos());
            }
            return c;
        } catch (IOException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /** The backend this connection goes to. */
    public BackendAddress address() {
        return address;
    }

    /** Moves the deadline for the whole exchange (e.g. when a pooled connection starts a new request). */
    public void deadline(long nanoTime) {
        this.deadlineNanos = nanoTime;
    }

    /** The response side: reads block at most the read timeout, throwing {@link BackendTimeoutException}. */
    public InputStream input() {
        return input;
    }

    /** The request side, unbuffered: each write returns when all of it is handed to the kernel. */
    public OutputStream output() {
        return output;
    }

    /** Half-closes the request side, for protocols that end the request with end-of-stream. */
    public void shutdownOutput() throws IOException {
        channel.shutdownOutput();
    }

    /** Whether the channel is still open (not whether the backend still listens). */
    public boolean isOpen() {
        return channel.isOpen();
    }

    private void awaitConnect(long timeoutNanos) throws IOException {
        long end = System.nanoTime() + timeoutNanos;
        while (!channel.finishConnect()) {
            long left = end - System.nanoTime();
            if (left <= 0) {
                throw new SocketTimeoutException("connect to " + address + " timed out after "
                        + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms");
            }
            select(SelectionKey.OP_CONNECT, left);
        }
    }

    /** Waits until {@code op} is ready, or throws {@link BackendTimeoutException} naming {@code what}. */
    private void await(int op, String what) throws IOException {
        long start = System.nanoTime();
        long untilDeadline = deadlineNanos - start;
        boolean total = untilDeadline < readTimeoutNanos;
        long end = start + Math.min(readTimeoutNanos, untilDeadline);
        for (;;) {
            long left = end - System.nanoTime();
            if (left <= 0) {
                throw new BackendTimeoutException("backend " + address + " timed out " + what + " ("
                        + (total ? "total timeout" : "read timeout " + TimeUnit.NANOSECONDS.toMillis(
                                readTimeoutNanos) + " ms") + ")");
            }
            if (select(op, left) > 0) {
                return;
            }
        }
    }

    /** The total timeout holds even for a backend that never stalls (a trickle keeps every read short). */
    private void checkDeadline(String what) {
        if (deadlineNanos - System.nanoTime() <= 0) {
            throw new BackendTimeoutException("backend " + address + " timed out " + what + " (total timeout)");
        }
    }

    private int select(int op, long nanos) throws IOException {
        if (selector == null) {
            selector = Selector.open();
            key = channel.register(selector, op);
        } else {
            key.interestOps(op);
        }
        long millis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(nanos + 999_999));
        int n = selector.select(millis);
        selector.selectedKeys().clear();
        if (Thread.interrupted()) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted waiting for backend " + address);
        }
        return n;
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            // nothing to do: the descriptor is released either way
        }
        if (selector != null) {
            try {
                selector.close();
            } catch (IOException e) {
                // as above
            }
        }
    }

    private final class Input extends BlockInputStream {

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            checkDeadline("sending the response");
            ByteBuffer buffer = ByteBuffer.wrap(b, off, len);
            for (;;) {
                int n = channel.read(buffer);
                if (n != 0) {
                    return n;
                }
                await(SelectionKey.OP_READ, "sending the response");
            }
        }

        @Override
        public void close() {
            Connection.this.close();
        }
    }

    private final class Output extends OutputStream {
        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            checkDeadline("reading the request");
            ByteBuffer buffer = ByteBuffer.wrap(b, off, len);
            while (buffer.hasRemaining()) {
                if (channel.write(buffer) == 0) {
                    await(SelectionKey.OP_WRITE, "reading the request");
                }
            }
        }

        @Override
        public void close() {
            Connection.this.close();
        }
    }
}
