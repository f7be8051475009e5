package dev.gatewaybridge.scgi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.gatewaybridge.test.RawHttp;
import dev.gatewaybridge.test.ServletContainer;
import dev.gatewaybridge.test.UwsgiRig;

/** A Flask application in a real uWSGI, over SCGI, behind the servlet in Jetty (and once in Tomcat). */
class ScgiFlaskTest {

    /** The Flask app the tests talk to; each route exercises one thing. */
    static final String FLASK_APP = """
            import hashlib, os, signal
            from flask import Flask, Response, redirect, request, url_for

            app = Flask(__name__)
            application = app

            @app.get("/")
            def index():
                return "hello from flask"

            @app.get("/env")
            def env():
                e = request.environ
                keys = ["SCRIPT_NAME", "PATH_INFO", "QUERY_STRING", "REQUEST_METHOD", "SERVER_NAME",
                        "SERVER_PORT", "HTTP_X_TEST", "HTTP_PROXY", "REQUEST_URI", "SCGI", "REMOTE_ADDR"]
                return "\\n".join(k + "=" + str(e.get(k)) for k in keys)

            @app.route("/form", methods=["GET", "POST"])
            def form():
                if request.method == "POST":
                    return "hello " + request.form["name"]
                return '<form method="post"><input name="name"></form>'

            @app.get("/redirect")
            def go():
                return redirect(url_for("target"))

            @app.get("/target")
            def target():
                return "target reached"

            @app.get("/large")
            def large():
                n = int(request.args.get("n", "5000000"))
                data = bytes(i % 251 for i in range(n))
                return Response(data, mimetype="application/octet-stream")

            @app.get("/stream")
            def stream():
                return Response((("chunk %d\\n" % i) for i in range(1000)), mimetype="text/plain")

            @app.post("/upload")
            def upload():
                body = request.get_data()
                return "%d %s" % (len(body), hashlib.sha256(body).hexdigest())

            @app.get("/status")
            def status():
                return Response("teapot", status=418, headers={"X-Custom": "yes"})

            @app.get("/slow")
            def slow():
                import time
                time.sleep(float(request.args["s"]))
                return "late"

            @app.get("/die")
            def die():
                def body():
                    yield b"x" * 100000
                    os.kill(os.getpid(), signal.SIGKILL)
                    yield b"never"
                return Response(body(), headers={"Content-Length": "1000000"}, mimetype="application/octet-stream")
            """;

