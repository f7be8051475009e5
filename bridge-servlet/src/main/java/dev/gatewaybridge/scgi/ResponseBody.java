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

    private static final int CHUNK = 32 * 1024;

    private ResponseBody() {
    }

    /** The body after the header section; closing closes the connection, the lease and the request body. */
    static Bodies.CloseableBody of(InputStream in, BackendSet.Lease<Connection> lease, AutoCloseable requestBody) {
        Connection connection = lease.value();
        byte[] buffer = new byte[CHUNK];
        return Bodies.generate(() -> read(in, buffer, lease, connection), () -> {
            connection.close();
            lease.close();
            requestBody.close();
        });
    }

    /** The next chunk, or null at the end (the backend closed the connection). */
    private static byte[] read(InputStream in, byte[] buffer, BackendSet.Lease<Connection> lease,
                               Connection connection) {
        try {
            int n = in.read(buffer);
            if (n < 0) {
                lease.succeeded();
                return null;
            }
            return Arrays.copyOf(buffer, n);
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
