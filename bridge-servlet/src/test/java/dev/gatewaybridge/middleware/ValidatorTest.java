package dev.gatewaybridge.middleware;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import dev.gatewaybridge.api.Bodies;
import dev.gatewaybridge.api.GatewayApplication;
import dev.gatewaybridge.api.Header;
import dev.gatewaybridge.testing.Environs;
import dev.gatewaybridge.testing.TestClient;
import dev.gatewaybridge.testing.TestResponse;

class ValidatorTest {

    private static final List<Header> TEXT = List.of(Header.of("Content-Type", "text/plain"));

    private static GatewayApplication answering(List<Header> headers, String... chunks) {
        return (env, start) -> {
            start.start("200 OK", headers);
            return chunks.length == 0 ? List.of() : List.of(chunks).stream().map(c -> c.getBytes(UTF_8)).toList();
        };
    }

    private static ValidationException strictFailure(GatewayApplication app) {
        return assertThrows(ValidationException.class, () -> TestClient.of(app).get("/"));
    }

    private static TestResponse reported(GatewayApplication app) throws Exception {
        return TestClient.of(app).validator(Validator.Mode.REPORT).get("/");
    }

    @Test
    void aConformingApplicationPassesStrictMode() throws Exception {
        TestResponse r = TestClient.of(answering(List.of(Header.of("Content-Type", "text/plain"),
                Header.of("Content-Length", "5")), "he", "llo")).get("/");
        assertEquals("hello", r.text());
        assertEquals("", r.errors());
    }

    @Test
    void modeParamIsReadAndABadValueFailsNamingParamAndValue() {
        GatewayApplication app = answering(TEXT);
        assertEquals(Validator.Mode.REPORT, new Validator(app, Map.of("validator.mode", "report")).mode());
        assertEquals(Validator.Mode.STRICT, new Validator(app, Map.of()).mode());
        var e = assertThrows(IllegalArgumentException.class,
                () -> new Validator(app, Map.of("validator.mode", "loud")));
        assertTrue(e.getMessage().contains("validator.mode") && e.getMessage().contains("\"loud\""), e.getMessage());
        var typo = assertThrows(IllegalArgumentException.class,
                () -> new Validator(app, Map.of("validator.mdoe", "report")));
        assertTrue(typo.getMessage().contains("validator.mdoe"), typo.getMessage());
    }

    @Test
    void strictModeFailsASecondStartResponseNamingRuleAndFirstStatus() {
        GatewayApplication twice = (env, start) -> {
            start.start("200 OK", TEXT);
            start.start("302 Found", TEXT);
            return List.of();
        };
        var e = strictFailure(twice);
        assertEquals("start_response.twice", e.rule());
        assertTrue(e.getMessage().contains("[start_response.twice]") && e.getMessage().contains("\"200 OK\""),
                e.getMessage());
        assertEquals(500, e.status());
    }

    @Test
    void strictModeFailsEvenWhenTheApplicationSwallowsTheViolation() {
        GatewayApplication swallowing = (env, start) -> {
            try {
                start.start("200 OK", List.of(Header.of("Transfer-Encoding", "chunked")));
            } catch (RuntimeException ignored) {
                start.start("200 OK", TEXT, ignored);
            }
            return Bodies.of("fine?");
        };
        assertEquals("start_response.header", strictFailure(swallowing).rule());
    }

    @Test
    void strictModeNamesTheBadStatus() {
        GatewayApplication app = (env, start) -> {
            start.start("200", TEXT);
            return List.of();
        };
        var e = strictFailure(app);
        assertEquals("start_response.status", e.rule());
        assertTrue(e.getMessage().contains("\"200\""), e.getMessage());
    }

    @Test
    void strictModeFailsAStatusHeaderAndAHeaderNameEndingInDash() {
        assertEquals("start_response.header", strictFailure(answering(List.of(Header.of("Status", "200")))).rule());
        assertEquals("start_response.header", strictFailure(answering(List.of(Header.of("X-", "1")))).rule());
    }

