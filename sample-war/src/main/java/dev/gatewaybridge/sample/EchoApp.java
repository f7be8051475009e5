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
        Object length = environ.get(Environ.CONTENT_LENGTH);
        if (length != null) {
            headers.add(Header.of("Content-Length", length.toString()));
        }
        startResponse.start("200 OK", headers);
        InputStream input = (InputStream) environ.get(Environ.WSGI_INPUT);
        return () -> new Chunks(input);
    }

    /** The body read lazily: each {@code next()} reads up to one chunk, end of input ends the iteration. */
    private static final class Chunks implements Iterator<byte[]> {
        private final InputStream input;
        private final byte[] buffer = new byte[CHUNK];
        private byte[] next;
        private boolean done;

        Chunks(InputStream input) {
            this.input = input;
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
                int n = input.readNBytes(buffer, 0, buffer.length);
                return n == 0 ? null : Arrays.copyOf(buffer, n);
            } catch (IOException e) {
                throw new UncheckedIOException("reading wsgi.input", e);
            }
        }
    }
}
