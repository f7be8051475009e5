package dev.gatewaybridge.sample;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.gatewaybridge.api.Environ;
import dev.gatewaybridge.api.GatewayApplication;
import dev.gatewaybridge.api.Header;
import dev.gatewaybridge.api.HttpStatusException;
import dev.gatewaybridge.api.StartResponse;
import dev.gatewaybridge.api.StreamBody;

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
        return chunks((InputStream) environ.get(Environ.WSGI_INPUT), length);
    }

    /**
     * The body read lazily, one full chunk each time the server asks for the next, never past
     * {@code length} (-1: to end of input): PEP 3333 says an application should not read more than
     * CONTENT_LENGTH, whatever the server would do. A {@link StreamBody} lets the server pump it through
     * one buffer of its own.
     */
    static Iterable<byte[]> chunks(InputStream input, long length) {
        return new StreamBody(input, length, CHUNK);
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
}