    @Test
    void strictModeFailsABodyShorterOrLongerThanContentLength() {
        var shortBody = strictFailure(answering(List.of(Header.of("Content-Length", "10")), "abc"));
        assertEquals("body.content-length", shortBody.rule());
        assertTrue(shortBody.getMessage().contains("3 bytes"), shortBody.getMessage());
        var longBody = strictFailure(answering(List.of(Header.of("Content-Length", "2")), "abc"));
        assertEquals("body.content-length", longBody.rule());
    }

    @Test
    void contentLengthIsNotCheckedForHead() throws Exception {
        GatewayApplication app = answering(List.of(Header.of("Content-Length", "10")));
        assertEquals(200, TestClient.of(app).request("HEAD", "/", List.of(), null).status());
    }

    @Test
    void strictModeFailsTwoContentLengthsAndANonNumericOne() {
        assertEquals("start_response.content-length", strictFailure(answering(
                List.of(Header.of("Content-Length", "1"), Header.of("Content-Length", "1")), "a")).rule());
        assertEquals("start_response.content-length",
                strictFailure(answering(List.of(Header.of("Content-Length", "-1")))).rule());
    }

    @Test
    void strictModeFailsABodyOnA204() {
        GatewayApplication app = (env, start) -> {
            start.start("204 No Content", List.of());
            return Bodies.of("surprise");
        };
        assertEquals("body.not-allowed", strictFailure(app).rule());
    }

    @Test
    void strictModeFailsANullChunkAndANullBody() {
        GatewayApplication nullChunk = (env, start) -> {
            start.start("200 OK", TEXT);
            List<byte[]> body = new ArrayList<>();
            body.add(null);
            return body;
        };
        assertEquals("body.chunk-type", strictFailure(nullChunk).rule());
        GatewayApplication nullBody = (env, start) -> {
            start.start("200 OK", TEXT);
            return null;
        };
        assertEquals("app.return", strictFailure(nullBody).rule());
    }

    @Test
    void strictModeFailsAChunkBeforeStartResponse() {
        assertEquals("start_response.missing", strictFailure((env, start) -> Bodies.of("early")).rule());
        assertEquals("start_response.missing", strictFailure((env, start) -> List.of()).rule());
    }

    @Test
    void strictModeFailsAnApplicationClosingWsgiInputOrWsgiErrors() {
        GatewayApplication closesInput = (env, start) -> {
            ((InputStream) env.get("wsgi.input")).close();
            return answering(TEXT).call(env, start);
        };
        assertEquals("input.close", strictFailure(closesInput).rule());
        GatewayApplication closesErrors = (env, start) -> {
            ((PrintWriter) env.get("wsgi.errors")).close();
            return answering(TEXT).call(env, start);
        };
        assertEquals("errors.close", strictFailure(closesErrors).rule());
    }

    @Test
    void strictModeFailsAnEnvironMissingAKeyNamingTheKey() {
        Map<String, Object> env = Environs.create("GET", "/");
        env.remove("SERVER_PROTOCOL");
        var e = assertThrows(ValidationException.class, () -> TestClient.of(answering(TEXT)).run(env));
        assertEquals("environ.missing-key", e.rule());
        assertTrue(e.getMessage().contains("SERVER_PROTOCOL"), e.getMessage());
    }

    @Test
    void strictModeFailsAnEnvironWithWrongTypesOrShapes() {
        var cases = Map.<String, Object>of("SERVER_PORT", 80, "wsgi.version", List.of(1, 1),
                "wsgi.url_scheme", "ftp", "SCRIPT_NAME", "/", "PATH_INFO", "relative", "wsgi.multithread", "yes",
                "REQUEST_METHOD", "GET /", "HTTP_CONTENT_TYPE", "text/plain");
        var rules = Map.of("SERVER_PORT", "environ.cgi-type", "wsgi.version", "environ.wsgi-version",
                "wsgi.url_scheme", "environ.url-scheme", "SCRIPT_NAME", "environ.script-name",
                "PATH_INFO", "environ.path-info", "wsgi.multithread", "environ.wsgi-type",
                "REQUEST_METHOD", "environ.method", "HTTP_CONTENT_TYPE", "environ.http-content");
        cases.forEach((key, value) -> {
            Map<String, Object> env = Environs.create("GET", "/");
            env.put(key, value);
            var e = assertThrows(ValidationException.class, () -> TestClient.of(answering(TEXT)).run(env), key);
            assertEquals(rules.get(key), e.rule(), key);
        });
    }

