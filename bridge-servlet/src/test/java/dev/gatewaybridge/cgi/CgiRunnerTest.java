package dev.gatewaybridge.cgi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.gatewaybridge.api.GatewayApplication;
import dev.gatewaybridge.api.Header;
import dev.gatewaybridge.bridge.CgiResponse;
import dev.gatewaybridge.bridge.CgiResponseParser;
import dev.gatewaybridge.test.RawHttp;

/** CgiRunner: its output read back by the CGI response parser, and the runner under a real Apache mod_cgi. */
class CgiRunnerTest {

    @TempDir
    Path dir;

    record Run(int exit, CgiResponse response, String body, String stderr) {
    }

    private static Run run(GatewayApplication app, Map<String, String> env, String stdin) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = CgiRunner.run(app, env, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), out,
                new PrintStream(err, true, StandardCharsets.UTF_8));
        InputStream in = new ByteArrayInputStream(out.toByteArray());
        CgiResponse response = CgiResponseParser.parse(in);
        return new Run(exit, response, new String(in.readAllBytes(), StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void responseIsACgiResponseTheParserReadsBack() throws Exception {
        var r = run(new RunnerDemoApp(), Map.of("REQUEST_METHOD", "POST", "SCRIPT_NAME", "/app", "PATH_INFO", "/p",
                "QUERY_STRING", "a=b", "CONTENT_LENGTH", "5", "GATEWAY_INTERFACE", "CGI/1.1", "HTTPS", "on"), "12345EXTRA");
        assertEquals(0, r.exit());
        assertEquals(201, r.response().status());
        assertEquals(List.of("a=1", "b=2"), r.response().headers().stream().filter(h -> h.is("Set-Cookie"))
                .map(Header::value).toList());
        assertEquals("method=POST\nscript=/app\npath=/p\nquery=a=b\nrun_once=true\nscheme=https\ngateway=CGI/1.1\n"
                + "body=12345\n", r.body(), "reads no further than CONTENT_LENGTH");
        assertTrue(r.stderr().contains("runner app log line"));
    }

    @Test
    void failureBeforeTheHeadersIs500AndExitStatus1() throws Exception {
        var r = run(new RunnerDemoApp(), Map.of("PATH_INFO", "/fail"), "");
        assertEquals(1, r.exit());
        assertEquals(500, r.response().status());
        assertTrue(r.stderr().contains("asked to fail"));
    }

    @Test
    void invalidHeaderFromTheAppNeverReachesStdout() throws Exception {
        GatewayApplication bad = (env, sr) -> {
            sr.start("200 OK", List.of(Header.of("X-Bad", "a\r\nSet-Cookie: evil=1")));
            return List.of("x".getBytes());
        };
        var r = run(bad, Map.of(), "");
        assertEquals(500, r.response().status());
        assertFalse(r.body().contains("evil"));
    }

    @Test
    void excInfoAfterTheHeadersLeftIsReRaisedAsItIsEvenWhenChecked() throws Exception {
        IOException failure = new IOException("mid-body");
        AtomicReference<Throwable> raised = new AtomicReference<>();
        GatewayApplication app = (env, sr) -> {
            sr.start("200 OK", List.of(Header.of("Content-Type", "text/plain"))).write("partial".getBytes());
            try {
                sr.start("500 Oops", List.of(Header.of("Content-Type", "text/plain")), failure);
            } catch (Throwable t) {
                raised.set(t);
                throw t;
            }
            return List.of();
        };
        var r = run(app, Map.of(), "");
        assertSame(failure, raised.get(), "PEP 3333: start_response re-raises exc_info once the headers left");
        assertEquals(1, r.exit());
        assertEquals(200, r.response().status());
        assertEquals("partial", r.body());
    }

    @Test
    void bodyBytesBeyondTheContentLengthAreDroppedAndLoggedOnce() throws Exception {
        GatewayApplication app = (env, sr) -> {
            sr.start("200 OK", List.of(Header.of("Content-Length", "5")));
            return List.of("hel".getBytes(), "lo world".getBytes(), "!".getBytes());
        };
        var r = run(app, Map.of(), "");
        assertEquals(0, r.exit());
        assertEquals("hello", r.body());
        assertEquals(1, r.stderr().lines().filter(l -> l.contains("beyond Content-Length 5")).count(), r.stderr());
    }

    @Test
    void aBodyShorterThanItsContentLengthExitsWith1AndIsLogged() throws Exception {
        GatewayApplication app = (env, sr) -> {
            sr.start("200 OK", List.of(Header.of("Content-Length", "10")));
            return List.of("short".getBytes());
        };
        var r = run(app, Map.of(), "");
        assertEquals(1, r.exit());
        assertEquals("short", r.body());
        assertTrue(r.stderr().contains("body shorter than its Content-Length: declared 10, sent 5"), r.stderr());
    }

    @Test
    void runnerWorksUnderApacheModCgi() throws Exception {
        Path cgiBin = dir.resolve("cgi-bin");
        CgiPrograms.runnerScriptWithCopiedClasses(cgiBin, "runner.sh", dir);
        Path docRoot = Files.createDirectories(dir.resolve("htdocs"));
        try (ApacheHttpd apache = ApacheHttpd.start(dir, cgiBin, docRoot, false, "")) {
            var r = RawHttp.exchange(apache.port(), "POST /cgi-bin/runner.sh/x/%C3%A9?q=1 HTTP/1.1\r\nHost: localhost\r\n"
                    + "Content-Type: text/plain\r\nContent-Length: 7\r\nConnection: close\r\n\r\nbody \u00c3\u00a9");
            assertEquals(201, r.status(), r.text() + apache.log());
            assertEquals("yes", r.header("X-Runner"));
            assertEquals("method=POST\nscript=/cgi-bin/runner.sh\npath=/x/é\nquery=q=1\nrun_once=true\nscheme=http\n"
                    + "gateway=CGI/1.1\nbody=body é\n", new String(r.body(), StandardCharsets.UTF_8));
            var fail = RawHttp.get(apache.port(), "/cgi-bin/runner.sh/fail");
            assertEquals(500, fail.status());
            assertTrue(apache.log().contains("asked to fail"), apache.log());
        }
    }
}
