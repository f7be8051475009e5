package dev.gatewaybridge.sample;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
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
 * {@code ?chunks=N&size=M}: N chunks of M bytes, each made only when the server asks for it, so each is
 * flushed to the client on its own (PEP 3333: the server sends every chunk before asking for the next).
 * No Content-Length, so on HTTP/1.1 each chunk shows on the wire as one chunk of the chunked coding.
 * Chunk i is M copies of the letter {@code 'a' + i % 26}.
 */
public final class StreamApp implements GatewayApplication {

    static final int DEFAULT_CHUNKS = 5;
    static final int DEFAULT_SIZE = 16;
    static final int MAX_CHUNKS = 100_000;
    static final int MAX_SIZE = 1 << 20;

    @Override
    public Iterable<byte[]> call(Map<String, Object> environ, StartResponse startResponse) {
        String query = Environ.get(environ, Environ.QUERY_STRING, "");
        int chunks;
        int size;
        try {
            chunks = parameter(query, "chunks", DEFAULT_CHUNKS, 0, MAX_CHUNKS);
            size = parameter(query, "size", DEFAULT_SIZE, 1, MAX_SIZE);
        } catch (IllegalArgumentException e) {
            return badRequest(environ, startResponse, e.getMessage());
        }
        startResponse.start("200 OK", List.of(Header.of("Content-Type", "application/octet-stream")));
        return () -> new Chunks(chunks, size);
    }

    /**
     * The integer query parameter {@code name} within [min, max], or {@code fallback} if absent.
     *
     * @throws IllegalArgumentException naming the parameter and the offending value
     */
    static int parameter(String query, String name, int fallback, int min, int max) {
        String raw = null;
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            if (key.equals(name)) {
                raw = eq < 0 ? "" : pair.substring(eq + 1);
            }
        }
        if (raw == null) {
            return fallback;
        }
        int value;
        try {
            value = Integer.parseInt(raw);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be an integer, got \"" + printable(raw) + "\"");
        }
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + " must be in " + min + ".." + max + ", got " + value);
        }
        return value;
    }

    /** A 400 whose body says what was wrong, and the same as one line in the log. */
    private static Iterable<byte[]> badRequest(Map<String, Object> environ, StartResponse startResponse,
                                               String message) {
        if (environ.get(Environ.WSGI_ERRORS) instanceof PrintWriter errors) {
            errors.println("stream: bad request: " + message);
            errors.flush();
        }
        byte[] body = ("Bad request: " + message + "\n").getBytes(StandardCharsets.UTF_8);
        startResponse.start("400 Bad Request", List.of(
                Header.of("Content-Type", "text/plain; charset=utf-8"),
                Header.of("Content-Length", Integer.toString(body.length))));
        return List.of(body);
    }

    /** Echoing a query value into a message: at most 40 characters, controls shown as '?'. */
    private static String printable(String raw) {
        String cut = raw.length() > 40 ? raw.substring(0, 40) + "..." : raw;
        return cut.replaceAll("[\\p{Cntrl}\"\\\\]", "?");
    }

    /** The lazy body: the i-th chunk is allocated when asked for, never before. */
    private static final class Chunks implements Iterator<byte[]> {
        private final int count;
        private final int size;
        private int index;

        Chunks(int count, int size) {
            this.count = count;
            this.size = size;
        }

        @Override
        public boolean hasNext() {
            return index < count;
        }

        @Override
        public byte[] next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            byte[] chunk = new byte[size];
            Arrays.fill(chunk, (byte) ('a' + index % 26));
            index++;
            return chunk;
        }
    }
}
