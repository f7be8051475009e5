package dev.gatewaybridge.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import dev.gatewaybridge.api.Bodies;
import dev.gatewaybridge.api.Environ;
import dev.gatewaybridge.api.Header;
import dev.gatewaybridge.api.StartResponse;
import org.junit.jupiter.api.Test;

/** The sample applications run in process, without a servlet: tiny environs, a recording start_response. */
class SampleAppsTest {

    private String status;
    private List<Header> headers;
    private final StartResponse startResponse = (s, h, e) -> {
        status = s;
        headers = h;
        return data -> {
            throw new AssertionError("the samples never use write()");
        };
    };

    @Test
    void jsonEscapesStringsWritesListsAsArraysAndNamesOtherValuesByClass() {
        Map<String, Object> object = new LinkedHashMap<>();
        object.put("s", "a\"b\\c\n\u0001");
        object.put("n", 42);
        object.put("b", true);
        object.put("o", new StringBuilder("not a string"));
        object.put("x", List.of(1, 0));
        object.put("in", new java.io.ByteArrayInputStream(new byte[0]));
        String json = Json.object(object);
        assertTrue(json.contains("\"s\": \"a\\\"b\\\\c\\n\\u0001\""), json);
        assertTrue(json.contains("\"n\": 42"), json);
        assertTrue(json.contains("\"b\": true"), json);
        assertTrue(json.contains("\"o\": \"not a string\""), "a CharSequence is text: " + json);
        assertTrue(json.contains("\"x\": [1, 0]"), "wsgi.version as PEP 3333's (1, 0): " + json);
        assertTrue(json.contains("\"in\": \"java.io.ByteArrayInputStream\""), json);
    }

    @Test
    void streamParameterOutOfRangeOrNotANumberNamesTheValue() {
        assertEquals(7, StreamApp.parameter("chunks=7&size=3", "chunks", 5, 0, 10));
        assertEquals(5, StreamApp.parameter("size=3", "chunks", 5, 0, 10));
        IllegalArgumentException range = assertThrows(IllegalArgumentException.class,
                () -> StreamApp.parameter("chunks=11", "chunks", 5, 0, 10));
        assertTrue(range.getMessage().contains("chunks") && range.getMessage().contains("11"), range.getMessage());
        IllegalArgumentException nan = assertThrows(IllegalArgumentException.class,
                () -> StreamApp.parameter("size=1e3", "size", 5, 1, 10));
        assertTrue(nan.getMessage().contains("\"1e3\""), nan.getMessage());
    }

    @Test
    void streamMakesEachChunkOnlyWhenAskedFor() {
        Map<String, Object> environ = environ("chunks=3&size=4", null);
        Iterator<byte[]> body = new StreamApp().call(environ, startResponse).iterator();
        assertEquals("200 OK", status);
        assertEquals("aaaa", new String(body.next(), StandardCharsets.US_ASCII));
        assertEquals("bbbb", new String(body.next(), StandardCharsets.US_ASCII));
        assertEquals("cccc", new String(body.next(), StandardCharsets.US_ASCII));
        assertFalse(body.hasNext());
    }

    @Test
    void streamAnswersABadParameterWith400() {
        List<byte[]> body = new ArrayList<>();
        new StreamApp().call(environ("chunks=-1", null), startResponse).forEach(body::add);
        assertEquals("400 Bad Request", status);
        assertTrue(new String(body.get(0), StandardCharsets.UTF_8).contains("chunks must be in 0..100000, got -1"));
    }

