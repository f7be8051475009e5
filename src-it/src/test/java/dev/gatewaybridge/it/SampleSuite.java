package dev.gatewaybridge.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The behaviour of the packaged sample WAR, whatever container runs it. Each subclass deploys the WAR at
 * /sample on a loopback port and says which; every test speaks raw HTTP/1.1 so nothing is hidden.
 */
abstract class SampleSuite {

    static final long GIB = 1L << 30;

    /** The port the deployment under test listens on (loopback). */
    abstract int port();

    // ---- hello, index, middleware

    @Test
    void helloIsPlainTextWithItsContentLength() throws Exception {
        Wire.Response r = request("GET", "/sample/hello", "");
        assertEquals(200, r.status(), r.statusLine());
        assertTrue(r.header("Content-Type").startsWith("text/plain"), r.header("Content-Type"));
        assertEquals("14", r.header("Content-Length"));
        assertNull(r.header("Transfer-Encoding"));
        assertEquals("Hello, world!\n", r.text());
    }

    @Test
    void indexListsThePages() throws Exception {
        Wire.Response r = request("GET", "/sample/", "");
        assertEquals(200, r.status(), r.statusLine());
        assertTrue(r.text().contains("href=\"/sample/hello\""), r.text());
        assertTrue(r.text().contains("href=\"/sample/echo\""), r.text());
    }

    @Test
    void middlewareWrapsTheAppAddingAHeaderAndUpperCasingTheBody() throws Exception {
        Wire.Response r = request("GET", "/sample/middleware/anything", "");
        assertEquals(200, r.status(), r.statusLine());
        assertEquals("HELLO, WORLD!\n", r.text());
        assertEquals("14", r.header("Content-Length"));
        assertTrue(r.header("X-Elapsed").matches("\\d+us"), r.header("X-Elapsed"));
    }

    // ---- environ

    @Test
    void environHasTheCgiVariablesOfTheRequest() throws Exception {
        Map<String, Object> env = environ("GET", "/sample/environ/x?a=1&b=%20", "");
        assertEquals("GET", env.get("REQUEST_METHOD"));
        assertEquals("/sample/environ", env.get("SCRIPT_NAME"));
        assertEquals("/x", env.get("PATH_INFO"));
        assertEquals("a=1&b=%20", env.get("QUERY_STRING"));
        assertEquals("/sample/environ/x?a=1&b=%20", env.get("REQUEST_URI"));
        assertEquals("HTTP/1.1", env.get("SERVER_PROTOCOL"));
        assertEquals("127.0.0.1", env.get("SERVER_NAME"));
        assertEquals(Integer.toString(port()), env.get("SERVER_PORT"));
        assertEquals("127.0.0.1", env.get("REMOTE_ADDR"));
        assertEquals("http", env.get("wsgi.url_scheme"));
        assertEquals(Boolean.TRUE, env.get("wsgi.multithread"));
        assertEquals(Boolean.FALSE, env.get("wsgi.run_once"));
        assertEquals("sample-war", env.get("SAMPLE_DEPLOYMENT"), "the servlet's environ init-param");
        assertNotNull(env.get("wsgi.input"));
        assertFalse(env.containsKey("CONTENT_LENGTH"), "a GET without a body has no CONTENT_LENGTH");
        assertFalse(env.containsKey("CONTENT_TYPE"));
    }

    @Test
    void percentEncodedPathIsDecodedInPathInfoAndRawInRequestUri() throws Exception {
        Map<String, Object> env = environ("GET", "/sample/environ/caf%C3%A9/a%20b", "");
        assertEquals("/sample/environ", env.get("SCRIPT_NAME"));
        assertEquals("/café/a b", env.get("PATH_INFO"));
        assertEquals("/sample/environ/caf%C3%A9/a%20b", env.get("REQUEST_URI"));
        assertEquals("", env.get("QUERY_STRING"));
    }

    @Test
    void percentEncodedServletPathStillSplitsAtTheMapping() throws Exception {
        Map<String, Object> env = environ("GET", "/sample/%65nviron/y", "");
        assertEquals("/sample/environ", env.get("SCRIPT_NAME"));
        assertEquals("/y", env.get("PATH_INFO"));
    }

    @Test
    void repeatedHeadersAreJoinedWithCommaSpace() throws Exception {
        Map<String, Object> env = environ("GET", "/sample/environ/", "X-Multi: one\r\nX-Multi: two\r\n");
        assertEquals("one, two", env.get("HTTP_X_MULTI"));
    }

