package dev.gatewaybridge.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
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

/** The gateway applications benchmarked: the same as the sample WAR's hello and echo. */
final class BenchApps {

    static final byte[] HELLO = "Hello, world!\n".getBytes(StandardCharsets.US_ASCII);
    static final String TEXT = "text/plain; charset=utf-8";
    static final int CHUNK = 64 * 1024;

    private BenchApps() {
    }

    static final class Hello implements GatewayApplication {
        private static final List<Header> HEADERS = List.of(Header.of("Content-Type", TEXT),
                Header.of("Content-Length", Integer.toString(HELLO.length)));

        @Override
        public Iterable<byte[]> call(Map<String, Object> environ, StartResponse startResponse) {
            startResponse.start("200 OK", HEADERS);
            return List.of(HELLO);
        }
    }

    /** Reads wsgi.input one 64 KiB chunk per body chunk, stopping at the declared length. */
    static final class Echo implements GatewayApplication {
        @Override
        public Iterable<byte[]> call(Map<String, Object> environ, StartResponse startResponse) {
            List<Header> headers = new ArrayList<>();
            headers.add(Header.of("Content-Type",
                    Environ.get(environ, Environ.CONTENT_TYPE, "application/octet-stream")));
            String declared = Environ.get(environ, Environ.CONTENT_LENGTH, null);
            if (declared != null) {
                headers.add(Header.of("Content-Length", declared));
            }
            startResponse.start("200 OK", headers);
            InputStream input = (InputStream) environ.get(Environ.WSGI_INPUT);
            long length = declared == null ? Long.MAX_VALUE : Long.parseLong(declared);
            return () -> new Iterator<>() {
                private final byte[] buffer = new byte[CHUNK];
                private long remaining = length;
                private byte[] next;

                @Override
                public boolean hasNext() {
                    if (next == null && remaining > 0) {
                        try {
                            int n = input.readNBytes(buffer, 0, (int) Math.min(buffer.length, remaining));
                            remaining = n == 0 ? 0 : remaining - n;
                            next = n == 0 ? null : Arrays.copyOf(buffer, n);
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
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
    }
}
