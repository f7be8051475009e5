package dev.gatewaybridge.cgi;

import static dev.gatewaybridge.cgi.CgiHarness.script;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.gatewaybridge.test.Peers;
import dev.gatewaybridge.test.ServletContainer;
import dev.gatewaybridge.test.ServletContainer.Kind;
import dev.gatewaybridge.test.SlowClient;

/**
 * Request bodies of CGI programs behind the servlet, on Jetty and Tomcat, from raw sockets: a chunked upload
 * reaches php-cgi whole with its CONTENT_LENGTH (RFC 3875 §4.1.2), a too large one is 413 before any program
 * runs, and a body that stalls while a program waits on its stdin is a 408, the program killed.
 */
class CgiRequestBodyTest {

    @TempDir
    Path dir;
    CgiApplication app;
    ServletContainer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        if (app != null) {
            app.close();
        }
    }

    private void serve(Kind kind, CgiConfig.Builder config) throws Exception {
        Path root = dir.resolve("cgi-bin");
        Files.createDirectories(root);
        Files.writeString(root.resolve("length.php"), "<?php echo $_SERVER['CONTENT_LENGTH'] ?? 'none', ' ', "
                + "strlen(file_get_contents('php://input'));");
        script(root, "wait.sh", "#!/bin/sh\nprintf 'Content-Type: text/plain\\n\\n'\nexec wc -c\n");
        Path phpCgi = Peers.require("php-cgi", "/usr/bin/php-cgi*");
        app = config.root(root).interpreter(".php", phpCgi.toString()).env("REDIRECT_STATUS", "200").application();
        server = ServletContainer.start(kind, app, "", "/cgi-bin/*", Map.of());
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aChunkedUploadReachesPhpCgiWholeWithItsContentLength(Kind kind) throws Exception {
        serve(kind, CgiApplication.builder());
        for (int size : new int[] {5, 200_000}) { // in memory, and spilled to a temporary file
            try (SlowClient chunked = SlowClient.start(server.port(), "/cgi-bin/length.php", size, true, 64 * 1024, 1)) {
                var r = chunked.response();
                assertEquals(200, r.status(), r.toString());
                assertEquals(size + " " + size, r.text());
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aChunkedUploadOverTheMaximumIs413BeforeAnyProgramRuns(Kind kind) throws Exception {
        serve(kind, CgiApplication.builder().bodySizes(100_000, 1024));
        try (SlowClient chunked = SlowClient.start(server.port(), "/cgi-bin/length.php", 300_000, true, 64 * 1024, 1)) {
            assertEquals(413, chunked.response().status());
        }
        assertTrue(server.logged("413", "cgi.maxBodySize (100000 bytes)"), server.log().toString());
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aBodyStallingWhileTheProgramWaitsOnStdinIs408(Kind kind) throws Exception {
        serve(kind, CgiApplication.builder().bodyTimeout(Duration.ofSeconds(1), 0));
        try (SlowClient stalled = SlowClient.start(server.port(), "/cgi-bin/wait.sh", 100_000, false, 1000, 10)) {
            Thread.sleep(100);
            long start = System.nanoTime();
            var r = stalled.stall().response();
            assertEquals(408, r.status(), r.toString());
            assertTrue(System.nanoTime() - start < 4_000_000_000L, "at the body timeout, not the container's");
        }
        assertTrue(server.logged("408", "cgi.bodyTimeout 1s"), server.log().toString());
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (ProcessHandle.current().descendants().anyMatch(p -> p.info().command().orElse("").endsWith("wc"))
                && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertEquals(0, ProcessHandle.current().descendants()
                .filter(p -> p.info().command().orElse("").endsWith("wc")).count(), "the waiting program is killed");
    }
}