    @Test
    void headerWithUnderscoreIsNotPassedSoItCannotSpoofTheDashForm() throws Exception {
        Map<String, Object> env = environ("GET", "/sample/environ/", "X-User: alice\r\nX_User: mallory\r\n");
        assertEquals("alice", env.get("HTTP_X_USER"));
        assertFalse(env.containsValue("mallory"), env.toString());
    }

    @Test
    void proxyHeaderNeverBecomesHttpProxy() throws Exception {
        Map<String, Object> env = environ("GET", "/sample/environ/", "Proxy: http://evil.example:3128\r\n");
        assertFalse(env.containsKey("HTTP_PROXY"), "httpoxy: " + env.get("HTTP_PROXY"));
    }

    @Test
    void contentTypeAndLengthAreCgiVariablesNotHttpOnes() throws Exception {
        Map<String, Object> env = environ("POST", "/sample/environ/",
                "Content-Type: text/plain\r\nContent-Length: 3\r\n\r\nabc");
        assertEquals("text/plain", env.get("CONTENT_TYPE"));
        assertEquals("3", env.get("CONTENT_LENGTH"));
        assertFalse(env.containsKey("HTTP_CONTENT_TYPE"));
        assertFalse(env.containsKey("HTTP_CONTENT_LENGTH"));
    }

    @Test
    void chunkedRequestHasNoContentLengthAndATerminatedInput() throws Exception {
        Map<String, Object> env = environ("POST", "/sample/environ/",
                "Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n");
        assertFalse(env.containsKey("CONTENT_LENGTH"), String.valueOf(env.get("CONTENT_LENGTH")));
        assertEquals(Boolean.TRUE, env.get("wsgi.input_terminated"));
    }

    // ---- methods and Expect

    @Test
    void headSendsTheHeadersOfGetAndNoBody() throws Exception {
        try (Wire wire = Wire.connect(port())) {
            wire.send("HEAD /sample/hello HTTP/1.1\r\nHost: " + host() + "\r\n\r\n");
            Wire.Response head = wire.read(true);
            assertEquals(200, head.status(), head.statusLine());
            assertEquals("14", head.header("Content-Length"));
            // Had a body followed the HEAD response, this second response would start inside it.
            wire.send("GET /sample/hello HTTP/1.1\r\nHost: " + host() + "\r\nConnection: close\r\n\r\n");
            Wire.Response get = wire.read();
            assertEquals(200, get.status(), get.statusLine());
            assertEquals("Hello, world!\n", get.text());
        }
    }

    @Test
    void expectContinueIsAnsweredWhenTheAppReadsTheBody() throws Exception {
        try (Wire wire = Wire.connect(port())) {
            wire.send("POST /sample/echo HTTP/1.1\r\nHost: " + host() + "\r\nContent-Type: text/plain\r\n"
                    + "Content-Length: 5\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n");
            Wire.Response interim = wire.readHead();
            assertEquals(100, interim.status(), interim.statusLine());
            wire.send("hello");
            Wire.Response r = wire.read();
            assertEquals(200, r.status(), r.statusLine());
            assertEquals("hello", r.text());
        }
    }

    @Test
    void expectContinueIsNotAnsweredWhenTheAppDoesNotRead() throws Exception {
        try (Wire wire = Wire.connect(port())) {
            wire.send("POST /sample/hello HTTP/1.1\r\nHost: " + host() + "\r\nContent-Type: text/plain\r\n"
                    + "Content-Length: 5\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n");
            Wire.Response r = wire.read();
            assertEquals(200, r.status(), "a 100 Continue invites a body nobody reads: " + r.statusLine());
            assertEquals("Hello, world!\n", r.text());
        }
    }

    // ---- echo and stream

    @Test
    void echoReturnsTheBodyWithItsContentType() throws Exception {
        byte[] body = new byte[300_000];
        new Random(7).nextBytes(body);
        try (Wire wire = Wire.connect(port())) {
            wire.send("POST /sample/echo HTTP/1.1\r\nHost: " + host() + "\r\nContent-Type: application/x-it\r\n"
                    + "Content-Length: " + body.length + "\r\nConnection: close\r\n\r\n");
            wire.send(body);
            Wire.Response r = wire.read();
            assertEquals(200, r.status(), r.statusLine());
            assertEquals("application/x-it", r.header("Content-Type"));
            assertArrayEquals(body, r.body());
        }
    }

    @Test
    void chunkedRequestBodyIsEchoedWhole() throws Exception {
        Wire.Response r = request("POST", "/sample/echo", "Content-Type: text/plain\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n5\r\nHello\r\n2\r\n, \r\n7\r\nchunks!\r\n0\r\n\r\n");
        assertEquals(200, r.status(), r.statusLine());
        assertTrue(r.header("Content-Type").startsWith("text/plain"), r.header("Content-Type"));
        assertEquals("Hello, chunks!", r.text());
    }

