package dev.gatewaybridge.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;

import dev.gatewaybridge.test.RawHttp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The behaviour of the packaged sample WAR, whatever container runs it. Each subclass deploys the WAR at
 * /sample on a loopback port and says which; every test speaks raw HTTP/1.1 (RawHttp from bridge-servlet's
 * test-jar, or a bare socket to stream a gigabyte) so nothing is hidden.
 */
abstract class SampleSuite {

    static final long GIB = 1L << 30;

    /** The port the deployment under test listens on (loopback). */
    abstract int port();

    // ---- hello, index, middleware

    @Test
    void helloIsPlainTextWithItsContentLength() throws Exception {
        RawHttp.Response r = request("GET", "/sample/hello", "");
        assertEquals(200, r.status(), r.toString());
        assertTrue(r.header("Content-Type").startsWith("text/plain"), r.header("Content-Type"));
        assertEquals("14", r.header("Content-Length"));
        assertNull(r.header("Transfer-Encoding"));
        assertEquals("Hello, world!\n", r.text());
    }

    @Test
    void indexListsThePages() throws Exception {
        RawHttp.Response r = request("GET", "/sample/", "");
        assertEquals(200, r.status(), r.toString());
        assertTrue(r.text().contains("href=\"/sample/hello\""), r.text());
        assertTrue(r.text().contains("action=\"/sample/echo\""), r.text());
    }

    @Test
    void everyLinkOfTheIndexAnswers200() throws Exception {
        String index = request("GET", "/sample/", "").text();
        List<String> links = new java.util.ArrayList<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("href=\"([^\"]+)\"").matcher(index);
        while (m.find()) {
            links.add(m.group(1).replace("&amp;", "&"));
        }
        assertTrue(links.containsAll(List.of("/sample/README.md", "/sample/cgi-bin/printenv.pl",
                "/sample/cgi-bin/hello.sh", "/sample/cgi-bin/form.py", "/sample/cgi-bin/redirect.sh")), links::toString);
        for (String link : links) {
            RawHttp.Response r = request("GET", link, "");
            assertEquals(200, r.status(), link + ": " + r);
        }
        RawHttp.Response readme = request("GET", "/sample/README.md", "");
        assertTrue(readme.header("Content-Type").startsWith("text/plain"), readme.toString());
        assertTrue(readme.text().startsWith("# Gateway Bridge"), readme.text().substring(0, 40));
    }

    @Test
    void theDocsPagesTheReadmeLinksAreServedBesideIt() throws Exception {
        RawHttp.Response cgi = request("GET", "/sample/docs/cgi.md", "");
        assertEquals(200, cgi.status(), cgi.toString());
        assertTrue(cgi.header("Content-Type").startsWith("text/plain"), cgi.toString());
        assertTrue(cgi.text().startsWith("# CGI bridge"), cgi.text().substring(0, 40));
        assertEquals(404, request("GET", "/sample/docs/nope.md", "").status());
    }

    @Test
    void theIndexFormPostsToEchoAndComesBack() throws Exception {
        String index = request("GET", "/sample/", "").text();
        assertTrue(index.contains("<form method=\"post\" enctype=\"text/plain\" action=\"/sample/echo\">"), index);
        String body = "message=hello\r\n"; // what a browser sends for the form's one field, text/plain
        RawHttp.Response r = request("POST", "/sample/echo", "Content-Type: text/plain\r\nContent-Length: "
                + body.length() + "\r\n\r\n" + body);
        assertEquals(200, r.status(), r.toString());
        assertEquals(body, r.text());
        assertTrue(r.header("Content-Type").startsWith("text/plain"), r.toString());
    }

    @Test
    void middlewareWrapsTheAppAddingAHeaderAndUpperCasingTheBody() throws Exception {
        RawHttp.Response r = request("GET", "/sample/middleware/anything", "");
        assertEquals(200, r.status(), r.toString());
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
        assertEquals(host(), env.get("HTTP_HOST"));
        assertEquals(Integer.toString(port()), env.get("SERVER_PORT"));
        assertEquals("127.0.0.1", env.get("REMOTE_ADDR"));
        assertEquals("http", env.get("wsgi.url_scheme"));
        assertEquals(List.of(1L, 0L), env.get("wsgi.version"), "PEP 3333's (1, 0), not a class name");
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
        try (RawHttp wire = RawHttp.open(port())) {
            wire.send("HEAD /sample/hello HTTP/1.1\r\nHost: " + host() + "\r\n\r\n");
            RawHttp.Response head = wire.readResponse(true);
            assertEquals(200, head.status(), head.toString());
            assertEquals("14", head.header("Content-Length"));
            // Had a body followed the HEAD response, this second response would start inside it.
            wire.send("GET /sample/hello HTTP/1.1\r\nHost: " + host() + "\r\nConnection: close\r\n\r\n");
            RawHttp.Response get = wire.readResponse();
            assertEquals(200, get.status(), get.toString());
            assertEquals("Hello, world!\n", get.text());
        }
    }

    @Test
    void expectContinueIsAnsweredWhenTheAppReadsTheBody() throws Exception {
        try (RawHttp wire = RawHttp.open(port())) {
            wire.send("POST /sample/echo HTTP/1.1\r\nHost: " + host() + "\r\nContent-Type: text/plain\r\n"
                    + "Content-Length: 5\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n");
            RawHttp.Head interim = wire.readHead();
            assertEquals(100, interim.status(), interim.statusLine());
            wire.send("hello");
            RawHttp.Response r = wire.readResponse();
            assertEquals(200, r.status(), r.toString());
            assertEquals("hello", r.text());
        }
    }

