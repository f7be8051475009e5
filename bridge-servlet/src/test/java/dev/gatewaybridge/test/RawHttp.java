package dev.gatewaybridge.test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A raw-socket HTTP/1.1 client for checks an HTTP client library would hide: whether a response ended
 * cleanly or the connection was cut (an aborted response), exactly when headers arrive, interim 100
 * responses, chunk boundaries.
 */
public final class RawHttp implements AutoCloseable {

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private RawHttp(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new java.io.BufferedInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    /** Opens a connection to 127.0.0.1:{@code port} with a 10 s read timeout. */
    public static RawHttp open(int port) {
        try {
            Socket socket = new Socket();
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            socket.setSoTimeout(10_000);
            return new RawHttp(socket);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends {@code request} (CRLFs written by the caller) on a new connection and reads one response. */
    public static Response exchange(int port, String request) {
        try (RawHttp http = open(port)) {
            http.send(request);
            return http.readResponse();
        }
    }

    /** A GET with {@code Connection: close}. */
    public static Response get(int port, String target, String... headerLines) {
        StringBuilder request = new StringBuilder("GET " + target + " HTTP/1.1\r\n");
        if (java.util.Arrays.stream(headerLines).noneMatch(l -> l.regionMatches(true, 0, "Host:", 0, 5))) {
            request.append("Host: localhost\r\n");
        }
        for (String line : headerLines) {
            request.append(line).append("\r\n");
        }
        return exchange(port, request.append("Connection: close\r\n\r\n").toString());
    }

    /**
     * A GET on a persistent connection (no {@code Connection: close}), read by its framing, then the socket
     * is closed. Use it to tell an aborted response from a complete one: a server answering a
     * {@code Connection: close} request may delimit the body by closing, where a cut cannot be seen.
     */
    public static Response getKeepAlive(int port, String target) {
        return exchange(port, "GET " + target + " HTTP/1.1\r\nHost: localhost\r\n\r\n");
    }

    public RawHttp send(String text) {
        return send(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    public RawHttp send(byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void setTimeout(int millis) {
        try {
            socket.setSoTimeout(millis);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads the status line and headers of the next response (interim 1xx included). */
    public Head readHead() {
        try {
            String statusLine = readLine();
            if (statusLine == null) {
                return null;
            }
            List<String[]> headers = new ArrayList<>();
            for (String line = readLine(); line != null && !line.isEmpty(); line = readLine()) {
                int colon = line.indexOf(':');
                headers.add(new String[] {line.substring(0, colon).trim(), line.substring(colon + 1).trim()});
            }
            return new Head(statusLine, headers);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads one final response (skipping interim 1xx) with its body per its framing. */
    public Response readResponse() {
        return readResponse(false);
    }

    /** As {@link #readResponse()}; {@code head} true for a response to HEAD (no body follows). */
    public Response readResponse(boolean head) {
        Head h = readHead();
        List<String> interim = new ArrayList<>();
        while (h != null && h.status() < 200) {
            interim.add(h.statusLine());
            h = readHead();
        }
        if (h == null) {
            return new Response(null, new byte[0], false, interim, List.of());
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        List<Integer> chunks = new ArrayList<>();
        boolean complete = head || readBody(h, body, chunks);
        return new Response(h, body.toByteArray(), complete, interim, chunks);
    }

    /** Reads the body into {@code body}; true if it ended as its framing says, false if the connection was cut. */
    private boolean readBody(Head head, ByteArrayOutputStream body, List<Integer> chunks) {
        try {
            if ("chunked".equalsIgnoreCase(head.header("Transfer-Encoding"))) {
                while (true) {
                    String size = readLine();
                    if (size == null) {
                        return false;
                    }
                    int n = Integer.parseInt(size.split(";")[0].trim(), 16);
                    if (n == 0) {
                        String trailer;
                        do {
                            trailer = readLine();
                        } while (trailer != null && !trailer.isEmpty());
                        return trailer != null;
                    }
                    byte[] chunk = in.readNBytes(n);
                    body.write(chunk);
                    chunks.add(chunk.length);
                    if (chunk.length < n || readLine() == null) {
                        return false;
                    }
                }
            }
            String length = head.header("Content-Length");
            if (length != null) {
                long n = Long.parseLong(length);
                byte[] bytes = in.readNBytes((int) n);
                body.write(bytes);
                return bytes.length == n;
            }
            body.write(in.readAllBytes()); // close-delimited: complete by definition
            return true;
        } catch (SocketTimeoutException e) {
            throw new AssertionError("response body did not arrive within the timeout", e);
        } catch (IOException e) {
            return false; // reset: aborted
        }
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\n') {
                byte[] bytes = line.toByteArray();
                int n = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, n, StandardCharsets.ISO_8859_1);
            }
            line.write(c);
        }
        return null;
    }

    /** Reads one line (without its CRLF), or null at end of stream: for reading chunk framing by hand. */
    public String nextLine() {
        try {
            return readLine();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads exactly {@code n} bytes (fewer only at end of stream). */
    public byte[] readBytes(int n) {
        try {
            return in.readNBytes(n);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether the server closed the connection (reads EOF or reset within the timeout). */
    public boolean closedByServer() {
        try {
            return in.read() == -1;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing a test socket
        }
    }

    /** A status line and headers. */
    public record Head(String statusLine, List<String[]> headers) {
        public int status() {
            return Integer.parseInt(statusLine.split(" ")[1]);
        }

        /** The first value of header {@code name}, or null. */
        public String header(String name) {
            return headers.stream().filter(h -> h[0].equalsIgnoreCase(name)).map(h -> h[1]).findFirst().orElse(null);
        }

        /** All values of header {@code name}. */
        public List<String> headers(String name) {
            return headers.stream().filter(h -> h[0].equalsIgnoreCase(name)).map(h -> h[1]).toList();
        }
    }

    /**
     * A response: {@code complete} is false when the connection ended before the body's framing did;
     * {@code interim} lists 1xx status lines seen before it; {@code chunks} the sizes of chunked-encoding chunks.
     */
    public record Response(Head head, byte[] body, boolean complete, List<String> interim, List<Integer> chunks) {
        public int status() {
            return head == null ? -1 : head.status();
        }

        public String header(String name) {
            return head == null ? null : head.header(name);
        }

        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        public boolean hasHeader(String name) {
            return header(name) != null;
        }

        @Override
        public String toString() {
            return (head == null ? "<no response>" : head.statusLine() + " " + head.headers().stream()
                    .map(h -> h[0] + ": " + h[1]).toList()) + " complete=" + complete + " body="
                    + text().substring(0, Math.min(200, body.length)).toLowerCase(Locale.ROOT).length() + "B";
        }
    }
}
