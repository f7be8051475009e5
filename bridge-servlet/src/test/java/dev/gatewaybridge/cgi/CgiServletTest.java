package dev.gatewaybridge.cgi;

import static dev.gatewaybridge.cgi.CgiHarness.envLines;
import static dev.gatewaybridge.cgi.CgiHarness.script;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.gatewaybridge.test.Peers;
import dev.gatewaybridge.test.RawHttp;
import dev.gatewaybridge.test.ServletContainer;

/** CgiApplication behind GatewayServlet in real Jetty and Tomcat, with real shell, PHP, Python and Java programs. */
class CgiServletTest {

    @TempDir
    Path dir;
    Path root;
    CgiApplication app;
    ServletContainer server;
    final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    @BeforeEach
    void scripts() throws IOException {
        root = dir.resolve("cgi-bin");
        script(root, "hello.sh", "#!/bin/sh\nprintf 'Content-Type: text/plain\\n\\nhello\\n'\n");
        script(root, "printenv.pl", CgiApplicationTest.PRINTENV);
        script(root, "slow.sh", "#!/bin/sh\nexec /bin/sleep 30\n");
        script(root, "go.sh", "#!/bin/sh\nprintf 'Location: /cgi-bin/printenv.pl/next?from=go\\n\\n'\n");
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        if (app != null) {
            app.close();
        }
    }

    private void serve(ServletContainer.Kind kind, CgiConfig.Builder config) {
        app = config.application();
        server = ServletContainer.start(kind, app, "", "/cgi-bin/*", Map.of());
    }