    @Test
    void echoReadsOneChunkPerStepAndStopsAtTheDeclaredLength() {
        byte[] data = new byte[EchoApp.CHUNK * 2 + 10];
        AtomicInteger reads = new AtomicInteger();
        InputStream input = new ByteArrayInputStream(data) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                reads.incrementAndGet();
                return super.read(b, off, len);
            }
        };
        Map<String, Object> environ = environ("", input);
        environ.put(Environ.CONTENT_LENGTH, Integer.toString(data.length));
        environ.put(Environ.CONTENT_TYPE, "application/x-test");
        Iterator<byte[]> body = new EchoApp().call(environ, startResponse).iterator();
        assertEquals(0, reads.get(), "nothing read before the server asks for a chunk");
        assertEquals(List.of(Header.of("Content-Type", "application/x-test"),
                Header.of("Content-Length", Integer.toString(data.length))), headers);
        assertEquals(EchoApp.CHUNK, body.next().length);
        assertEquals(EchoApp.CHUNK, body.next().length);
        assertEquals(10, body.next().length);
        int before = reads.get();
        assertFalse(body.hasNext());
        assertEquals(before, reads.get(), "no read past the declared length");
    }

    @Test
    void middlewareUpperCasesTextAddsElapsedAndComposesClose() throws Exception {
        StringWriter log = new StringWriter();
        Map<String, Object> environ = environ("", null);
        environ.put(Environ.WSGI_ERRORS, new PrintWriter(log));
        AtomicInteger innerClosed = new AtomicInteger();
        ShoutMiddleware shout = new ShoutMiddleware((env, sr) -> {
            sr.start("200 OK", List.of(Header.of("Content-Type", "text/plain")));
            return Bodies.onClose(List.of("héllo".getBytes(StandardCharsets.UTF_8)), innerClosed::incrementAndGet);
        });
        Iterable<byte[]> body = shout.call(environ, startResponse);
        assertEquals("HéLLO", new String(body.iterator().next(), StandardCharsets.UTF_8));
        assertTrue(headers.get(1).is("X-Elapsed") && headers.get(1).value().matches("\\d+us"), headers.toString());
        Bodies.close(body);
        Bodies.close(body);
        assertEquals(1, innerClosed.get(), "the wrapped body is closed exactly once");
        assertTrue(log.toString().startsWith("shout: /app/x served in "), log.toString());
    }

    @Test
    void readmeServesTheReadmeAndEachDocsPageItLinksAndNothingElse() throws Exception {
        // The checkout's README.md and docs/, as the WAR packs them under WEB-INF/classes/sample/.
        ReadmeApp app = new ReadmeApp(name -> {
            try {
                java.nio.file.Path file = java.nio.file.Path.of("..", name);
                return java.nio.file.Files.exists(file) ? java.nio.file.Files.newInputStream(file) : null;
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        assertTrue(page(app, "/sample/README.md", "").startsWith("# Gateway Bridge\n"));
        assertEquals("200 OK", status);
        assertTrue(headers.get(0).value().startsWith("text/plain"), headers.toString());
        assertTrue(page(app, "/sample/docs", "/cgi.md").startsWith("# CGI bridge\n"));
        assertEquals("200 OK", status);
        assertTrue(page(app, "/sample/docs", "/fastcgi.md").contains("<!-- section: managed-workers -->"));
        page(app, "/sample/docs", "/nope.md");
        assertEquals("404 Not Found", status);
        page(app, "/sample/docs", "/../pom.xml");
        assertEquals("404 Not Found", status, "only the pages the README links");
    }

    private String page(ReadmeApp app, String scriptName, String pathInfo) {
        Map<String, Object> environ = environ("", null);
        environ.put(Environ.SCRIPT_NAME, scriptName);
        environ.put(Environ.PATH_INFO, pathInfo);
        return new String(app.call(environ, startResponse).iterator().next(), StandardCharsets.UTF_8);
    }

    private static Map<String, Object> environ(String query, InputStream input) {
        Map<String, Object> environ = new HashMap<>();
        environ.put(Environ.REQUEST_METHOD, "GET");
        environ.put(Environ.SCRIPT_NAME, "/app");
        environ.put(Environ.PATH_INFO, "/x");
        environ.put(Environ.QUERY_STRING, query);
        environ.put(Environ.WSGI_INPUT, input == null ? InputStream.nullInputStream() : input);
        return environ;
    }
}
