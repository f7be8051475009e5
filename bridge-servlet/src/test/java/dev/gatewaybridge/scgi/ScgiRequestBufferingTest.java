package dev.gatewaybridge.scgi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.gatewaybridge.bridge.BodyLimits;
import dev.gatewaybridge.test.RawHttp;
import dev.gatewaybridge.test.ServletContainer.Kind;
import dev.gatewaybridge.test.ServletContainer;
import dev.gatewaybridge.test.SlowClient;
import dev.gatewaybridge.test.UwsgiRig;

/**
 * Request buffering in front of a real uWSGI over SCGI, on Jetty and Tomcat, from raw sockets: as many slow
 * uploads as uWSGI has workers leave a quick GET answered; a stalled body is a 408 before uWSGI sees it.
 */
class ScgiRequestBufferingTest {

    /** Reads the whole body, as a WSGI app does: a streamed slow upload would hold the worker meanwhile. */
    private static final String APP = """
            def application(environ, start_response):
                body = environ['wsgi.input'].read() if environ['REQUEST_METHOD'] == 'POST' else b''
                start_response('200 OK', [('Content-Type', 'text/plain')])
                return [('%s %d' % (environ.get('CONTENT_LENGTH', 'none'), len(body))).encode()]
            """;

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(Kind.class)
    void asManySlowUploadsAsWorkersDoNotStarveAQuickGet(Kind kind) throws Exception {
        try (UwsgiRig uwsgi = UwsgiRig.start(dir, UwsgiRig.Protocol.SCGI, Map.of("app.py", APP), "app.py");
             ScgiApplication scgi = ScgiApplication.builder().backends(uwsgi.tcpAddress()).build();
             ServletContainer c = ServletContainer.start(kind, scgi, "", "/*", Map.of())) {
            List<SlowClient> slow = new ArrayList<>();
            try {
                for (int i = 0; i < UwsgiRig.PROCESSES; i++) {
                    slow.add(SlowClient.start(c.port(), "/upload", 200_000, false, 2048, 50));
                }
                Thread.sleep(500);
                try (RawHttp quick = RawHttp.open(c.port())) {
                    quick.setTimeout(5000); // the bounded wait: a starved GET times out here
                    var r = quick.send("GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n").readResponse();
                    assertEquals(200, r.status(), r.toString());
                    assertEquals("0 0", r.text()); // SCGI always sends CONTENT_LENGTH
                }
                for (SlowClient s : slow) {
                    assertTrue(s.sent() < 200_000, "still uploading when the GET was answered: " + s.sent());
                    var r = s.hurry().response();
                    assertEquals("200000 200000", r.text(), r.toString());
                }
            } finally {
                slow.forEach(SlowClient::close);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aStalledBodyIs408AndATooLargeOne413(Kind kind) throws Exception {
        BodyLimits limits = new BodyLimits("scgi.", true, 1024, 200_000, Duration.ofSeconds(1), 0);
        try (UwsgiRig uwsgi = UwsgiRig.start(dir, UwsgiRig.Protocol.SCGI, Map.of("app.py", APP), "app.py");
             ScgiApplication scgi = ScgiApplication.builder().backends(uwsgi.tcpAddress()).body(limits).build();
             ServletContainer c = ServletContainer.start(kind, scgi, "", "/*", Map.of())) {
            try (SlowClient stalled = SlowClient.start(c.port(), "/upload", 100_000, true, 1000, 10)) {
                Thread.sleep(100);
                var r = stalled.stall().response();
                assertEquals(408, r.status(), r.toString());
            }
            assertTrue(c.logged("408", "request body from client 127.0.0.1:", "scgi.bodyTimeout 1s"), c.log().toString());
            try (SlowClient big = SlowClient.start(c.port(), "/upload", 200_001, false, 200_001, 1)) {
                assertEquals(413, big.response().status());
            }
            try (SlowClient fits = SlowClient.start(c.port(), "/upload", 200_000, true, 64 * 1024, 1)) {
                assertEquals("200000 200000", fits.response().text(), "spilled to a file past 1 KiB, then sent");
            }
        }
    }
}
