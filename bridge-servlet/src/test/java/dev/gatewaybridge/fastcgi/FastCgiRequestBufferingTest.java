package dev.gatewaybridge.fastcgi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.gatewaybridge.test.RawHttp;
import dev.gatewaybridge.test.ServletContainer;
import dev.gatewaybridge.test.ServletContainer.Kind;
import dev.gatewaybridge.test.SlowClient;

/**
 * Request buffering against a real php-fpm with 2 children, on Jetty and Tomcat, from raw sockets: slow
 * uploads cost a container thread, never a php-fpm worker; a stalled or trickling body is a 408 and a too
 * large one a 413, before any worker is involved; nothing is left in the temp directory.
 */
class FastCgiRequestBufferingTest {

    private static final int CHILDREN = 2;

    @TempDir
    Path dir;

    private PhpFpm php() throws Exception {
        return PhpFpm.tcp(dir, "static", CHILDREN)
                .page("length.php", "<?php echo $_SERVER['CONTENT_LENGTH'] ?? 'none', ' ', strlen(file_get_contents('php://input'));")
                .page("quick.php", "<?php echo 'quick';")
                .start();
    }

    private static FastCgiApplication.Builder app(PhpFpm fpm) {
        return FastCgiApplication.builder().backends(fpm.backend()).root(fpm.docroot.toString())
                .maxConnections(CHILDREN).connectTimeout(Duration.ofSeconds(30));
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void asManySlowUploadsAsWorkersDoNotStarveAQuickGet(Kind kind) throws Exception {
        long tmpBefore = tempBodies();
        try (PhpFpm fpm = php(); FastCgiApplication fcgi = app(fpm).build();
             ServletContainer c = ServletContainer.start(kind, fcgi, "", "/*", Map.of())) {
            List<SlowClient> slow = new ArrayList<>();
            try {
                for (int i = 0; i < CHILDREN; i++) {
                    // 200 KB at 2 KB per 50 ms (5 s): over the 64 KiB kept in memory, and faster than bodyMinRate.
                    slow.add(SlowClient.start(c.port(), "/length.php", 200_000, false, 2048, 50));
                }
                Thread.sleep(500); // the uploads are under way (each would hold a worker if streamed)
                try (RawHttp quick = RawHttp.open(c.port())) {
                    quick.setTimeout(5000); // the bounded wait: a starved GET times out here
                    var r = quick.send("GET /quick.php HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n").readResponse();
                    assertEquals(200, r.status(), r.toString());
                    assertEquals("quick", r.text());
                }
                for (SlowClient s : slow) {
                    assertTrue(s.sent() < 200_000, "still uploading when the GET was answered: " + s.sent());
                    var r = s.hurry().response();
                    assertEquals(200, r.status(), r.toString());
                    assertEquals("200000 200000", r.text(), "the whole body");
                }
            } finally {
                slow.forEach(SlowClient::close);
            }
        }
        assertEquals(tmpBefore, tempBodies(), "no temporary body file is left");
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aStalledBodyIs408NamingTheClientAndTheFigures(Kind kind) throws Exception {
        try (PhpFpm fpm = php(); FastCgiApplication fcgi = app(fpm).bodyTimeout(Duration.ofSeconds(1), 0).build();
             ServletContainer c = ServletContainer.start(kind, fcgi, "", "/*", Map.of());
             SlowClient stalled = SlowClient.start(c.port(), "/length.php", 100_000, false, 1000, 10)) {
            Thread.sleep(100);
            stalled.stall();
            long start = System.nanoTime();
            var r = stalled.response();
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertEquals(408, r.status(), r.toString());
            assertTrue(millis < 4000, "answered after " + millis + " ms, not at the container's idle timeout");
            assertTrue(c.logged("408", "request body from client 127.0.0.1:", "nothing for", "fastcgi.bodyTimeout 1s"),
                    c.log().toString());
            assertEquals("quick", RawHttp.get(c.port(), "/quick.php").text(), "the container still serves");
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aBodyTricklingBelowTheMinimumRateIs408(Kind kind) throws Exception {
        try (PhpFpm fpm = php(); FastCgiApplication fcgi = app(fpm).bodyTimeout(Duration.ofMillis(500), 4000).build();
             ServletContainer c = ServletContainer.start(kind, fcgi, "", "/*", Map.of());
             SlowClient trickle = SlowClient.start(c.port(), "/length.php", 100_000, false, 100, 100)) {
            var r = trickle.response(); // 1000 bytes/s, never silent for 500 ms
            assertEquals(408, r.status(), r.toString());
            assertTrue(c.logged("408", "bytes/s, below fastcgi.bodyMinRate 4000"), c.log().toString());
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aBodyOverTheMaximumIs413WithOrWithoutContentLength(Kind kind) throws Exception {
        try (PhpFpm fpm = php(); FastCgiApplication fcgi = app(fpm).maxBodySize(100_000).bodyBufferSize(1024).build();
             ServletContainer c = ServletContainer.start(kind, fcgi, "", "/*", Map.of())) {
            try (SlowClient declared = SlowClient.start(c.port(), "/length.php", 100_001, false, 100_001, 1)) {
                assertEquals(413, declared.response().status());
            }
            assertTrue(c.logged("413", "fastcgi.maxBodySize (100000 bytes): Content-Length 100001"), c.log().toString());
            try (SlowClient chunked = SlowClient.start(c.port(), "/length.php", 300_000, true, 64 * 1024, 1)) {
                assertEquals(413, chunked.response().status());
            }
            try (SlowClient fits = SlowClient.start(c.port(), "/length.php", 100_000, true, 64 * 1024, 1)) {
                assertEquals("100000 100000", fits.response().text(), "spilled to a file past 1 KiB, then sent");
            }
        }
    }

    /** Temporary body files in java.io.tmpdir (they are unlinked at once, so none should ever be seen). */
    static long tempBodies() throws Exception {
        try (var files = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return files.filter(p -> p.getFileName().toString().startsWith("gateway-")).count();
        }
    }
}