    @Test
    void reportModeLetsTheRequestGoOnAndLogsOneLinePerViolation() throws Exception {
        GatewayApplication app = answering(List.of(Header.of("Content-Type", "text/plain"),
                Header.of("Status", "200"), Header.of("Content-Length", "9")), "abc");
        TestResponse r = reported(app);
        assertEquals(200, r.status());
        assertEquals("abc", r.text());
        String[] lines = r.errors().split("\n");
        assertEquals(2, lines.length, r.errors());
        assertTrue(lines[0].startsWith("validator: PEP 3333 violation [start_response.header]"), lines[0]);
        assertTrue(lines[1].contains("[body.content-length]") && lines[1].contains("3 bytes"), lines[1]);
    }

    @Test
    void reportModeLogsAnApplicationClosingWsgiErrorsAndKeepsTheLogOpen() throws Exception {
        GatewayApplication app = (env, start) -> {
            PrintWriter errors = (PrintWriter) env.get("wsgi.errors");
            errors.close();
            errors.println("still here");
            return answering(TEXT).call(env, start);
        };
        TestResponse r = reported(app);
        assertTrue(r.errors().contains("[errors.close]") && r.errors().contains("still here"), r.errors());
    }

    @Test
    void theServerClosingTwiceOrIteratingAfterCloseIsAViolationAndTheAppClosesOnce() throws Exception {
        AtomicInteger closes = new AtomicInteger();
        GatewayApplication app = (env, start) -> {
            start.start("200 OK", TEXT);
            return Bodies.onClose(Bodies.of("x"), closes::incrementAndGet);
        };
        Validator validator = new Validator(app);
        Iterable<byte[]> body = validator.call(Environs.create("GET", "/"), (s, h, e) -> data -> { });
        Iterator<byte[]> it = body.iterator();
        ((AutoCloseable) body).close();
        assertEquals("body.after-close", assertThrows(ValidationException.class, it::hasNext).rule());
        assertEquals("close.twice",
                assertThrows(ValidationException.class, ((AutoCloseable) body)::close).rule());
        assertEquals(1, closes.get());
    }

    @Test
    void writeAfterCloseIsAViolation() throws Exception {
        var writes = new ArrayList<dev.gatewaybridge.api.Write>();
        GatewayApplication app = (env, start) -> {
            writes.add(start.start("200 OK", TEXT));
            return List.of();
        };
        Iterable<byte[]> body = new Validator(app).call(Environs.create("GET", "/"), (s, h, e) -> data -> { });
        body.iterator().hasNext();
        ((AutoCloseable) body).close();
        var e = assertThrows(ValidationException.class, () -> writes.get(0).write(new byte[1]));
        assertEquals("write.after-close", e.rule());
    }

    @Test
    void aCollectionBodyStaysACollectionTheServerMayIterateTwice() throws Exception {
        Iterable<byte[]> body = new Validator(answering(List.of(Header.of("Content-Length", "2")), "a", "b"))
                .call(Environs.create("GET", "/"), (s, h, e) -> data -> { });
        var chunks = assertInstanceOf(java.util.Collection.class, body);
        assertEquals(2, chunks.size());
        body.forEach(chunk -> { });
        body.forEach(chunk -> { });
        ((AutoCloseable) body).close();
    }

    @Test
    void aFileBodyIsPassedAsItIsAndItsLengthChecked(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path file = java.nio.file.Files.write(dir.resolve("f"), new byte[10]);
        GatewayApplication app = (env, start) -> {
            start.start("200 OK", List.of(Header.of("Content-Length", "11")));
            return ((dev.gatewaybridge.api.FileWrapper) env.get("wsgi.file_wrapper"))
                    .wrap(java.nio.channels.FileChannel.open(file), 0);
        };
        var e = assertThrows(ValidationException.class, () -> new Validator(app)
                .call(Environs.create("GET", "/"), (s, h, x) -> data -> { }));
        assertEquals("body.content-length", e.rule());
        TestResponse r = TestClient.of(app).validator(Validator.Mode.REPORT).get("/");
        assertTrue(r.errors().contains("10 bytes"), r.errors());
    }
}