    private HttpResponse<String> get(String path, String... headers) throws Exception {
        var b = HttpRequest.newBuilder(server.uri(path)).timeout(Duration.ofSeconds(20));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String contentType, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(server.uri(path)).timeout(Duration.ofSeconds(20))
                .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @ParameterizedTest
    @EnumSource(ServletContainer.Kind.class)
    void scriptsAnswerThroughTheServlet(ServletContainer.Kind kind) throws Exception {
        serve(kind, CgiApplication.builder().root(root));
        var r = get("/cgi-bin/hello.sh");
        assertEquals(200, r.statusCode());
        assertEquals("hello\n", r.body());
        var vars = envLines(get("/cgi-bin/printenv.pl/a%20b?x=1", "X-Test", "t", "Proxy", "http://evil/").body());
        assertEquals("/cgi-bin/printenv.pl", vars.get("SCRIPT_NAME"));
        assertEquals("/a b", vars.get("PATH_INFO"));
        assertEquals("x=1", vars.get("QUERY_STRING"));
        assertEquals("/cgi-bin/printenv.pl/a%20b?x=1", vars.get("REQUEST_URI"));
        assertEquals(Integer.toString(server.port()), vars.get("SERVER_PORT"));
        assertEquals("t", vars.get("HTTP_X_TEST"));
        assertNull(vars.get("HTTP_PROXY"));
        assertEquals(404, get("/cgi-bin/none.sh").statusCode());
        var head = http.send(HttpRequest.newBuilder(server.uri("/cgi-bin/hello.sh"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, head.statusCode());
        assertEquals("", head.body());
        var put = http.send(HttpRequest.newBuilder(server.uri("/cgi-bin/hello.sh"))
                .PUT(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(405, put.statusCode());
        assertEquals("GET, HEAD, POST", put.headers().firstValue("Allow").orElse(null));
        int encoded = get("/cgi-bin/sub%2fhello.sh").statusCode();
        assertTrue(encoded == 400 || encoded == 403, "encoded slash refused, by us or the container: " + encoded);
    }

    @ParameterizedTest
    @EnumSource(ServletContainer.Kind.class)
    void redirectsTimeoutsAndBusy(ServletContainer.Kind kind) throws Exception {
        serve(kind, CgiApplication.builder().root(root).timeout(Duration.ofSeconds(2)).maxProcesses(1).retryAfter(3));
        var r = get("/cgi-bin/go.sh");
        assertEquals(200, r.statusCode());
        assertEquals("/next", envLines(r.body()).get("PATH_INFO"));
        assertEquals("from=go", envLines(r.body()).get("QUERY_STRING"));
        String marker = "cgi-busy-" + System.nanoTime();
        script(root, "slow.sh", "#!/bin/sh\nexec /bin/sh -c '/bin/sleep 30' " + marker + "\n");
        var slow = http.sendAsync(HttpRequest.newBuilder(server.uri("/cgi-bin/slow.sh")).build(),
                HttpResponse.BodyHandlers.ofString());
        for (int i = 0; i < 250 && ProcessCensus.count(marker, false) == 0; i++) {
            Thread.sleep(20); // until the one slot is taken
        }
        var busy = get("/cgi-bin/hello.sh");
        assertEquals(503, busy.statusCode());
        assertEquals("3", busy.headers().firstValue("Retry-After").orElse(null));
        assertEquals(504, slow.get().statusCode());
    }

    @ParameterizedTest
    @EnumSource(ServletContainer.Kind.class)
    void clientDisconnectKillsTheProgram(ServletContainer.Kind kind) throws Exception {
        String marker = "cgi-servlet-disconnect-" + System.nanoTime();
        script(root, "stream.sh", "#!/bin/sh\nprintf 'Content-Type: text/plain\\n\\n'\n"
                + "exec /bin/sh -c 'while :; do echo tick; /bin/sleep 0.02; done' " + marker + "\n");
        serve(kind, CgiApplication.builder().root(root));
        try (RawHttp raw = RawHttp.open(server.port())) {
            raw.send("GET /cgi-bin/stream.sh HTTP/1.1\r\nHost: localhost\r\n\r\n");
            assertEquals(200, raw.readHead().status());
            assertTrue(ProcessCensus.awaitRunning(marker) >= 1, "running"); // a fork about to exec may show twice
        }
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (ProcessCensus.count(marker, false) > 0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertEquals(0, ProcessCensus.count(marker, false), "program killed after the client left");
    }

    @ParameterizedTest
    @EnumSource(ServletContainer.Kind.class)
    void phpThroughPhpCgi(ServletContainer.Kind kind) throws Exception {
        Path phpCgi = Peers.require("php-cgi", "/usr/bin/php-cgi*");
        CgiPrograms.phpScript(root, "info.php");
        serve(kind, CgiApplication.builder().root(root).interpreter(".php", phpCgi.toString())
                .env("REDIRECT_STATUS", "200"));
        var r = get("/cgi-bin/info.php/extra?name=get");
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("yes", r.headers().firstValue("X-Php").orElse(null));
        assertEquals("php GET /cgi-bin/info.php /extra name=get", r.body());
        r = post("/cgi-bin/info.php", "application/x-www-form-urlencoded", "name=posted");
        assertEquals("php POST /cgi-bin/info.php  name=posted", r.body(), "PATH_INFO is set, empty");
        r = get("/cgi-bin/info.php?go=there");
        assertEquals(302, r.statusCode());
        assertEquals("http://example.com/there", r.headers().firstValue("Location").orElse(null));
    }

    @ParameterizedTest
    @EnumSource(ServletContainer.Kind.class)
    void wsgirefApplicationPassesItsValidatorThroughTheBridge(ServletContainer.Kind kind) throws Exception {
        Peers.require("python3", "/usr/bin/python3");
        CgiPrograms.wsgirefScript(root, "wsgi.py");
        serve(kind, CgiApplication.builder().root(root));
        var r = get("/cgi-bin/wsgi.py/p/q?k=v");
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("GET /cgi-bin/wsgi.py /p/q k=v|", r.body());
        r = post("/cgi-bin/wsgi.py", "text/plain", "payload");
        assertEquals("POST /cgi-bin/wsgi.py  |payload", r.body());
        assertTrue(server.logged("wsgiref app logged"), server.log().toString());
        assertFalse(server.log().stream().anyMatch(l -> l.contains("AssertionError")), server.log().toString());
    }

    @ParameterizedTest
    @EnumSource(ServletContainer.Kind.class)
    void gatewayAppRunAsCgiByCgiRunner(ServletContainer.Kind kind) throws Exception {
        CgiPrograms.runnerScript(root, "runner.sh");
        serve(kind, CgiApplication.builder().root(root));
        var r = post("/cgi-bin/runner.sh/x/%C3%A9?q=1", "text/plain", "body é");
        assertEquals(201, r.statusCode(), r.body());
        assertEquals("yes", r.headers().firstValue("X-Runner").orElse(null));
        assertEquals(List.of("a=1", "b=2"), r.headers().allValues("Set-Cookie"));
        assertEquals("method=POST\nscript=/cgi-bin/runner.sh\npath=/x/é\nquery=q=1\nrun_once=true\nscheme=http\n"
                + "gateway=CGI/1.1\nbody=body é\n", r.body());
        assertTrue(server.logged("runner app log line"));
        assertEquals(500, get("/cgi-bin/runner.sh/fail").statusCode());
        var printed = get("/cgi-bin/runner.sh/print");
        assertEquals(201, printed.statusCode());
        assertFalse(printed.body().contains("stray"));
        assertTrue(server.logged("stray print"));
    }

}
