package dev.gatewaybridge.fastcgi;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.gatewaybridge.api.BadGatewayException;
import dev.gatewaybridge.test.Peers;

/** CGI scripts run by a real fcgiwrap over FastCGI, on a Unix domain socket. */
class FastCgiFcgiwrapTest {

    @TempDir
    static Path dir;
    static Process fcgiwrap;
    static FastCgiApplication app;

    @BeforeAll
    static void start() throws Exception {
        Path binary = Peers.require("fcgiwrap", "/usr/sbin/fcgiwrap");
        Path www = Files.createDirectories(dir.resolve("cgi"));
        script(www, "env.sh", """
                #!/bin/sh
                printf 'Content-Type: text/plain\\r\\n\\r\\n'
                printf 'method=%s query=%s script=%s info=%s' "$REQUEST_METHOD" "$QUERY_STRING" "$SCRIPT_NAME" "$PATH_INFO"
                """);
        script(www, "post.sh", """
                #!/bin/sh
                printf 'Status: 201 Created\\r\\nContent-Type: text/plain\\r\\n\\r\\n'
                printf 'got %s bytes: ' "$CONTENT_LENGTH"
                head -c "$CONTENT_LENGTH"
                """);
        script(www, "stderr.sh", """
                #!/bin/sh
                echo 'complaint from the script' >&2
                printf 'Content-Type: text/plain\\r\\n\\r\\nok'
                """);
        script(www, "noheaders.sh", """
                #!/bin/sh
                echo '<html>forgot the headers</html>'
                """);
        Path socket = dir.resolve("fcgiwrap.sock");
        fcgiwrap = new ProcessBuilder(binary.toString(), "-f", "-c", "2", "-s", "unix:" + socket)
                .redirectErrorStream(true).redirectOutput(dir.resolve("fcgiwrap.out").toFile()).start();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!Files.exists(socket) && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        app = FastCgiApplication.builder().backends("unix:" + socket).root(www.toString())
                .scriptPattern("^(.+\\.sh)(/.*)$").maxConnections(2).readTimeout(Duration.ofSeconds(10)).build();
    }

    private static void script(Path www, String name, String text) throws Exception {
        Path file = www.resolve(name);
        Files.writeString(file, text);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (app != null) {
            app.close();
        }
        if (fcgiwrap != null) {
            // The parent first: it would replace children killed before it; then the children it leaves.
            java.util.List<ProcessHandle> children = fcgiwrap.descendants().toList();
            fcgiwrap.destroy();
            if (!fcgiwrap.waitFor(10, TimeUnit.SECONDS)) {
                fcgiwrap.destroyForcibly();
            }
            children.forEach(ProcessHandle::destroy);
            for (ProcessHandle child : children) {
                child.onExit().orTimeout(10, TimeUnit.SECONDS).exceptionally(t -> {
                    child.destroyForcibly();
                    return child;
                }).join();
            }
        }
    }

    @Test
    void shellScriptGetsTheCgiVariables() throws Exception {
        Call c = Call.of("GET", "/env.sh/a/b?x=1").run(app);
        assertEquals(200, c.code());
        assertEquals("method=GET query=x=1 script=/env.sh info=/a/b", c.text());
    }

    @Test
    void postBodyReachesTheScriptsStdinAndItsStatusComesBack() throws Exception {
        Call c = Call.of("POST", "/post.sh").body("text/plain", "twelve bytes".getBytes()).run(app);
        assertEquals(201, c.code());
        assertEquals("got 12 bytes: twelve bytes", c.text());
    }

    @Test
    void scriptStderrGoesToWsgiErrors() throws Exception {
        Call c = Call.of("GET", "/stderr.sh").run(app);
        assertEquals("ok", c.text());
        assertTrue(c.errors.toString().contains("complaint from the script"), c.errors.toString());
    }

    @Test
    void scriptWithoutHeadersIs502() {
        BadGatewayException e = assertThrows(BadGatewayException.class, () -> Call.of("GET", "/noheaders.sh").run(app));
        assertEquals(502, e.status());
    }

    @Test
    void manySequentialRequestsKeepWorking() throws Exception {
        for (int i = 0; i < 30; i++) {
            assertTrue(Call.of("GET", "/env.sh?i=" + i).run(app).text().contains("query=i=" + i));
        }
    }
}
