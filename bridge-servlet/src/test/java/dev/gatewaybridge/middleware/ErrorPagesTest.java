package dev.gatewaybridge.middleware;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.gatewaybridge.api.Bodies;
import dev.gatewaybridge.api.GatewayApplication;
import dev.gatewaybridge.api.Header;
import dev.gatewaybridge.testing.TestClient;
import dev.gatewaybridge.testing.TestResponse;

class ErrorPagesTest {

    @TempDir
    Path dir;

    private final AtomicInteger closes = new AtomicInteger();

    private GatewayApplication answering(String status) {
        return (env, start) -> {
            start.start(status, List.of(Header.of("Content-Type", "application/json"),
                    Header.of("Content-Length", "14"), Header.of("Set-Cookie", "s=1"), Header.of("Retry-After", "5")));
            return Bodies.onClose(Bodies.of("{\"trace\":\"..\"}"), closes::incrementAndGet);
        };
    }

    @Test
    void aConfiguredStatusGetsTheStaticPageKeepingStatusAndNonBodyHeaders() throws Exception {
        Path page = Files.writeString(dir.resolve("503.html"), "<h1>Back soon</h1>");
        TestResponse r = TestClient.of(new ErrorPages(answering("503 Service Unavailable"),
                Map.of("errorpages.503", page.toString()))).get("/");
        assertEquals("503 Service Unavailable", r.statusLine());
        assertEquals("<h1>Back soon</h1>", r.text());
        assertEquals("text/html; charset=utf-8", r.header("Content-Type"));
        assertEquals("18", r.header("Content-Length"));
        assertEquals("s=1", r.header("Set-Cookie"));
        assertEquals("5", r.header("Retry-After"));
        assertEquals(1, closes.get(), "the application's body is closed though not sent");
    }

    @Test
    void templatedCodesGetTheTemplateWithTheReasonEscaped() throws Exception {
        ErrorPages pages = new ErrorPages(answering("500 Broken <script>"), Map.of("errorpages.codes", "404 500-599",
                "errorpages.template", "<p>{code}: {reason}</p>"));
        TestResponse r = TestClient.of(pages).get("/");
        assertEquals(500, r.status());
        assertEquals("<p>500: Broken &lt;script&gt;</p>", r.text());
        assertTrue(ErrorPages.DEFAULT_TEMPLATE.contains("{code}"));
        String fallback = TestClient.of(ErrorPages.builder().template(400, 499).build(answering("404 Not Found")))
                .get("/").text();
        assertTrue(fallback.contains("<h1>404 Not Found</h1>"), fallback);
    }

    @Test
    void otherStatusesStreamThroughUntouched() throws Exception {
        ErrorPages pages = ErrorPages.builder().template(500, 599).build(answering("404 Not Found"));
        TestResponse r = TestClient.of(pages).get("/");
        assertEquals("{\"trace\":\"..\"}", r.text());
        assertEquals("application/json", r.header("Content-Type"));
        assertEquals(1, closes.get());
    }

    @Test
    void aStatusSetInTheFirstIterationIsStillReplaced() throws Exception {
        GatewayApplication lazy = (env, start) -> () -> new Iterator<>() {
            private boolean done;

            @Override
            public boolean hasNext() {
                return !done;
            }

            @Override
            public byte[] next() {
                done = true;
                start.start("502 Bad Gateway", List.of(Header.of("Content-Type", "text/plain")));
                return "backend said: stack trace".getBytes(UTF_8);
            }
        };
        TestResponse r = TestClient.of(ErrorPages.builder().template(502, 502).templateText("gateway down")
                .build(lazy)).get("/");
        assertEquals(502, r.status());
        assertEquals("gateway down", r.text());
    }

    @Test
    void badParamsFailConstructionNamingParamAndValue() {
        assertBad(Map.of("errorpages.codes", "200"), "errorpages.codes", "\"200\"");
        assertBad(Map.of("errorpages.codes", "5xx"), "errorpages.codes", "\"5xx\"");
        assertBad(Map.of("errorpages.404", dir.resolve("none.html").toString()), "errorpages.404", "none.html");
        assertBad(Map.of("errorpages.40x", "x.html"), "errorpages.40x", "\"40x\"");
        assertBad(Map.of("errorpages.404", "classpath:no/such.html"), "errorpages.404", "classpath:no/such.html");
    }

    private void assertBad(Map<String, String> params, String... parts) {
        var e = assertThrows(IllegalArgumentException.class, () -> new ErrorPages(answering("404 X"), params));
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), e.getMessage());
        }
    }

    @Test
    void aPassedResponseKeepsItsBodyObjectSoTheServerCanStillSendFilesAndComputeLengths() throws Exception {
        List<byte[]> body = List.of("ok".getBytes(UTF_8));
        GatewayApplication app = (env, start) -> {
            start.start("200 OK", List.of(Header.of("Content-Type", "text/plain")));
            return body;
        };
        Iterable<byte[]> returned = ErrorPages.builder().template(500, 599).build(app)
                .call(dev.gatewaybridge.testing.Environs.create("GET", "/"), (s, h, e) -> data -> { });
        org.junit.jupiter.api.Assertions.assertSame(body, returned);
    }
}