    static Path dir;
    static UwsgiRig uwsgi;
    static ScgiApplication scgi;
    static ServletContainer jetty;
    static final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("scgi-flask");
        uwsgi = UwsgiRig.start(dir, UwsgiRig.Protocol.SCGI, Map.of("app.py", FLASK_APP), "app.py");
        scgi = ScgiApplication.builder().backends(uwsgi.tcpAddress())
                .timeouts(Duration.ofSeconds(2), Duration.ofSeconds(10), Duration.ofSeconds(30)).build();
        jetty = ServletContainer.start(ServletContainer.Kind.JETTY, scgi, "/ctx", "/*", Map.of());
    }

    @AfterAll
    static void stop() throws Exception {
        if (jetty != null) {
            jetty.close();
        }
        if (uwsgi != null) {
            uwsgi.close();
        }
        if (scgi != null) {
            scgi.close();
        }
    }

    static HttpResponse<String> get(ServletContainer c, String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(c.uri(path)).timeout(Duration.ofSeconds(20));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static String sha256(byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    }

    @Test
    void servesAFlaskPage() throws Exception {
        var r = get(jetty, "/ctx/");
        assertEquals(200, r.statusCode());
        assertEquals("hello from flask", r.body());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
    }

    @Test
    void flaskSeesTheMountQueryAndHeadersButNoProxyHeader() throws Exception {
        var r = get(jetty, "/ctx/env?a=1&b=%20x", "X-Test", "yes", "Proxy", "http://evil.example");
        assertEquals(200, r.statusCode());
        String body = r.body();
        for (String line : new String[] {"SCRIPT_NAME=/ctx", "PATH_INFO=/env", "QUERY_STRING=a=1&b=%20x",
                "REQUEST_METHOD=GET", "HTTP_X_TEST=yes", "HTTP_PROXY=None", "REQUEST_URI=/ctx/env?a=1&b=%20x",
                "SCGI=1", "REMOTE_ADDR=127.0.0.1"}) {
            assertTrue(body.contains(line + "\n") || body.endsWith(line), line + " in\n" + body);
        }
    }

    @Test
    void postsAForm() throws Exception {
        var r = client.send(HttpRequest.newBuilder(jetty.uri("/ctx/form"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("name=J%C3%BCrgen")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        assertEquals("hello J\u00fcrgen", r.body());
    }

    @Test
    void aRedirectKeepsTheMountPoint() throws Exception {
        var r = get(jetty, "/ctx/redirect");
        assertEquals(302, r.statusCode());
        String location = r.headers().firstValue("Location").orElseThrow();
        assertTrue(location.endsWith("/ctx/target"), location);
        assertEquals("target reached", get(jetty, URI.create(location).getPath()).body());
    }

    @Test
    void aStatusAndCustomHeaderPassThrough() throws Exception {
        var r = get(jetty, "/ctx/status");
        assertEquals(418, r.statusCode());
        assertEquals("yes", r.headers().firstValue("X-Custom").orElse(null));
        assertEquals("teapot", r.body());
    }

    @Test
    void aLargeResponseArrivesWhole() throws Exception {
        var r = client.send(HttpRequest.newBuilder(jetty.uri("/ctx/large")).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, r.statusCode());
        byte[] expected = new byte[5_000_000];
        for (int i = 0; i < expected.length; i++) {
            expected[i] = (byte) (i % 251);
        }
        assertEquals("5000000", r.headers().firstValue("Content-Length").orElse(null));
        assertArrayEquals(expected, r.body());
    }

    @Test
    void aStreamedResponseWithoutLengthIsCompleteAndChunked() {
        var r = RawHttp.get(jetty.port(), "/ctx/stream");
        assertEquals(200, r.status());
        assertTrue(r.complete());
        String text = r.text();
        assertTrue(text.startsWith("chunk 0\n") && text.endsWith("chunk 999\n"), text.length() + " chars");
    }

    @Test
    void aLargeUploadStreamsThroughWithItsLength() throws Exception {
        byte[] data = new byte[3_000_000];
        new java.util.Random(7).nextBytes(data);
        var r = client.send(HttpRequest.newBuilder(jetty.uri("/ctx/upload"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(data)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(data.length + " " + sha256(data), r.body());
    }

    @Test
    void aChunkedUploadIsBufferedToLearnItsLength() throws Exception {
        byte[] data = new byte[200_000];
        new java.util.Random(8).nextBytes(data);
        // An InputStream publisher has no length: the client sends it chunked.
        var r = client.send(HttpRequest.newBuilder(jetty.uri("/ctx/upload"))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(data)))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(data.length + " " + sha256(data), r.body());
    }

    @Test
    void emptyAndOneByteChunkedUploadsArriveWithTheirLength() throws Exception {
        for (byte[] data : List.of(new byte[0], new byte[] {42})) {
            var r = client.send(HttpRequest.newBuilder(jetty.uri("/ctx/upload"))
                    .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(data)))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(data.length + " " + sha256(data), r.body(), data.length + "-byte chunked body");
        }
    }

    @Test
    void worksOverAUnixSocketAndTheInitParamsOfTheServlet() throws Exception {
        try (ServletContainer c = ServletContainer.start(ServletContainer.Kind.JETTY, null, "", "/*", Map.of(
                "application", ScgiApplication.class.getName(), ScgiApplication.BACKENDS, uwsgi.unixAddress(),
                ScgiApplication.READ_TIMEOUT, "10s"))) {
            var r = get(c, "/env");
            assertEquals(200, r.statusCode());
            assertTrue(r.body().contains("SCRIPT_NAME=\n") && r.body().contains("PATH_INFO=/env"), r.body());
        }
    }

    @Test
    void worksInTomcatToo() throws Exception {
        // Its own bridge: the servlet closes the application when the container stops.
        ScgiApplication own = ScgiApplication.builder().backends(uwsgi.tcpAddress()).build();
        try (ServletContainer tomcat = ServletContainer.start(ServletContainer.Kind.TOMCAT, own, "/ctx", "/*", Map.of())) {
            assertEquals("hello from flask", get(tomcat, "/ctx/").body());
            var r = client.send(HttpRequest.newBuilder(tomcat.uri("/ctx/form"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("name=tom")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals("hello tom", r.body());
        }
    }

    @Test
    void manyRequestsLeaveNoConnectionOrDescriptorBehind() throws Exception {
        for (int i = 0; i < 50; i++) {
            get(jetty, "/ctx/"); // warm up: the container's own descriptors and threads
        }
        long before = openDescriptors();
        int threadsBefore = Thread.activeCount();
        for (int i = 0; i < 1000; i++) {
            assertEquals(200, get(jetty, "/ctx/").statusCode());
        }
        // The client has the whole response (it has a Content-Length) a moment before the servlet closes
        // the body, which is what releases the backend: wait for that, do not race it.
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (scgi.backends().backends().get(0).inFlight() != 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(0, scgi.backends().backends().get(0).inFlight());
        long after = openDescriptors();
        assertTrue(after - before < 20, "descriptors " + before + " -> " + after);
        assertTrue(Thread.activeCount() - threadsBefore < 10, "threads " + threadsBefore + " -> " + Thread.activeCount());
    }

    static long openDescriptors() throws Exception {
        try (var s = Files.list(Path.of("/proc/self/fd"))) {
            return s.count();
        }
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
