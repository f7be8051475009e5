package dev.gatewaybridge.scgi;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;

import dev.gatewaybridge.api.Bodies;
import dev.gatewaybridge.upstream.BackendSet;
import dev.gatewaybridge.upstream.Connection;

/**
 * The body of an SCGI response: whatever the backend sends after the header section until it closes the
 * connection (SCGI has no other framing). Each chunk is what one read returned, so the client gets bytes
 * as soon as the backend sends them. A read failure or timeout is thrown from {@code hasNext}, which makes
 * the server abort the response instead of ending it cleanly; closing releases the connection and the lease.
 */
final class ResponseBody {

    /** The first read's size: a small page arrives whole in it, with no large buffer to clear. */
    private static final int FIRST_CHUNK = 8 * 1024;
    /** The largest read: a read that fills its buffer doubles it, up to this. */
    private static final int CHUNK = 32 * 1024;

    private ResponseBody() {
    }

    /** The body after the header section; closing closes the connection, the lease and the request body. */
    static Bodies.CloseableBody of(InputStream in, BackendSet.Lease<Connection> lease, AutoCloseable requestBody) {
        Connection connection = lease.value();
        return Bodies.generate(new Reader(in, lease, connection), () -> {
            connection.close();
            lease.close();
            requestBody.close();
        });
    }

    private static final class Reader implements Bodies.ChunkSource {
        private final InputStream in;
        private final BackendSet.Lease<Connection> lease;
        private final Connection connection;
        private byte[] buffer = new byte[FIRST_CHUNK];

        Reader(InputStream in, BackendSet.Lease<Connection> lease, Connection connection) {
            this.in = in;
            this.lease = lease;
            this.connection = connection;
        }

        /** The next chunk, or null at the end (the backend closed the connection). */
        @Override
        public byte[] read() {
            try {
                int n = in.read(buffer);
                if (n < 0) {
                    lease.succeeded();
                    return null;
                }
                byte[] chunk = Arrays.copyOf(buffer, n);
                if (n == buffer.length && n < CHUNK) {
                    buffer = new byte[n * 2]; // more is waiting: read it in fewer, larger chunks
                }
                return chunk;
            } catch (IOException e) {
                lease.failed();
                throw new UncheckedIOException("backend " + connection.address() + " broke off the response: "
                        + e.getMessage(), e);
            } catch (RuntimeException e) {
                lease.failed(); // a timeout
                throw e;
            }
        }
    }
}
