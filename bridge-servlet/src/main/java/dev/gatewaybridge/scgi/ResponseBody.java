package dev.gatewaybridge.scgi;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;

import dev.gatewaybridge.upstream.BackendSet;
import dev.gatewaybridge.upstream.Connection;

/**
 * The body of an SCGI response: whatever the backend sends after the header section until it closes the
 * connection (SCGI has no other framing). Each chunk is what one read returned, so the client gets bytes
 * as soon as the backend sends them. A read failure or timeout is thrown from {@code hasNext}, which makes
 * the server abort the response instead of ending it cleanly; closing releases the connection and the lease.
 */
final class ResponseBody implements Iterable<byte[]>, AutoCloseable {

    private static final int CHUNK = 32 * 1024;

    private final InputStream in;
    private final Connection connection;
    private final BackendSet.Lease<Connection> lease;
    private final AutoCloseable requestBody;
    private boolean iterated;

    ResponseBody(InputStream in, BackendSet.Lease<Connection> lease, AutoCloseable requestBody) {
        this.in = in;
        this.connection = lease.value();
        this.lease = lease;
        this.requestBody = requestBody;
    }

    @Override
    public Iterator<byte[]> iterator() {
        if (iterated) {
            throw new IllegalStateException("an SCGI response body can be iterated only once");
        }
        iterated = true;
        return new Iterator<>() {
            private byte[] next;
            private boolean done;

            @Override
            public boolean hasNext() {
                if (next == null && !done) {
                    next = read();
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
        };
    }

    /** The next chunk, or null at the end (the backend closed the connection). */
    private byte[] read() {
        byte[] buffer = new byte[CHUNK];
        try {
            int n = in.read(buffer);
            if (n < 0) {
                lease.succeeded();
                return null;
            }
            return n == buffer.length ? buffer : Arrays.copyOf(buffer, n);
        } catch (IOException e) {
            lease.failed();
            throw new UncheckedIOException("backend " + connection.address() + " broke off the response: "
                    + e.getMessage(), e);
        } catch (RuntimeException e) {
            lease.failed(); // a timeout
            throw e;
        }
    }

    @Override
    public void close() throws Exception {
        connection.close();
        lease.close();
        requestBody.close();
    }
}
