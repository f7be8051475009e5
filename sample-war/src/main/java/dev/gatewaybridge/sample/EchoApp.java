package dev.gatewaybridge.sample;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

import dev.gatewaybridge.api.Environ;
import dev.gatewaybridge.api.GatewayApplication;
import dev.gatewaybridge.api.Header;
import dev.gatewaybridge.api.HttpStatusException;
import dev.gatewaybridge.api.StartResponse;

/**
 * Streams the request body back with its Content-Type, one chunk of at most {@link #CHUNK} bytes at a time,
 * read from {@code wsgi.input} only when the server asks for the next chunk: the whole body is never held,
 * so a body of any size passes through a small heap.
 */
public final class EchoApp implements GatewayApplication {

    /** Bytes read from wsgi.input per body chunk. */
    static final int CHUNK = 64 * 1024;

    @Override
    public Iterable<byte[]> call(Map<String, Object> environ, StartResponse startResponse) {
        List<Header> headers = new ArrayList<>();
        headers.add(Header.of("Content-Type",
                Environ.get(environ, Environ.CONTENT_TYPE, "application/octet-stream")));
        // A declared length is echoed, so the download has one too; a chunked upload is echoed chunked.
        long length = contentLength(environ);
        if (length >= 0) {
            headers.add(Header.of("Content-Length", Long.toString(length)));
        }
        startResponse.start("200 OK", headers);
        InputStream input = (InputStream) environ.get(Environ.WSGI_INPUT);
        return () -> new Chunks(input, length);
    }

    /** CONTENT_LENGTH as a number, or -1 when the request has none (a chunked body). */
    static long contentLength(Map<String, Object> environ) {
        String length = Environ.get(environ, Environ.CONTENT_LENGTH, "").trim();
        try {
            return length.isEmpty() ? -1 : Long.parseLong(length);
        } catch (NumberFormatException e) {
            throw new HttpStatusException(400, "CONTENT_LENGTH is not a number: \"" + length + "\"");
        }
    }

    /**
     * The body read lazily: each {@code next()} reads up to one chunk; end of input, or the declared length
     * read in full, ends the iteration (no read after the last byte: some containers close the request
     * stream once the response reached its declared length).
     */
    private static final class Chunks implements Iterator<byte[]> {
        private final InputStream input;
        private final byte[] buffer = new byte[CHUNK];
        private long remaining;
        private byte[] next;
        private boolean done;

        /** {@code length} -1 reads to end of input. */
        Chunks(InputStream input, long length) {
            this.input = input;
            this.remaining = length < 0 ? Long.MAX_VALUE : length;
        }

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

        /** The next chunk, or null at end of input. */
        private byte[] read() {
            try {
                if (remaining == 0) {
                    return null;
                }
                int n = input.readNBytes(buffer, 0, (int) Math.min(buffer.length, remaining));
                remaining -= n;
                return n == 0 ? null : Arrays.copyOf(buffer, n);
            } catch (IOException e) {
                throw new UncheckedIOException("reading wsgi.input", e);
            }
        }
    }
}