    @Test
    void streamSendsEachChunkOnItsOwn() throws Exception {
        Wire.Response r;
        // Kept alive: with "Connection: close" a server may delimit the body by closing instead of chunking.
        try (Wire wire = Wire.connect(port())) {
            wire.send("GET /sample/stream?chunks=5&size=100 HTTP/1.1\r\nHost: " + host() + "\r\n\r\n");
            r = wire.read();
        }
        assertEquals(200, r.status(), r.statusLine());
        assertEquals("chunked", r.header("Transfer-Encoding"));
        assertEquals(Collections.nCopies(5, 100), r.chunks(), "one HTTP chunk per body chunk, each flushed");
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        for (int i = 0; i < 5; i++) {
            byte[] chunk = new byte[100];
            Arrays.fill(chunk, (byte) ('a' + i));
            expected.write(chunk);
        }
        assertArrayEquals(expected.toByteArray(), r.body());
    }

    @Test
    void streamRejectsBadParametersWith400NamingThem() throws Exception {
        Wire.Response chunks = request("GET", "/sample/stream?chunks=-1&size=10", "");
        assertEquals(400, chunks.status(), chunks.statusLine());
        assertTrue(chunks.text().contains("chunks") && chunks.text().contains("-1"), chunks.text());
        Wire.Response size = request("GET", "/sample/stream?chunks=1&size=big", "");
        assertEquals(400, size.status(), size.statusLine());
        assertTrue(size.text().contains("size") && size.text().contains("big"), size.text());
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void gibibyteUploadComesBackThroughEchoStreamedBothWays() throws Exception {
        byte[] block = new byte[64 * 1024];
        new Random(42).nextBytes(block);
        try (Wire wire = Wire.connect(port())) {
            wire.send("POST /sample/echo HTTP/1.1\r\nHost: " + host() + "\r\n"
                    + "Content-Type: application/octet-stream\r\nContent-Length: " + GIB + "\r\n"
                    + "Connection: close\r\n\r\n");
            // The client streams too: one thread sends 1 GiB while this one reads it back.
            FutureTask<Long> upload = new FutureTask<>(() -> send(wire.output(), block, GIB));
            Thread uploader = new Thread(upload, "upload");
            uploader.setDaemon(true);
            uploader.start();
            Wire.Response head = wire.readHead();
            assertEquals(200, head.status(), head.statusLine());
            assertEquals(Long.toString(GIB), head.header("Content-Length"));
            CRC32 received = new CRC32();
            long count = receive(wire.input(), GIB, received);
            assertEquals(GIB, count, "bytes echoed");
            assertEquals(upload.get(60, TimeUnit.SECONDS), received.getValue(), "CRC32 of what came back");
        }
    }

    /** Writes {@code total} bytes, {@code block} repeated; returns their CRC32. */
    private static long send(OutputStream out, byte[] block, long total) throws Exception {
        CRC32 crc = new CRC32();
        for (long sent = 0; sent < total; sent += block.length) {
            out.write(block);
            crc.update(block);
        }
        out.flush();
        return crc.getValue();
    }

    /** Reads up to {@code total} bytes into {@code crc}; returns how many came before end of stream. */
    private static long receive(InputStream in, long total, CRC32 crc) throws Exception {
        byte[] buffer = new byte[64 * 1024];
        long count = 0;
        int n;
        while (count < total && (n = in.read(buffer, 0, (int) Math.min(buffer.length, total - count))) > 0) {
            crc.update(buffer, 0, n);
            count += n;
        }
        return count;
    }

    // ---- helpers

    String host() {
        return "127.0.0.1:" + port();
    }

    /** One request on its own connection; {@code rest} holds extra header lines, then CRLF and a body. */
    Wire.Response request(String method, String target, String rest) throws Exception {
        String tail = rest.contains("\r\n\r\n") ? rest : rest + "\r\n";
        try (Wire wire = Wire.connect(port())) {
            wire.send(method + " " + target + " HTTP/1.1\r\nHost: " + host() + "\r\nConnection: close\r\n" + tail);
            return wire.read("HEAD".equals(method));
        }
    }

    Map<String, Object> environ(String method, String target, String rest) throws Exception {
        Wire.Response r = request(method, target, rest);
        assertEquals(200, r.status(), r.statusLine() + "\n" + r.text());
        assertEquals("application/json", r.header("Content-Type"));
        return FlatJson.parse(new String(r.body(), StandardCharsets.UTF_8));
    }
}
