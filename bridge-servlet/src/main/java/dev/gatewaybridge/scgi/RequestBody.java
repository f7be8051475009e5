package dev.gatewaybridge.scgi;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import dev.gatewaybridge.api.Environ;
import dev.gatewaybridge.api.HttpStatusException;
import dev.gatewaybridge.upstream.RequestInput;

/**
 * The request body as SCGI needs it: of a length known before the first byte goes out (CONTENT_LENGTH
 * leads the header block). A body with a Content-Length streams straight through; one without (chunked)
 * is buffered first, in memory up to 64 KiB, then in a temporary file, up to a limit (413 above it),
 * as nginx does for {@code scgi_pass}.
 */
final class RequestBody implements AutoCloseable {

    private static final int MEMORY_LIMIT = 64 * 1024;

    private final InputStream in;
    private final long length;
    private final Path spool;

    private RequestBody(InputStream in, long length, Path spool) {
        this.in = in;
        this.length = length;
        this.spool = spool;
    }

    /** The body of the request in {@code environ}; buffers it if its length is unknown. */
    static RequestBody of(Map<String, Object> environ, long maxBuffered) throws IOException {
        InputStream in = environ.get(Environ.WSGI_INPUT) instanceof InputStream s ? s : InputStream.nullInputStream();
        long length = Environ.bodyLength(environ);
        if (length == Environ.BODY_UNTIL_END) {
            return buffer(in, maxBuffered);
        }
        return new RequestBody(length == 0 ? InputStream.nullInputStream() : in, length, null);
    }

    private static RequestBody buffer(InputStream in, long maxBuffered) throws IOException {
        InputStream body = RequestInput.nonEmpty(in); // an HTTP/2 GET has none: one read tells, with no buffer
        if (body == null) {
            return new RequestBody(InputStream.nullInputStream(), 0, null);
        }
        byte[] head = body.readNBytes(MEMORY_LIMIT);
        if (head.length < MEMORY_LIMIT) {
            return new RequestBody(new java.io.ByteArrayInputStream(head), head.length, null);
        }
        Path spool = Files.createTempFile("gateway-scgi-", ".body");
        try (OutputStream out = Files.newOutputStream(spool)) {
            out.write(head);
            long total = head.length;
            byte[] buffer = new byte[MEMORY_LIMIT];
            for (int n; (n = body.read(buffer)) > 0; ) {
                total += n;
                if (total > maxBuffered) {
                    throw new HttpStatusException(413, "request body without Content-Length is larger than "
                            + maxBuffered + " bytes (" + ScgiApplication.MAX_BUFFERED_BODY + ")");
                }
                out.write(buffer, 0, n);
            }
            return new RequestBody(Files.newInputStream(spool), total, spool);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(spool);
            throw e;
        }
    }

    long length() {
        return length;
    }

    /**
     * Copies exactly {@link #length()} bytes to {@code out}; a request that ends sooner is a 400 (the
     * backend would wait for the rest).
     *
     */
    void copyTo(OutputStream out) throws IOException {
        byte[] buffer = new byte[(int) Math.min(64 * 1024, Math.max(length, 1))];
        long left = length;
        while (left > 0) {
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
            if (n < 0) {
                throw new HttpStatusException(400, "request body ended after " + (length - left) + " of "
                        + length + " bytes");
            }
            out.write(buffer, 0, n);
            left -= n;
        }
    }

    @Override
    public void close() throws IOException {
        if (spool != null) {
            in.close();
            Files.deleteIfExists(spool);
        }
    }
}
