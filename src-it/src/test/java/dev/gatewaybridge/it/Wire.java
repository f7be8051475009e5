package dev.gatewaybridge.it;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A raw-socket HTTP/1.1 client for checks an HTTP client would hide: the exact request bytes (repeated
 * headers, underscores, chunked bodies, Expect), interim 100 responses, and the chunk framing of a response.
 * (The lead's dev.gatewaybridge.test.RawHttp does the same for the unit tests; this one keeps src-it
 * independent of when that lands.)
 */
final class Wire implements Closeable {

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private Wire(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
        this.out = socket.getOutputStream();
    }

    /** A connection to the loopback {@code port}; reads time out after 60 s so a hang fails the test. */
    static Wire connect(int port) throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setSoTimeout(60_000);
        return new Wire(socket);
    }

    /** Sends {@code text} as ISO-8859-1 bytes (CRLFs written out by the caller). */
    Wire send(String text) throws IOException {
        return send(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    Wire send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
        return this;
    }

    OutputStream output() {
        return out;
    }

    InputStream input() {
        return in;
    }

    /** One response with its body (none for HEAD, 1xx, 204, 304), framed as its headers say. */
    Response read(boolean head) throws IOException {
        Response response = readHead();
        if (head || response.status() < 200 || response.status() == 204 || response.status() == 304) {
            return response;
        }
        if ("chunked".equalsIgnoreCase(response.header("Transfer-Encoding"))) {
            return readChunked(response);
        }
        String length = response.header("Content-Length");
        byte[] body = length != null ? in.readNBytes(Integer.parseInt(length)) : in.readAllBytes();
        return response.withBody(body, List.of());
    }

    Response read() throws IOException {
        return read(false);
    }

    /** The status line and headers of the next response, its body left unread. */
    Response readHead() throws IOException {
        String statusLine = line();
        if (!statusLine.startsWith("HTTP/1.1 ") || statusLine.length() < 12) {
            throw new IOException("not an HTTP/1.1 status line: \"" + statusLine + "\"");
        }
        List<String[]> headers = new ArrayList<>();
        for (String h = line(); !h.isEmpty(); h = line()) {
            int colon = h.indexOf(':');
            headers.add(new String[] {h.substring(0, colon).trim(), h.substring(colon + 1).trim()});
        }
        return new Response(Integer.parseInt(statusLine.substring(9, 12)), statusLine, headers, new byte[0],
                List.of());
    }

    /** RFC 9112 §7.1: chunk-size [ext] CRLF data CRLF … 0 CRLF trailers CRLF; keeps each chunk's size. */
    private Response readChunked(Response head) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        List<Integer> sizes = new ArrayList<>();
        while (true) {
            String sizeLine = line();
            int semicolon = sizeLine.indexOf(';');
            int size = Integer.parseInt((semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).trim(), 16);
            if (size == 0) {
                while (!line().isEmpty()) {
                    // trailers: none expected, skipped
                }
                return head.withBody(body.toByteArray(), sizes);
            }
            sizes.add(size);
            body.write(in.readNBytes(size));
            if (!line().isEmpty()) {
                throw new IOException("chunk of " + size + " bytes not followed by CRLF");
            }
        }
    }

    /** One CRLF-terminated line, without the CRLF. */
    String line() throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new EOFException("connection closed mid-line after \"" + line + "\"");
            }
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    /** A response as it came: status, headers in order, body, and the sizes of its chunks if chunked. */
    record Response(int status, String statusLine, List<String[]> headers, byte[] body, List<Integer> chunks) {

        /** The first value of header {@code name}, or null. */
        String header(String name) {
            List<String> all = headers(name);
            return all.isEmpty() ? null : all.get(0);
        }

        List<String> headers(String name) {
            return headers.stream().filter(h -> h[0].toLowerCase(Locale.ROOT).equals(name.toLowerCase(Locale.ROOT)))
                    .map(h -> h[1]).toList();
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        Response withBody(byte[] body, List<Integer> chunks) {
            return new Response(status, statusLine, headers, body, chunks);
        }
    }
}