    @Test
    void expectContinueIsNotAnsweredWhenTheAppDoesNotRead() throws Exception {
        try (RawHttp wire = RawHttp.open(port())) {
            wire.send("POST /sample/hello HTTP/1.1\r\nHost: " + host() + "\r\nContent-Type: text/plain\r\n"
                    + "Content-Length: 5\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n");
            RawHttp.Response r = wire.readResponse();
            assertEquals(List.of(), r.interim(), "a 100 Continue invites a body nobody reads");
            assertEquals(200, r.status(), r.toString());
            assertEquals("Hello, world!\n", r.text());
        }
    }

    // ---- echo and stream

    @Test
    void echoReturnsTheBodyWithItsContentType() throws Exception {
        byte[] body = new byte[300_000];
        new Random(7).nextBytes(body);
        try (RawHttp wire = RawHttp.open(port())) {
            wire.send("POST /sample/echo HTTP/1.1\r\nHost: " + host() + "\r\nContent-Type: application/x-it\r\n"
                    + "Content-Length: " + body.length + "\r\nConnection: close\r\n\r\n");
            wire.send(body);
            RawHttp.Response r = wire.readResponse();
            assertEquals(200, r.status(), r.toString());
            assertEquals("application/x-it", r.header("Content-Type"));
            assertArrayEquals(body, r.body());
        }
    }

    @Test
    void chunkedRequestBodyIsEchoedWhole() throws Exception {
        RawHttp.Response r = request("POST", "/sample/echo", "Content-Type: text/plain\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n5\r\nHello\r\n2\r\n, \r\n7\r\nchunks!\r\n0\r\n\r\n");
        assertEquals(200, r.status(), r.toString());
        assertTrue(r.header("Content-Type").startsWith("text/plain"), r.header("Content-Type"));
        assertEquals("Hello, chunks!", r.text());
    }

    @Test
    void streamSendsEachChunkOnItsOwn() throws Exception {
        RawHttp.Response r;
        // Kept alive: with "Connection: close" a server may delimit the body by closing instead of chunking.
        try (RawHttp wire = RawHttp.open(port())) {
            wire.send("GET /sample/stream?chunks=5&size=100 HTTP/1.1\r\nHost: " + host() + "\r\n\r\n");
            r = wire.readResponse();
        }
        assertEquals(200, r.status(), r.toString());
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
        RawHttp.Response chunks = request("GET", "/sample/stream?chunks=-1&size=10", "");
        assertEquals(400, chunks.status(), chunks.toString());
        assertTrue(chunks.text().contains("chunks") && chunks.text().contains("-1"), chunks.text());
        RawHttp.Response size = request("GET", "/sample/stream?chunks=1&size=big", "");
        assertEquals(400, size.status(), size.toString());
        assertTrue(size.text().contains("size") && size.text().contains("big"), size.text());
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void gibibyteUploadComesBackThroughEchoStreamedBothWays() throws Exception {
        byte[] block = new byte[64 * 1024];
        new Random(42).nextBytes(block);
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port())) {
            socket.setSoTimeout(60_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /sample/echo HTTP/1.1\r\nHost: " + host() + "\r\n"
                    + "Content-Type: application/octet-stream\r\nContent-Length: " + GIB + "\r\n"
                    + "Connection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            // The client streams too: one thread sends 1 GiB while this one reads it back, 64 KiB at a time.
            FutureTask<Long> upload = new FutureTask<>(() -> send(out, block, GIB));
            Thread uploader = new Thread(upload, "upload");
            uploader.setDaemon(true);
            uploader.start();
            InputStream in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
            String head = readHead(in);
            assertTrue(head.startsWith("HTTP/1.1 200 "), head);
            assertTrue(head.contains("\r\nContent-Length: " + GIB + "\r\n"), head);
            CRC32 received = new CRC32();
            long count = receive(in, GIB, received);
            assertEquals(GIB, count, "bytes echoed");
            assertEquals(upload.get(60, TimeUnit.SECONDS), received.getValue(), "CRC32 of what came back");
        }
    }

    /** The status line and headers, up to and including the blank line, as ISO-8859-1 text. */
    private static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("connection closed in the response head: " + head);
            }
            head.append((char) c);
        }
        return head.toString();
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
    RawHttp.Response request(String method, String target, String rest) {
        String tail = rest.contains("\r\n\r\n") ? rest : rest + "\r\n";
        try (RawHttp wire = RawHttp.open(port())) {
            wire.send(method + " " + target + " HTTP/1.1\r\nHost: " + host() + "\r\nConnection: close\r\n" + tail);
            RawHttp.Response r = wire.readResponse("HEAD".equals(method));
            assertTrue(r.complete(), "response cut short: " + r);
            return r;
        }
    }

    Map<String, Object> environ(String method, String target, String rest) {
        RawHttp.Response r = request(method, target, rest);
        assertEquals(200, r.status(), r + "\n" + r.text());
        assertEquals("application/json", r.header("Content-Type"));
        return FlatJson.parse(r.text());
    }
}
